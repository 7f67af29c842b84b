using System.Text;
using Istore.Net.Resp;

namespace Istore.Tests.Net;

public class RespRequestParserTests
{
    // Latin-1 maps every byte to one char and back, so binary payloads can be written as strings.
    private static readonly Encoding Bytes = Encoding.Latin1;

    /// <summary>Where the payload starts in the receive buffer: parsing must honour the start offset.</summary>
    private const int Offset = 3;

    public static TheoryData<string, string[][]> ValidPayloads => new()
    {
        { "*1\r\n$4\r\nPING\r\n", [["PING"]] },
        { "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nvalue\r\n", [["SET", "k", "value"]] },
        { "*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n*1\r\n$4\r\nPING\r\n", [["PING"], ["GET", "k"], ["PING"]] },
        { "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n", [["SET", "k", ""]] },
        { "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$8\r\n\r\n\0\xff\r\n*$\r\n", [["SET", "k", "\r\n\0\xff\r\n*$"]] },
        { "*2\r\n$4\r\nECHO\r\n$3\r\n\r\n\r\r\n", [["ECHO", "\r\n\r"]] },
        { "*0\r\n", [[]] },
        { "*0\r\n*1\r\n$4\r\nPING\r\n", [[], ["PING"]] },
        { "*-1\r\n", [[]] },
        { "PING\r\n", [["PING"]] },
        { "PING\n", [["PING"]] },
        { "SET a \"b c\"\r\n", [["SET", "a", "b c"]] },
        { "set k 'it\\'s'\r\n", [["set", "k", "it's"]] },
        { "\"\\x41\\x42\"\r\n", [["AB"]] },
        { "ECHO \"a\\tb\\n\\\\\"\r\n", [["ECHO", "a\tb\n\\"]] },
        { "  GET \t k  \r\n", [["GET", "k"]] },
        { "PI\rNG\r\n", [["PI", "NG"]] },
        { "\r\n", [[]] },
        { "PING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\nGET k\r\nPING\n", [["PING"], ["ECHO", "hi"], ["GET", "k"], ["PING"]] },
    };

    [Theory]
    [MemberData(nameof(ValidPayloads))]
    public void Whole_buffer_parses_to_the_expected_commands(string payload, string[][] expected) =>
        Assert.Equal(expected, Feed(payload, [payload.Length]));

    [Theory]
    [MemberData(nameof(ValidPayloads))]
    public void Every_split_point_parses_the_same(string payload, string[][] expected)
    {
        for (int split = 0; split <= payload.Length; split++)
            Assert.Equal(expected, Feed(payload, [split, payload.Length]));
    }

    [Theory]
    [MemberData(nameof(ValidPayloads))]
    public void One_byte_at_a_time_parses_the_same(string payload, string[][] expected) =>
        Assert.Equal(expected, Feed(payload, Enumerable.Range(1, payload.Length)));

    [Fact]
    public void Bulk_larger_than_the_header_limit_waits_for_all_its_data()
    {
        var value = new string('v', 70_000) + "\r\n" + new string('w', 1000);
        var payload = $"*2\r\n$4\r\nECHO\r\n${value.Length}\r\n{value}\r\nPING\r\n";
        string[][] expected = [["ECHO", value], ["PING"]];
        var splits = Enumerable.Range(0, payload.Length / 997).Select(i => i * 997)
            .Concat([payload.Length - 9, payload.Length - 8, payload.Length - 7, payload.Length - 1]);
        foreach (int split in splits)
            Assert.Equal(expected, Feed(payload, [split, payload.Length]));
        Assert.Equal(expected, Feed(payload, Enumerable.Range(1, payload.Length)));
    }

