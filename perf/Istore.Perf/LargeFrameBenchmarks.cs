using System.Text;
using BenchmarkDotNet.Attributes;
using Istore.Net.Resp;

namespace Istore.Perf;

/// <summary>
/// Issue 17 item 4: a big command or reply arriving in 16 KB receives, and a big reply sent in
/// 64 KB pieces. <c>Rescan</c> is the old way (every receive parses the frame from its start; every
/// partial send moves the rest to the front); <c>Resume</c> is the event loop's way now. Time per
/// whole frame: linear code grows 4× when <see cref="Arguments"/> does, quadratic code 16×.
/// </summary>
[MemoryDiagnoser]
public class LargeFrameBenchmarks
{
    private const int Receive = 16 * 1024;
    private const int SendPiece = 64 * 1024;

    [Params(25_000, 100_000, 400_000)]
    public int Arguments;

    private byte[] _request = [];
    private byte[] _reply = [];
    private readonly CommandArgs _args = new();
    private readonly PartialRequest _partialRequest = new();
    private readonly PartialReply _partialReply = new();
    private readonly RespWriter _writer = new();

    [GlobalSetup]
    public void Setup()
    {
        // RPUSH key v0 v1 …, and the LRANGE reply that returns them.
        var request = new StringBuilder($"*{Arguments + 2}\r\n$5\r\nRPUSH\r\n$3\r\nkey\r\n");
        var reply = new StringBuilder($"*{Arguments}\r\n");
        for (int i = 0; i < Arguments; i++)
        {
            string item = $"${8}\r\n{i:D8}\r\n";
            request.Append(item);
            reply.Append(item);
        }
        _request = Encoding.ASCII.GetBytes(request.ToString());
        _reply = Encoding.ASCII.GetBytes(reply.ToString());
    }

    [Benchmark]
    public int ParseRescan() => Parse(null);

    [Benchmark]
    public int ParseResume() => Parse(_partialRequest);

    private int Parse(PartialRequest? partial)
    {
        for (int end = Receive; ; end += Receive)
        {
            end = Math.Min(end, _request.Length);
            if (RespRequestParser.TryParse(_request, 0, end, _args, RespLimits.Default, out int consumed, out _, partial) == ParseResult.Complete)
                return consumed;
        }
    }

    [Benchmark]
    public int ScanRescan()
    {
        for (int end = Receive; ; end += Receive)
        {
            end = Math.Min(end, _reply.Length);
            if (RespFrameScanner.TryScan(_reply.AsSpan(0, end), out int length, out _) == ParseResult.Complete)
                return length;
        }
    }

    [Benchmark]
    public int ScanResume()
    {
        for (int end = Receive; ; end += Receive)
        {
            end = Math.Min(end, _reply.Length);
            if (RespFrameScanner.TryScan(_reply.AsSpan(0, end), _partialReply, out int length, out _) == ParseResult.Complete)
                return length;
        }
    }

    /// <summary>The old send buffer: each partial send moved the unsent rest to the front.</summary>
    [Benchmark]
    public int SendMemmove()
    {
        var buffer = _reply.ToArray();
        int pieces = 0;
        for (int length = buffer.Length; length > 0; pieces++)
        {
            int sent = Math.Min(SendPiece, length);
            Buffer.BlockCopy(buffer, sent, buffer, 0, length - sent);
            length -= sent;
        }
        return pieces;
    }

    [Benchmark]
    public int SendConsume()
    {
        _writer.Clear();
        _writer.WriteRaw(_reply);
        int pieces = 0;
        for (; _writer.Length > 0; pieces++)
            _writer.Consume(Math.Min(SendPiece, _writer.Length));
        return pieces;
    }
}
