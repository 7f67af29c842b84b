using System.Text;
using Istore.Net.Resp;

namespace Istore.Tests.Net;

public class RespValueTests
{
    private static RespValue Parse(string frame) => RespValue.Parse(Encoding.Latin1.GetBytes(frame));

    [Theory]
    [InlineData("+OK\r\n", RespType.SimpleString, "OK", "+OK")]
    [InlineData("-ERR bad\r\n", RespType.Error, "ERR bad", "-ERR bad")]
    [InlineData(":-42\r\n", RespType.Integer, "-42", "-42")]
    [InlineData("$5\r\nhe\r\nl\r\n", RespType.BulkString, "he\r\nl", "\"he\\r\\nl\"")]
    [InlineData("$0\r\n\r\n", RespType.BulkString, "", "\"\"")]
    [InlineData("#t\r\n", RespType.Boolean, "1", "true")]
    [InlineData("#f\r\n", RespType.Boolean, "0", "false")]
    [InlineData(",3.5\r\n", RespType.Double, "3.5", ",3.5")]
    [InlineData("(123456789012345678901234567890\r\n", RespType.BigNumber, "123456789012345678901234567890", "(123456789012345678901234567890")]
    [InlineData("!8\r\nERR x\r\ny\r\n", RespType.BlobError, "ERR x\r\ny", "!\"ERR x\\r\\ny\"")]
    [InlineData("=9\r\ntxt:hello\r\n", RespType.Verbatim, "hello", "txt:\"hello\"")]
    public void Scalars(string frame, RespType type, string text, string debug)
    {
        var value = Parse(frame);
        Assert.Equal(type, value.Type);
        Assert.Equal(text, value.AsString());
        Assert.Equal(debug, value.ToString());
        Assert.False(value.IsNull);
        Assert.False(value.IsAggregate);
        Assert.Equal(type is RespType.Error or RespType.BlobError, value.IsError);
        Assert.Null(value.Attributes);
    }

    [Theory]
    [InlineData("$-1\r\n")]
    [InlineData("*-1\r\n")]
    [InlineData("_\r\n")]
    public void Nulls(string frame)
    {
        var value = Parse(frame);
        Assert.True(value.IsNull);
        Assert.Null(value.AsString());
        Assert.Null(value.AsBytes());
        Assert.Equal("nil", value.ToString());
    }

    [Fact]
    public void Numbers_convert_like_clients_expect()
    {
        Assert.Equal(42, Parse(":42\r\n").AsInteger());
        Assert.Equal(42, Parse("$2\r\n42\r\n").AsInteger());   // RESP2 sends many numbers as bulk strings
        Assert.Equal(1, Parse("#t\r\n").AsInteger());
        Assert.Equal(2.5, Parse("$3\r\n2.5\r\n").AsDouble());
        Assert.Equal(7, Parse(":7\r\n").AsDouble());
        Assert.Equal(double.NegativeInfinity, Parse(",-inf\r\n").AsDouble());
        Assert.True(double.IsNaN(Parse(",nan\r\n").AsDouble()));
        Assert.True(Parse(":1\r\n").AsBoolean());
        Assert.False(Parse("#f\r\n").AsBoolean());
        Assert.Throws<InvalidOperationException>(() => Parse(":2\r\n").AsBoolean());
        Assert.Throws<InvalidOperationException>(() => Parse("$3\r\nabc\r\n").AsInteger());
        Assert.Throws<InvalidOperationException>(() => Parse("-ERR 1\r\n").AsInteger());
        Assert.Throws<InvalidOperationException>(() => Parse("*0\r\n").AsString());
        Assert.Throws<InvalidOperationException>(() => Parse("+OK\r\n").Items);
    }

    [Fact]
    public void Bytes_are_binary_safe()
    {
        Assert.Equal(new byte[] { 0, 13, 10, 255 }, Parse("$4\r\n\0\r\n\xff\r\n").AsBytes());
        Assert.Equal("hello"u8.ToArray(), Parse("=9\r\ntxt:hello\r\n").AsBytes());
        Assert.Equal("txt", Parse("=9\r\ntxt:hello\r\n").VerbatimFormat);
        Assert.Equal("12"u8.ToArray(), Parse(":12\r\n").AsBytes());
    }

