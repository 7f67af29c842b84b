using System.Text;
using Istore.Net.Resp;

namespace Istore.Tests.Net;

public class RespWriterTests
{
    private static string Written(int protocol, Action<RespWriter> write)
    {
        var writer = new RespWriter { Protocol = protocol };
        write(writer);
        Assert.Equal(writer.WrittenSpan.Length, writer.Length);
        return Encoding.Latin1.GetString(writer.WrittenSpan);
    }

    /// <summary>Writes in both protocols and checks each one's exact bytes.</summary>
    private static void Check(Action<RespWriter> write, string resp2, string resp3)
    {
        Assert.Equal(resp2, Written(2, write));
        Assert.Equal(resp3, Written(3, write));
    }

    [Fact]
    public void Simple_strings_and_ok()
    {
        Check(w => w.WriteOk(), "+OK\r\n", "+OK\r\n");
        Check(w => w.WriteSimpleString("PONG"), "+PONG\r\n", "+PONG\r\n");
        Check(w => w.WriteSimpleString("PONG"u8), "+PONG\r\n", "+PONG\r\n");
        Check(w => w.WriteSimpleString(""), "+\r\n", "+\r\n");
    }

    [Fact]
    public void Line_replies_replace_embedded_crlf_with_spaces()
    {
        Check(w => w.WriteError("ERR bad\r\nthing\r"), "-ERR bad  thing \r\n", "-ERR bad  thing \r\n");
        Check(w => w.WriteSimpleString("a\nb"), "+a b\r\n", "+a b\r\n");
    }

    [Fact]
    public void Errors()
    {
        Check(w => w.WriteError("ERR unknown command"), "-ERR unknown command\r\n", "-ERR unknown command\r\n");
        Check(w => w.WriteError("WRONGTYPE x"u8), "-WRONGTYPE x\r\n", "-WRONGTYPE x\r\n");
    }

    [Theory]
    [InlineData(0, ":0\r\n")]
    [InlineData(9, ":9\r\n")]
    [InlineData(10, ":10\r\n")]
    [InlineData(-1, ":-1\r\n")]
    [InlineData(long.MaxValue, ":9223372036854775807\r\n")]
    [InlineData(long.MinValue, ":-9223372036854775808\r\n")]
    public void Integers(long value, string expected) => Check(w => w.WriteInteger(value), expected, expected);

    [Fact]
    public void Aggregate_headers()
    {
        Check(w => w.WriteArrayHeader(0), "*0\r\n", "*0\r\n");
        Check(w => w.WriteArrayHeader(12), "*12\r\n", "*12\r\n");
        Check(w => w.WriteMapHeader(2), "*4\r\n", "%2\r\n");
        Check(w => w.WriteMapHeader(0), "*0\r\n", "%0\r\n");
        Check(w => w.WriteSetHeader(3), "*3\r\n", "~3\r\n");
        Check(w => w.WritePushHeader(3), "*3\r\n", ">3\r\n");
    }

    [Fact]
    public void Nulls()
    {
        Check(w => w.WriteNull(), "$-1\r\n", "_\r\n");
        Check(w => w.WriteNullArray(), "*-1\r\n", "_\r\n");
    }

    [Fact]
    public void Bulk_strings()
    {
        Check(w => w.WriteBulkString(ReadOnlySpan<byte>.Empty), "$0\r\n\r\n", "$0\r\n\r\n");
        Check(w => w.WriteBulkString(""), "$0\r\n\r\n", "$0\r\n\r\n");
        Check(w => w.WriteBulkString("hello"u8), "$5\r\nhello\r\n", "$5\r\nhello\r\n");
        Check(w => w.WriteBulkString("a\r\nb"u8), "$4\r\na\r\nb\r\n", "$4\r\na\r\nb\r\n");
        Check(w => w.WriteBulkString([0, 255]), "$2\r\n\0\xff\r\n", "$2\r\n\0\xff\r\n");
        Check(w => w.WriteBulkString("é"), "$2\r\n\xc3\xa9\r\n", "$2\r\n\xc3\xa9\r\n");
        Check(w => w.WriteBulkString(123L), "$3\r\n123\r\n", "$3\r\n123\r\n");
        Check(w => w.WriteBulkString(-5L), "$2\r\n-5\r\n", "$2\r\n-5\r\n");
        var long1000 = new string('x', 1000);   // past the stack buffer of the string overload
        Check(w => w.WriteBulkString(long1000), $"$1000\r\n{long1000}\r\n", $"$1000\r\n{long1000}\r\n");
    }

