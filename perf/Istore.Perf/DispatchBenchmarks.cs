using BenchmarkDotNet.Attributes;
using Istore.Net.Resp;
using Istore.Net.Server;
using Istore.Node.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Istore.Perf;

/// <summary>
/// Command dispatch: canned GET and SET (parsed once) run through the node's worker
/// (NodeWorker.Execute: command table, auth/arity checks, handler, FASTER, append-only log)
/// on a detached connection. The node is constructed (port 0, temp directory) but never started,
/// so no event loop runs; its housekeeping thread does (log fsync every second, checkpoints).
/// </summary>
[MemoryDiagnoser]
public class DispatchBenchmarks
{
    private DispatchRig _rig = null!;

    [GlobalSetup]
    public void Setup() => _rig = new DispatchRig();

    [GlobalCleanup]
    public void Cleanup() => _rig.Dispose();

    /// <summary>GET of an existing key with a 64-byte value (a hit).</summary>
    [Benchmark]
    public int Get() => _rig.Get();

    /// <summary>GET of a key that does not exist.</summary>
    [Benchmark]
    public int GetMiss() => _rig.GetMiss();

    /// <summary>SET key value(64 B), overwriting; the log is flushed (BeforeSend) every 16 commands, like a -P 16 batch.</summary>
    [Benchmark]
    public int Set() => _rig.Set();

    /// <summary>Parse + execute a pipelined batch of 16 (8 SET, 8 GET) then BeforeSend: per command.</summary>
    [Benchmark(OperationsPerInvoke = 16)]
    public int ParseExecutePipeline16() => _rig.ParseExecutePipeline16();
}

/// <summary>A node, a worker and a detached connection, shared by the benchmark and the allocation check.</summary>
public sealed class DispatchRig : IDisposable
{
    private readonly string _directory;
    private readonly NodeServer _node;
    private readonly ILoopWorker _worker;
    private readonly Connection _connection;
    private readonly CommandArgs _getArgs = new();
    private readonly CommandArgs _getMissArgs = new();
    private readonly CommandArgs _setArgs = new();
    private readonly CommandArgs _batchArgs = new();
    private readonly byte[] _getBuffer = Canned.Get();
    private readonly byte[] _getMissBuffer = Canned.Get("missing:key:0001");
    private readonly byte[] _setBuffer = Canned.Set();
    private readonly byte[] _pipeline = Canned.Pipeline16();
    private int _sets;

    /// <param name="checkpointLogBytes">The node's automatic-checkpoint threshold (default 64 MB, as istore-node).</param>
    public DispatchRig(long checkpointLogBytes = 64L * 1024 * 1024)
    {
        _directory = Path.Combine(Path.GetTempPath(), "istore-perf-" + Guid.NewGuid().ToString("N"));
        _node = new NodeServer(new NodeOptions { Port = 0, Directory = _directory, CheckpointLogBytes = checkpointLogBytes },
            NullLoggerFactory.Instance);
        _worker = _node.CreateWorker(0);
        _connection = Connection.CreateDetached();
        _worker.OnOpen(_connection);
        Parse(_getBuffer, _getArgs);
        Parse(_getMissBuffer, _getMissArgs);
        Parse(_setBuffer, _setArgs);
        // The GET target exists, and the pipeline's keys too.
        Set();
        ParseExecutePipeline16();
        Expect(Get(), "$64\r\n");
        Expect(GetMiss(), "$-1\r\n");
        Expect(Set(), "+OK\r\n");
    }

    private static void Parse(byte[] buffer, CommandArgs args)
    {
        if (RespRequestParser.TryParse(buffer, 0, buffer.Length, args, RespLimits.Default, out int consumed, out _) != ParseResult.Complete
            || consumed != buffer.Length)
            throw new InvalidOperationException("canned command did not parse");
    }

    private void Expect(int length, string prefix)
    {
        var reply = System.Text.Encoding.ASCII.GetString(_connection.Output.WrittenSpan);
        if (length == 0 || !reply.StartsWith(prefix, StringComparison.Ordinal))
            throw new InvalidOperationException($"unexpected reply {reply.Trim()} (wanted {prefix.Trim()}…)");
    }

    public int Get()
    {
        _connection.Output.Clear();
        _worker.Execute(_connection, _getArgs);
        return _connection.Output.Length;
    }

    public int GetMiss()
    {
        _connection.Output.Clear();
        _worker.Execute(_connection, _getMissArgs);
        return _connection.Output.Length;
    }

    public int Set()
    {
        _connection.Output.Clear();
        _worker.Execute(_connection, _setArgs);
        if ((++_sets & 15) == 0)
            _worker.BeforeSend();
        return _connection.Output.Length;
    }

    /// <summary>SET without ever flushing the log here (the housekeeping thread still does, once a second).</summary>
    public int SetNoFlush()
    {
        _connection.Output.Clear();
        _worker.Execute(_connection, _setArgs);
        return _connection.Output.Length;
    }

    /// <summary>The per-batch log flush alone (writes whatever SETs left pending).</summary>
    public int BeforeSend()
    {
        _worker.BeforeSend();
        return 0;
    }

    public int ParseExecutePipeline16()
    {
        _connection.Output.Clear();
        int pos = 0;
        var buffer = _pipeline;
        while (pos < buffer.Length
               && RespRequestParser.TryParse(buffer, pos, buffer.Length, _batchArgs, RespLimits.Default, out int consumed, out _) == ParseResult.Complete)
        {
            pos += consumed;
            _worker.Execute(_connection, _batchArgs);
        }
        _worker.BeforeSend();
        return _connection.Output.Length;
    }

    public void Dispose()
    {
        _worker.OnClose(_connection);
        _worker.Dispose();
        _node.Dispose();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