    [Fact]
    public void Aggregates_hold_their_items()
    {
        var array = Parse("*4\r\n:1\r\n$1\r\na\r\n$-1\r\n*1\r\n+OK\r\n");
        Assert.Equal(RespType.Array, array.Type);
        Assert.True(array.IsAggregate);
        Assert.Equal(4, array.Count);
        Assert.Equal(1, array[0].AsInteger());
        Assert.Equal(["1", "a", null], array.Items.Take(3).Select(i => i.AsString()));
        Assert.Equal("+OK", array[3][0].ToString());
        Assert.Equal("[1, \"a\", nil, [+OK]]", array.ToString());
        Assert.Empty(Parse("*0\r\n").Items);
        Assert.Equal(new string?[] { "a", "b" }, Parse("~2\r\n+a\r\n+b\r\n").AsStringArray());
        Assert.Equal("~[+a]", Parse("~1\r\n+a\r\n").ToString());
        var push = Parse(">2\r\n+message\r\n:1\r\n");
        Assert.Equal(RespType.Push, push.Type);
        Assert.Equal(">[+message, 1]", push.ToString());
    }

    [Fact]
    public void Maps_are_flattened_pairs()
    {
        var map = Parse("%2\r\n+a\r\n:1\r\n+b\r\n%1\r\n+c\r\n_\r\n");
        Assert.Equal(RespType.Map, map.Type);
        Assert.Equal(4, map.Count);
        Assert.Equal(["a", "b"], map.Pairs.Select(p => p.Key.AsString()));
        Assert.Equal(1, map.Pairs.First().Value.AsInteger());
        Assert.Equal("{+a: 1, +b: {+c: nil}}", map.ToString());
        // A RESP2 flat array of pairs reads the same way.
        Assert.Equal(["a", "b"], Parse("*4\r\n+a\r\n:1\r\n+b\r\n:2\r\n").Pairs.Select(p => p.Key.AsString()));
        Assert.Throws<InvalidOperationException>(() => Parse("*1\r\n+a\r\n").Pairs.ToList());
    }

    [Fact]
    public void Attributes_decorate_the_following_value()
    {
        var value = Parse("|1\r\n+ttl\r\n:10\r\n*2\r\n|1\r\n+k\r\n+v\r\n:1\r\n:2\r\n");
        Assert.Equal(RespType.Array, value.Type);
        Assert.Equal(RespType.Attribute, value.Attributes!.Type);
        Assert.Equal(10, value.Attributes.Pairs.Single().Value.AsInteger());
        Assert.Equal("v", value[0].Attributes![1].AsString());
        Assert.Null(value[1].Attributes);
        Assert.Equal("|{+ttl: 10} [|{+k: +v} 1, 2]", value.ToString());
    }

    [Fact]
    public void Reader_reports_incomplete_and_malformed_input()
    {
        Assert.Equal(ParseResult.Incomplete, RespValueReader.TryRead("*2\r\n:1\r\n"u8, out var value, out int consumed, out _));
        Assert.Null(value);
        Assert.Equal(0, consumed);
        Assert.Equal(ParseResult.ProtocolError, RespValueReader.TryRead(":x\r\n"u8, out _, out _, out string? error));
        Assert.Equal("Protocol error: invalid integer", error);
        Assert.Equal(ParseResult.Complete, RespValueReader.TryRead("+A\r\n+B\r\n"u8, out value, out consumed, out _));
        Assert.Equal(("A", 4), (value!.AsString(), consumed));
        Assert.Throws<FormatException>(() => Parse("$3\r\nab"));
        Assert.Throws<FormatException>(() => Parse("?\r\n"));
    }

    [Fact]
    public void Deepest_allowed_nesting_materialises()
    {
        var frame = string.Concat(Enumerable.Repeat("*1\r\n", RespFrameScanner.MaxDepth)) + ":7\r\n";
        var value = Parse(frame);
        for (int i = 0; i < RespFrameScanner.MaxDepth; i++)
            value = value[0];
        Assert.Equal(7, value.AsInteger());
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Writer_output_reads_back(int protocol)
    {
        var writer = new RespWriter { Protocol = protocol };
        writer.WriteArrayHeader(8);
        writer.WriteOk();
        writer.WriteError("ERR x");
        writer.WriteInteger(-3);
        writer.WriteBulkString("b\r\nc"u8);
        writer.WriteNull();
        writer.WriteBoolean(true);
        writer.WriteDouble(2.5);
        writer.WriteMapHeader(1);
        writer.WriteSimpleString("k");
        writer.WriteVerbatimText("v");
        Assert.Equal(ParseResult.Complete, RespValueReader.TryRead(writer.WrittenSpan, out var value, out int consumed, out _));
        Assert.Equal(writer.Length, consumed);
        Assert.Equal(["OK", "ERR x", "-3", "b\r\nc", null, "1", "2.5"], value!.Items.Take(7).Select(i => i.AsString()));
        Assert.True(value[1].IsError);
        Assert.True(value[5].AsBoolean());
        Assert.Equal(2.5, value[6].AsDouble());
        Assert.Equal("v", value[7].Pairs.Single().Value.AsString());
        Assert.Equal(protocol == 3 ? RespType.Map : RespType.Array, value[7].Type);
    }
}
