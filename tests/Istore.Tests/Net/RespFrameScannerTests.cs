using System.Text;
using Istore.Net.Resp;

namespace Istore.Tests.Net;

public class RespFrameScannerTests
{
    internal static readonly string[] Frames =
    [
        "+OK\r\n",
        "+\r\n",
        "-ERR unknown command 'x'\r\n",
        ":0\r\n",
        ":-9223372036854775808\r\n",
        "$0\r\n\r\n",
        "$5\r\nhe\r\nl\r\n",
        "$-1\r\n",
        "*-1\r\n",
        "*0\r\n",
        "*2\r\n$1\r\na\r\n:1\r\n",
        "*3\r\n*2\r\n:1\r\n*0\r\n$-1\r\n*1\r\n*1\r\n+deep\r\n",
        "_\r\n",
        "#t\r\n",
        "#f\r\n",
        ",3.14\r\n",
        ",-1.5e-10\r\n",
        ",inf\r\n",
        ",-inf\r\n",
        ",nan\r\n",
        ",10\r\n",
        "(3492890328409238509324850943850943825024385\r\n",
        "(-1\r\n",
        "!21\r\nSYNTAX invalid syntax\r\n",
        "=15\r\ntxt:Some string\r\n",
        "=4\r\nmkd:\r\n",
        "%2\r\n+first\r\n:1\r\n+second\r\n:2\r\n",
        "%0\r\n",
        "%1\r\n*1\r\n_\r\n~0\r\n",
        "%1\r\n%1\r\n+k\r\n+v\r\n%1\r\n+k2\r\n,1.5\r\n",
        "~3\r\n+a\r\n+b\r\n+c\r\n",
        ">3\r\n$10\r\ninvalidate\r\n*1\r\n$3\r\nkey\r\n:1\r\n",
        "|1\r\n+key-popularity\r\n%2\r\n$1\r\na\r\n,0.1923\r\n$1\r\nb\r\n,0.0012\r\n*2\r\n:2039123\r\n:9543892\r\n",
        "|0\r\n+OK\r\n",
        "|1\r\n+a\r\n+b\r\n|1\r\n+c\r\n+d\r\n:1\r\n",
        "*2\r\n|1\r\n+ttl\r\n:10\r\n$1\r\nv\r\n:2\r\n",
    ];

    public static TheoryData<string> CompleteFrames => new(Frames);

    [Theory]
    [MemberData(nameof(CompleteFrames))]
    public void Complete_frame_has_its_exact_length(string frame)
    {
        Assert.Equal((ParseResult.Complete, frame.Length), Scan(frame));
        // Whatever follows (the next reply, garbage) is not part of the frame.
        Assert.Equal((ParseResult.Complete, frame.Length), Scan(frame + "+NEXT\r\n"));
        Assert.Equal((ParseResult.Complete, frame.Length), Scan(frame + "\xff\xfe"));
    }

    [Theory]
    [MemberData(nameof(CompleteFrames))]
    public void Every_proper_prefix_is_incomplete(string frame)
    {
        for (int length = 0; length < frame.Length; length++)
            Assert.Equal((ParseResult.Incomplete, 0), Scan(frame[..length]));
    }

    [Fact]
    public void Pipelined_replies_are_found_one_by_one()
    {
        var stream = string.Concat(Frames);
        var bytes = Encoding.Latin1.GetBytes(stream);
        int pos = 0, count = 0;
        while (pos < bytes.Length)
        {
            Assert.Equal(ParseResult.Complete, RespFrameScanner.TryScan(bytes.AsSpan(pos), out int length, out _));
            pos += length;
            count++;
        }
        Assert.Equal(Frames.Length, count);
    }

    [Fact]
    public void Big_bulk_is_skipped_by_length()
    {
        var frame = "*2\r\n$100000\r\n" + new string('\r', 100_000) + "\r\n:1\r\n";
        Assert.Equal((ParseResult.Complete, frame.Length), Scan(frame));
        Assert.Equal((ParseResult.Incomplete, 0), Scan(frame[..^1]));
        Assert.Equal((ParseResult.Incomplete, 0), Scan(frame[..50_000]));
    }

    [Fact]
    public void Nesting_is_capped_without_recursion()
    {
        string Nested(int depth) => string.Concat(Enumerable.Repeat("*1\r\n", depth)) + ":1\r\n";
        var deepest = Nested(RespFrameScanner.MaxDepth);
        Assert.Equal((ParseResult.Complete, deepest.Length), Scan(deepest));
        Assert.Equal(ParseResult.ProtocolError, Scan(Nested(RespFrameScanner.MaxDepth + 1)).Result);
        var error = ScanError(Nested(100_000));
        Assert.Contains("nesting", error);
        // Siblings do not add depth: a long flat array is fine.
        var wide = "*100000\r\n" + string.Concat(Enumerable.Repeat("*1\r\n:1\r\n", 100_000));
        Assert.Equal((ParseResult.Complete, wide.Length), Scan(wide));
    }

