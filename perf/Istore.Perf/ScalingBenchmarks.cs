using BenchmarkDotNet.Attributes;
using Istore.Net.Resp;
using Istore.Net.Server;
using Istore.Node.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Istore.Perf;

/// <summary>
/// Issue 17's scaling target: the same command mix on one thread and on two, each thread a worker
/// of its own (as an event loop is) on keys of its own, through NodeWorker.Execute with the log
/// flushed every 16 commands as a -P 16 batch would. Each thread runs <see cref="PerThread"/>
/// commands, so scaling = 2 × (time with 1 thread) / (time with 2 threads).
/// </summary>
public class ScalingBenchmarks
{
    private const int PerThread = 20_000;

    [Params(1, 2)]
    public int Threads { get; set; }

    [Params("GET", "SET", "HGET", "HSET", "MIX")]
    public string Mix { get; set; } = "GET";

    private string _directory = null!;
    private NodeServer _node = null!;
    private Lane[] _lanes = null!;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "istore-scaling-" + Guid.NewGuid().ToString("N"));
        _node = new NodeServer(new NodeOptions { Port = 0, Directory = _directory }, NullLoggerFactory.Instance);
        _lanes = Enumerable.Range(0, Threads).Select(i => new Lane(_node, i, Mix)).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var lane in _lanes)
            lane.Dispose();
        _node.Dispose();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }

    [Benchmark]
    public void Run()
    {
        if (_lanes.Length == 1)
        {
            _lanes[0].Run(PerThread);
            return;
        }
        var threads = _lanes.Select(lane => new Thread(() => lane.Run(PerThread))).ToArray();
        foreach (var thread in threads)
            thread.Start();
        foreach (var thread in threads)
            thread.Join();
    }

    /// <summary>One thread's worker, connection and parsed commands, on keys no other lane uses.</summary>
    private sealed class Lane : IDisposable
    {
        private readonly ILoopWorker _worker;
        private readonly Connection _connection = Connection.CreateDetached();
        private readonly CommandArgs[] _commands;

        public Lane(NodeServer node, int index, string mix)
        {
            _worker = node.CreateWorker(index);
            _worker.OnOpen(_connection);
            string value = new('x', 64);
            var all = new List<string[]>();
            for (int k = 0; k < 16; k++)
            {
                string key = $"lane{index}:key:{k}", hash = $"lane{index}:hash:{k}";
                Execute(["SET", key, value]);
                Execute(["HSET", hash, "field", value]);
                all.Add(mix switch
                {
                    "GET" => ["GET", key],
                    "SET" => ["SET", key, value],
                    "HGET" => ["HGET", hash, "field"],
                    "HSET" => ["HSET", hash, "field", value],
                    _ => (k % 4) switch { 0 => ["GET", key], 1 => ["SET", key, value], 2 => ["HGET", hash, "field"], _ => ["HSET", hash, "field", value] },
                });
            }
            _commands = all.Select(Parse).ToArray();
        }

        private static CommandArgs Parse(string[] words)
        {
            var buffer = Canned.Command(words);
            var args = new CommandArgs();
            if (RespRequestParser.TryParse(buffer, 0, buffer.Length, args, RespLimits.Default, out _, out _) != ParseResult.Complete)
                throw new InvalidOperationException("canned command did not parse");
            return args;
        }

        private void Execute(string[] words)
        {
            _connection.Output.Clear();
            _worker.Execute(_connection, Parse(words));
            _worker.BeforeSend();
        }

        public void Run(int commands)
        {
            for (int i = 0; i < commands; i++)
            {
                if ((i & 15) == 0)
                {
                    _worker.BeforeSend();
                    _connection.Output.Clear();
                }
                _worker.Execute(_connection, _commands[i & 15]);
            }
            _worker.BeforeSend();
        }

        public void Dispose()
        {
            _worker.OnClose(_connection);
            _worker.Dispose();
        }
    }
}