    [Theory]
    [InlineData("*abc\r\n", "Protocol error: invalid multibulk length")]
    [InlineData("*\r\n", "Protocol error: invalid multibulk length")]
    [InlineData("*-\r\n", "Protocol error: invalid multibulk length")]
    [InlineData("*1\rX", "Protocol error: invalid multibulk length")]
    [InlineData("*1048577\r\n", "Protocol error: invalid multibulk length")]
    [InlineData("*1\r\n+foo\r\n", "Protocol error: expected '$', got '+'")]
    [InlineData("*2\r\n$3\r\nGET\r\n:1\r\n", "Protocol error: expected '$', got ':'")]
    [InlineData("*1\r\n$-5\r\n", "Protocol error: invalid bulk length")]
    [InlineData("*1\r\n$-1\r\n", "Protocol error: invalid bulk length")]
    [InlineData("*1\r\n$abc\r\n", "Protocol error: invalid bulk length")]
    [InlineData("*1\r\n$\r\n", "Protocol error: invalid bulk length")]
    [InlineData("*1\r\n$3\rX", "Protocol error: invalid bulk length")]
    [InlineData("*1\r\n$1073741824\r\n", "Protocol error: invalid bulk length")]
    [InlineData("*1\r\n$3\r\nabcXY", "Protocol error: expected CRLF after bulk data")]
    [InlineData("*1\r\n$3\r\nabc\rX", "Protocol error: expected CRLF after bulk data")]
    [InlineData("*9999999999999999999\r\n", "Protocol error: invalid multibulk length")]
    [InlineData("*01\r\n$4\r\nPING\r\n", "Protocol error: invalid multibulk length")]
    [InlineData("*1\r\n$04\r\nPING\r\n", "Protocol error: invalid bulk length")]
    [InlineData("*1\r\n$-0\r\n", "Protocol error: invalid bulk length")]
    [InlineData("SET \"abc\r\n", "Protocol error: unbalanced quotes in request")]
    [InlineData("GET \"a\"b\r\n", "Protocol error: unbalanced quotes in request")]
    [InlineData("GET 'a\r\n", "Protocol error: unbalanced quotes in request")]
    public void Bad_input_is_a_protocol_error_with_redis_message(string payload, string message)
    {
        Assert.Equal(message, ParseError(payload, RespLimits.Default));
        // Before the offending byte arrives the parser waits; it never accepts a prefix.
        for (int length = 0; length < payload.Length; length++)
        {
            var result = Parse(payload[..length], RespLimits.Default, out _, out string? error);
            Assert.True(result == ParseResult.Incomplete || error == message, $"prefix {length}: {result} {error}");
        }
    }

    [Fact]
    public void Limits_are_enforced_at_their_boundary()
    {
        var limits = new RespLimits { MaxArguments = 10, MaxBulkLength = 5 };
        Assert.Equal(ParseResult.Incomplete, Parse("*10\r\n", limits, out _, out _));
        Assert.Equal("Protocol error: invalid multibulk length", ParseError("*11\r\n", limits));
        Assert.Equal(ParseResult.Complete, Parse("*1\r\n$5\r\nabcde\r\n", limits, out _, out _));
        Assert.Equal("Protocol error: invalid bulk length", ParseError("*1\r\n$6\r\n", limits));
    }

    [Fact]
    public void Inline_length_limit_is_configurable()
    {
        var limits = new RespLimits { MaxInlineLength = 100 };
        Assert.Equal(ParseResult.Incomplete, Parse(new string('a', 100), limits, out _, out _));
        Assert.Equal("Protocol error: too big inline request", ParseError(new string('a', 200), limits));
    }

    [Theory]
    [InlineData("*", "Protocol error: too big mbulk count string")]
    [InlineData("*1\r\n$", "Protocol error: too big bulk count string")]
    [InlineData("", "Protocol error: too big inline request")]
    public void Over_long_header_without_newline_is_an_error_not_a_wait(string prefix, string message)
    {
        Assert.Equal(ParseResult.Incomplete, Parse(prefix + new string('1', 1000), RespLimits.Default, out _, out _));
        Assert.Equal(message, ParseError(prefix + new string('1', 70_000), RespLimits.Default));
    }

    [Fact]
    public void Random_bytes_never_crash_the_parser()
    {
        var random = new Random(20240601);
        var alphabet = Bytes.GetBytes("*$\r\n\r\n0123456789-+ \"'\\xa:");
        for (int i = 0; i < 5000; i++)
        {
            var buffer = new byte[random.Next(0, 80)];
            for (int j = 0; j < buffer.Length; j++)
                buffer[j] = random.Next(4) == 0 ? (byte)random.Next(256) : alphabet[random.Next(alphabet.Length)];
            ParseToTheEnd(buffer);
        }
    }

    [Fact]
    public void Mutated_valid_payloads_never_crash_the_parser()
    {
        var random = new Random(7);
        var payloads = ValidPayloads.Select(row => Bytes.GetBytes((string)row[0])).ToArray();
        for (int i = 0; i < 5000; i++)
        {
            var buffer = payloads[random.Next(payloads.Length)].ToArray();
            for (int flips = random.Next(1, 4); flips > 0 && buffer.Length > 0; flips--)
                buffer[random.Next(buffer.Length)] = (byte)random.Next(256);
            ParseToTheEnd(buffer[..random.Next(buffer.Length + 1)]);
        }
    }