    [Theory]
    [InlineData("?x\r\n", "unexpected type byte '?'")]
    [InlineData("\r\n", "unexpected type byte")]
    [InlineData("+OK\rX", "CR not followed by LF")]
    [InlineData(":abc\r\n", "invalid integer")]
    [InlineData(":\r\n", "invalid integer")]
    [InlineData(":1.5\r\n", "invalid integer")]
    [InlineData(": 1\r\n", "invalid integer")]
    [InlineData(":99999999999999999999\r\n", "invalid integer")]
    [InlineData("$-2\r\n", "invalid bulk length")]
    [InlineData("$abc\r\n", "invalid bulk length")]
    [InlineData("$?\r\n", "invalid bulk length")]
    [InlineData("$2147483648\r\n", "invalid bulk length")]
    [InlineData("!-1\r\n", "invalid bulk length")]
    [InlineData("$3\r\nabcde", "expected CRLF after bulk data")]
    [InlineData("$3\r\nabc\n\r", "expected CRLF after bulk data")]
    [InlineData("=3\r\ntxt\r\n", "invalid verbatim string")]
    [InlineData("=4\r\ntxtx\r\n", "invalid verbatim string")]
    [InlineData("*-2\r\n", "invalid multibulk length")]
    [InlineData("*?\r\n", "invalid multibulk length")]
    [InlineData("*x\r\n", "invalid multibulk length")]
    [InlineData("%-1\r\n", "invalid multibulk length")]
    [InlineData("~-1\r\n", "invalid multibulk length")]
    [InlineData("*2147483648\r\n", "invalid multibulk length")]
    [InlineData("#x\r\n", "invalid boolean")]
    [InlineData("#tt\r\n", "invalid boolean")]
    [InlineData("_x\r\n", "invalid null")]
    [InlineData(",abc\r\n", "invalid double")]
    [InlineData(",\r\n", "invalid double")]
    [InlineData("(12a\r\n", "invalid big number")]
    [InlineData("(\r\n", "invalid big number")]
    [InlineData("*2\r\n:1\r\n?\r\n", "unexpected type byte '?'")]
    [InlineData("%1\r\n+k\r\n:x\r\n", "invalid integer")]
    [InlineData("|1\r\n+k\r\n+v\r\n#x\r\n", "invalid boolean")]
    public void Malformed_frame_is_a_protocol_error(string frame, string message)
    {
        Assert.Contains(message, ScanError(frame));
        for (int length = 0; length < frame.Length; length++)
            Assert.NotEqual(ParseResult.Complete, Scan(frame[..length]).Result);
    }

    [Theory]
    [InlineData("+")]
    [InlineData("$")]
    [InlineData("*1\r\n-")]
    public void Over_long_line_is_an_error_not_a_wait(string prefix)
    {
        Assert.Equal((ParseResult.Incomplete, 0), Scan(prefix + new string('1', RespFrameScanner.MaxLineLength)));
        Assert.Contains("line too long", ScanError(prefix + new string('1', RespFrameScanner.MaxLineLength + 1)));
    }

    [Fact]
    public void Random_bytes_never_crash_the_scanner()
    {
        var random = new Random(99);
        var alphabet = Encoding.Latin1.GetBytes("+-:$*_#,(!=%~>|\r\n\r\n0123456789-.tfinx?");
        for (int i = 0; i < 5000; i++)
        {
            var buffer = new byte[random.Next(0, 64)];
            for (int j = 0; j < buffer.Length; j++)
                buffer[j] = random.Next(5) == 0 ? (byte)random.Next(256) : alphabet[random.Next(alphabet.Length)];
            var result = RespFrameScanner.TryScan(buffer, out int length, out string? error);
            Assert.Equal(result == ParseResult.ProtocolError, error != null);
            Assert.InRange(length, result == ParseResult.Complete ? 1 : 0, result == ParseResult.Complete ? buffer.Length : 0);
            // Whatever the scanner accepts, the reader must be able to materialise.
            if (result == ParseResult.Complete)
                Assert.NotNull(RespValue.Parse(buffer));
        }
    }

    private static (ParseResult Result, int Length) Scan(string frame)
    {
        var result = RespFrameScanner.TryScan(Encoding.Latin1.GetBytes(frame), out int length, out string? error);
        Assert.Equal(result == ParseResult.ProtocolError, error != null);
        return (result, length);
    }

    private static string ScanError(string frame)
    {
        var result = RespFrameScanner.TryScan(Encoding.Latin1.GetBytes(frame), out int length, out string? error);
        Assert.Equal(ParseResult.ProtocolError, result);
        Assert.Equal(0, length);
        Assert.StartsWith("Protocol error: ", error);
        return error!;
    }
}
