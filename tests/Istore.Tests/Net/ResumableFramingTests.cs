using System.Text;
using Istore.Net.Resp;
using Istore.Tests.Infrastructure;

namespace Istore.Tests.Net;

/// <summary>
/// The resumable request parser and reply scanner against their one-shot forms, fed in random
/// pieces into a buffer that moves between pieces (as receive buffers are compacted and grown),
/// and the send buffer's O(1) consume against a plain byte list.
/// </summary>
public class ResumableFramingTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(5000)]
    public void A_command_arriving_in_pieces_parses_as_if_it_came_whole(int arguments)
    {
        var random = new Random(arguments);
        var values = Enumerable.Range(0, arguments).Select(i => RandomBytes(random, random.Next(0, i % 50 == 0 ? 3000 : 40))).ToArray();
        var payload = RespEncoding.Command(values).Concat(RespEncoding.Command(Encoding.ASCII.GetBytes("PING"))).ToArray();
        for (int round = 0; round < 20; round++)
        {
            var parsed = FeedRequests(payload, random, out int calls);
            Assert.Equal(2, parsed.Count);
            Assert.Equal(values.Length, parsed[0].Length);
            for (int i = 0; i < values.Length; i++)
                Assert.Equal(values[i], parsed[0][i]);
            Assert.Equal("PING", Encoding.ASCII.GetString(parsed[1][0]));
            Assert.True(calls >= 2);
        }
    }

    [Fact]
    public void A_bad_argument_after_a_kept_prefix_is_a_protocol_error_and_the_next_frame_starts_clean()
    {
        var values = Enumerable.Range(0, 200).Select(i => Encoding.ASCII.GetBytes("v" + i)).ToArray();
        var good = RespEncoding.Command(values);
        var bad = good.ToArray();
        int at = Encoding.ASCII.GetString(bad).IndexOf("$4\r\nv150", StringComparison.Ordinal);
        bad[at] = (byte)'x';
        var partial = new PartialRequest();
        var args = new CommandArgs();
        Assert.Equal(ParseResult.Incomplete, RespRequestParser.TryParse(bad, 0, at - 10, args, RespLimits.Default, out _, out _, partial));
        Assert.Equal(ParseResult.ProtocolError, RespRequestParser.TryParse(bad, 0, bad.Length, args, RespLimits.Default, out _, out string? error, partial));
        Assert.Equal("Protocol error: expected '$', got 'x'", error);
        Assert.Equal(ParseResult.Complete, RespRequestParser.TryParse(good, 0, good.Length, args, RespLimits.Default, out int consumed, out _, partial));
        Assert.Equal(good.Length, consumed);
        Assert.Equal(200, args.Count);
    }

    [Fact]
    public void Every_reply_arriving_in_pieces_scans_as_if_it_came_whole()
    {
        var random = new Random(7);
        var replies = RespFrameScannerTests.Frames.Select(Encoding.ASCII.GetBytes).Append(BigNestedReply(random)).ToList();
        foreach (var reply in replies)
            for (int round = 0; round < 10; round++)
                Assert.Equal(reply.Length, ScanInPieces(reply.Concat(Encoding.ASCII.GetBytes("+next\r\n")).ToArray(), random, out var result));
    }

    [Fact]
    public void A_malformed_reply_arriving_in_pieces_fails_as_it_does_whole()
    {
        var random = new Random(3);
        var body = string.Concat(Enumerable.Range(0, 300).Select(i => $"${i.ToString().Length}\r\n{i}\r\n"));
        var reply = Encoding.ASCII.GetBytes("*301\r\n" + body + ":12x\r\n");
        Assert.Equal(ParseResult.ProtocolError, RespFrameScanner.TryScan(reply, out _, out string? whole));
        for (int round = 0; round < 10; round++)
        {
            ScanInPieces(reply, random, out var result, out string? error);
            Assert.Equal(ParseResult.ProtocolError, result);
            Assert.Equal(whole, error);
        }
    }

    [Fact]
    public void Consumed_bytes_leave_the_rest_in_order_whatever_is_written_between()
    {
        var random = new Random(11);
        var writer = new RespWriter(64);
        var model = new List<byte>();
        for (int step = 0; step < 20_000; step++)
        {
            switch (random.Next(4))
            {
                case 0 or 1:
                    var bytes = RandomBytes(random, random.Next(0, random.Next(2) == 0 ? 20 : 500));
                    writer.WriteRaw(bytes);
                    model.AddRange(bytes);
                    break;
                case 2:
                    int sent = random.Next(0, writer.Length + 1);
                    writer.Consume(sent);
                    model.RemoveRange(0, sent);
                    break;
                default:
                    int keep = random.Next(0, writer.Length + 1);
                    writer.Truncate(keep);
                    model.RemoveRange(keep, model.Count - keep);
                    break;
            }
            Assert.Equal(model.Count, writer.Length);
            Assert.True(writer.WrittenSpan.SequenceEqual(model.ToArray()));
        }
    }

    /// <summary>Delivers <paramref name="payload"/> in random pieces, copying what is unparsed to a new place each time; returns every command's arguments.</summary>
    private static List<byte[][]> FeedRequests(byte[] payload, Random random, out int calls)
    {
        var partial = new PartialRequest();
        var args = new CommandArgs();
        var commands = new List<byte[][]>();
        byte[] buffer = [];
        int start = 0, end = 0, received = 0;
        calls = 0;
        while (received < payload.Length)
        {
            int piece = Math.Min(payload.Length - received, random.Next(1, 4000));
            int shift = random.Next(0, 16);   // the unparsed bytes move, as a receive buffer's compaction moves them
            var moved = new byte[shift + end - start + piece];
            Buffer.BlockCopy(buffer, start, moved, shift, end - start);
            Buffer.BlockCopy(payload, received, moved, shift + end - start, piece);
            (buffer, end, start) = (moved, shift + end - start + piece, shift);
            received += piece;
            while (start < end)
            {
                calls++;
                var result = RespRequestParser.TryParse(buffer, start, end, args, RespLimits.Default, out int consumed, out string? error, partial);
                Assert.True(result != ParseResult.ProtocolError, error);
                if (result == ParseResult.Incomplete)
                    break;
                RespRequestParserTests.AssertFrameIsTheCommandAsReceived(buffer, start, consumed, args);
                commands.Add(Enumerable.Range(0, args.Count).Select(args.ToArray).ToArray());
                start += consumed;
            }
        }
        Assert.Equal(start, end);
        return commands;
    }

    private static int ScanInPieces(byte[] payload, Random random, out ParseResult result) =>
        ScanInPieces(payload, random, out result, out _);

    /// <summary>Scans the first reply of <paramref name="payload"/> as its bytes arrive in random pieces at a moving place.</summary>
    private static int ScanInPieces(byte[] payload, Random random, out ParseResult result, out string? error)
    {
        var partial = new PartialReply();
        int received = 0;
        while (true)
        {
            received = Math.Min(payload.Length, received + random.Next(1, 300));
            var moved = new byte[received + random.Next(0, 8)];
            int shift = moved.Length - received;
            payload.AsSpan(0, received).CopyTo(moved.AsSpan(shift));
            result = RespFrameScanner.TryScan(moved.AsSpan(shift), partial, out int length, out error);
            if (result != ParseResult.Incomplete || received == payload.Length)
                return length;
        }
    }

    private static byte[] BigNestedReply(Random random)
    {
        var text = new StringBuilder("*500\r\n");
        for (int i = 0; i < 500; i++)
            text.Append(random.Next(3) switch
            {
                0 => $"*2\r\n$3\r\nabc\r\n%1\r\n+k\r\n:{i}\r\n",
                1 => $"${i.ToString().Length}\r\n{i}\r\n",
                _ => "*0\r\n",
            });
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