    [Fact]
    public void Booleans()
    {
        Check(w => w.WriteBoolean(true), ":1\r\n", "#t\r\n");
        Check(w => w.WriteBoolean(false), ":0\r\n", "#f\r\n");
    }

    [Theory]
    [InlineData(double.PositiveInfinity, "inf")]
    [InlineData(double.NegativeInfinity, "-inf")]
    [InlineData(double.NaN, "nan")]
    [InlineData(0.0, "0")]
    [InlineData(1.0, "1")]
    [InlineData(-42.0, "-42")]
    [InlineData(1e16, "10000000000000000")]
    [InlineData(3.14, "3.14")]
    [InlineData(0.1, "0.1")]
    [InlineData(-0.5, "-0.5")]
    [InlineData(1.5e20, "1.5e+20")]
    public void Doubles(double value, string text) =>
        Check(w => w.WriteDouble(value), $"${text.Length}\r\n{text}\r\n", $",{text}\r\n");

    [Fact]
    public void Verbatim_text()
    {
        Check(w => w.WriteVerbatimText("a\r\nb"), "$4\r\na\r\nb\r\n", "=8\r\ntxt:a\r\nb\r\n");
        Check(w => w.WriteVerbatimText(""), "$0\r\n\r\n", "=4\r\ntxt:\r\n");
    }

    [Fact]
    public void Replies_concatenate()
    {
        Check(w =>
        {
            w.WriteArrayHeader(3);
            w.WriteInteger(1);
            w.WriteBulkString("a"u8);
            w.WriteNull();
        }, "*3\r\n:1\r\n$1\r\na\r\n$-1\r\n", "*3\r\n:1\r\n$1\r\na\r\n_\r\n");
    }

    [Fact]
    public void Big_bulk_forces_growth_and_keeps_earlier_bytes()
    {
        var data = new byte[300_000];
        new Random(1).NextBytes(data);
        var writer = new RespWriter();
        writer.WriteOk();
        writer.WriteBulkString(data);
        writer.WriteInteger(7);
        var expected = "+OK\r\n$300000\r\n"u8.ToArray().Concat(data).Concat("\r\n:7\r\n"u8.ToArray()).ToArray();
        Assert.Equal(expected, writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void Many_small_writes_cross_the_initial_buffer()
    {
        var writer = new RespWriter();
        var expected = new StringBuilder();
        for (int i = 0; i < 5000; i++)
        {
            writer.WriteInteger(i);
            writer.WriteSimpleString("x");
            expected.Append(':').Append(i).Append("\r\n+x\r\n");
        }
        Assert.Equal(expected.ToString(), Encoding.ASCII.GetString(writer.WrittenSpan));
    }

    [Fact]
    public void Raw_truncate_and_clear()
    {
        var writer = new RespWriter();
        writer.WriteRaw("+A\r\n"u8);
        int mark = writer.Length;
        writer.WriteArrayHeader(2);
        writer.Truncate(mark);
        Assert.Equal("+A\r\n", Encoding.ASCII.GetString(writer.WrittenSpan));
        writer.Truncate(100);
        Assert.Equal(4, writer.Length);
        writer.WriteBulkString(new byte[2_000_000]);
        writer.Clear();
        Assert.Equal(0, writer.Length);
        writer.WriteOk();
        Assert.Equal("+OK\r\n", Encoding.ASCII.GetString(writer.WrittenSpan));
    }

    [Fact]
    public void Protocol_switch_changes_following_replies_only()
    {
        var writer = new RespWriter();
        Assert.False(writer.IsResp3);
        writer.WriteNull();
        writer.Protocol = 3;
        Assert.True(writer.IsResp3);
        writer.WriteNull();
        Assert.Equal("$-1\r\n_\r\n", Encoding.ASCII.GetString(writer.WrittenSpan));
    }
}