    /// <summary>Parses like the event loop until the buffer is used up or a non-Complete result; checks the invariants.</summary>
    private static void ParseToTheEnd(byte[] buffer)
    {
        var args = new CommandArgs();
        int start = 0;
        while (start < buffer.Length)
        {
            var result = RespRequestParser.TryParse(buffer, start, buffer.Length, args, RespLimits.Default, out int consumed, out string? error);
            Assert.True(Enum.IsDefined(result));
            Assert.Equal(result == ParseResult.ProtocolError, error != null);
            if (result != ParseResult.Complete)
                return;
            Assert.InRange(consumed, 1, buffer.Length - start);
            for (int i = 0; i < args.Count; i++)
            {
                var slice = args.Slice(i);
                Assert.InRange(slice.Offset, start, start + consumed);
                Assert.InRange(slice.Offset + slice.Length, start, start + consumed);
            }
            start += consumed;
        }
    }

    private static ParseResult Parse(string payload, RespLimits limits, out int consumed, out string? error)
    {
        var buffer = Bytes.GetBytes(payload);
        return RespRequestParser.TryParse(buffer, 0, buffer.Length, new CommandArgs(), limits, out consumed, out error);
    }

    private static string? ParseError(string payload, RespLimits limits)
    {
        Assert.Equal(ParseResult.ProtocolError, Parse(payload, limits, out _, out string? error));
        return error;
    }

    /// <summary>
    /// A command that came as a RESP array keeps its bytes as its frame, and they are exactly what
    /// encoding its arguments writes (a proxy forwards the frame instead); an inline one has none.
    /// </summary>
    internal static void AssertFrameIsTheCommandAsReceived(byte[] buffer, int start, int consumed, CommandArgs args)
    {
        if (args.Count == 0)
            return;   // an empty frame is skipped, never forwarded
        if (buffer[start] != (byte)'*')
        {
            Assert.True(args.Frame.IsEmpty);
            return;
        }
        Assert.Equal(buffer.AsSpan(start, consumed).ToArray(), args.Frame.ToArray());
        var writer = new RespWriter(64);
        writer.WriteArrayHeader(args.Count);
        for (int i = 0; i < args.Count; i++)
            writer.WriteBulkString(args[i]);
        Assert.Equal(writer.WrittenSpan.ToArray(), args.Frame.ToArray());
    }

    /// <summary>
    /// Simulates a connection: the payload arrives in pieces (each cut is the length received so
    /// far) into a buffer whose unreceived part is junk. After every arrival all complete commands
    /// are parsed; exactly the commands that end within the received bytes must have been parsed.
    /// </summary>
    private static List<string[]> Feed(string payload, IEnumerable<int> cuts)
    {
        var bytes = Bytes.GetBytes(payload);
        var wholeEnds = new List<int>();
        var whole = bytes.ToArray();   // inline parsing decodes escapes in place: parse a copy
        for (int pos = 0; pos < whole.Length;)
        {
            Assert.Equal(ParseResult.Complete, RespRequestParser.TryParse(whole, pos, whole.Length, new CommandArgs(),
                RespLimits.Default, out int consumed, out _));
            pos += consumed;
            wholeEnds.Add(pos);
        }
        var buffer = new byte[Offset + bytes.Length + 8];
        buffer.AsSpan().Fill((byte)'*');
        var args = new CommandArgs();
        var commands = new List<string[]>();
        var ends = new List<int>();
        int start = Offset, received = 0;
        foreach (int cut in cuts)
        {
            bytes.AsSpan(received, cut - received).CopyTo(buffer.AsSpan(Offset + received));
            received = cut;
            int end = Offset + received;
            while (start < end)
            {
                var result = RespRequestParser.TryParse(buffer, start, end, args, RespLimits.Default, out int consumed, out string? error);
                Assert.True(result != ParseResult.ProtocolError, $"cut {cut}: {error}");
                if (result == ParseResult.Incomplete)
                {
                    Assert.Equal(0, consumed);
                    break;
                }
                Assert.Same(buffer, args.Buffer);
                AssertFrameIsTheCommandAsReceived(buffer, start, consumed, args);
                commands.Add(Enumerable.Range(0, args.Count).Select(i => Bytes.GetString(args[i])).ToArray());
                start += consumed;
                ends.Add(start - Offset);
            }
            Assert.Equal(wholeEnds.Count(e => e <= received), ends.Count);
        }
        Assert.Equal(wholeEnds, ends);
        return commands;
    }
}
