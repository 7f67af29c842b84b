using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Istore.Tests.Infrastructure;
using StackExchange.Redis;

namespace Istore.Tests.Node;

/// <summary>
/// What survives a stop: graceful (SIGTERM, SHUTDOWN) and crashes (SIGKILL) during pipelined
/// writes, checkpoint plus log tail, expiry across restarts, replay of every logged effect, and
/// damaged logs (a torn tail, a corrupt record in the middle). Every test runs its own node on its
/// own data directory; NodeProcess.DisposeAsync kills it and removes the directory.
/// </summary>
public partial class DurabilityTests
{
    private static readonly TimeSpan WriterTimeLimit = TimeSpan.FromSeconds(15);

    // ---------------------------------------------------------------- graceful stops

    [Fact]
    public async Task Sigterm_exits_0_and_everything_is_back_after_restart()
    {
        await using var node = await NodeProcess.StartAsync();
        await using (var c = await node.ConnectAsync())
        {
            await PipelineAsync(c, Enumerable.Range(0, 500).Select(i => Cmd("SET", $"term:{i}", $"value-{i}")), expect: "+OK\r\n");
            Assert.Equal(":7\r\n", await c.CommandAsync("INCRBY", "term:counter", "7"));
            Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "term:ttl", "t", "EX", "1000"));
        }
        Assert.Equal(0, await node.TerminateAsync());
        await AssertLoggedAsync(node, "Shutting down");
        // The final checkpoint replaced the log: only the (empty) segment after it is left.
        var segments = SegmentNumbers(node);
        Assert.Single(segments);
        Assert.Equal(0, new FileInfo(SegmentPath(node, segments[0])).Length);

        await node.RestartAsync();
        await AssertLoggedAsync(node, "checkpoint loaded");
        await using var check = await node.ConnectAsync();
        await AssertValuesAsync(check, Enumerable.Range(0, 500).ToDictionary(i => $"term:{i}", i => (string?)$"value-{i}"));
        Assert.Equal("$1\r\n7\r\n", await check.CommandAsync("GET", "term:counter"));
        // The TTL kept counting down across the restart (not lost, not reset); a loaded machine may take a minute.
        Assert.InRange(ParseInteger(await check.CommandAsync("PTTL", "term:ttl")), 900_000, 999_999);
        Assert.Equal(":502\r\n", await check.CommandAsync("DBSIZE"));
    }

    [Theory]
    [InlineData("SHUTDOWN")]
    [InlineData("SHUTDOWN SAVE")]
    [InlineData("SHUTDOWN NOSAVE")]
    public async Task Shutdown_command_exits_0_and_everything_is_back_after_restart(string command)
    {
        await using var node = await NodeProcess.StartAsync();
        var expected = Enumerable.Range(0, 300).ToDictionary(i => $"sd:{i}", i => (string?)$"v{i}");
        await using (var c = await node.ConnectAsync())
        {
            await PipelineAsync(c, expected.Select(kv => Cmd("SET", kv.Key, kv.Value!)), expect: "+OK\r\n");
            await c.SendCommandAsync(command.Split(' '));
            // No reply on success: the connection just closes.
            Assert.True(await c.IsClosedByServerAsync(TimeSpan.FromSeconds(20)), "SHUTDOWN did not close the connection");
        }
        Assert.Equal(0, await node.WaitForExitAsync());
        bool saved = command != "SHUTDOWN NOSAVE";
        if (!saved)
            Assert.Contains(SegmentNumbers(node), n => new FileInfo(SegmentPath(node, n)).Length > 0);

        await node.RestartAsync();
        await AssertLoggedAsync(node, saved ? "checkpoint loaded" : "checkpoint none");
        await using var check = await node.ConnectAsync();
        await AssertValuesAsync(check, expected);
    }

    // ---------------------------------------------------------------- crashes during writes

    [Theory]
    [InlineData("always", false)]
    [InlineData("everysec", false)]
    [InlineData("everysec", true)]
    public async Task Kill9_during_pipelined_writes_loses_no_acknowledged_write(string fsync, bool stackExchangeClient)
    {
        await using var node = await NodeProcess.StartAsync(["--appendfsync", fsync]);
        var log = new AckLog(counters: 16);
        using var stop = new CancellationTokenSource(WriterTimeLimit);
        var writer = stackExchangeClient
            ? Task.Run(() => WriteWithStackExchangeAsync(node.Port, "k9se", log, stop.Token))
            : Task.Run(() => WriteRawAsync(node.Port, "k9", log, stop.Token));

        // Let a few thousand writes be acknowledged, then pull the plug while the writer is still sending.
        await WaitUntilAsync(() => log.Acknowledged >= 4000 || writer.IsCompleted, TimeSpan.FromSeconds(12));
        Assert.False(writer.IsCompleted && log.Acknowledged < 4000, "writer stopped early: " + writer.Exception);
        node.Kill();
        await writer.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(log.SawConnectionLoss, "the writer never saw the kill (it finished before it)");

        await node.RestartAsync();
        await using var c = await node.ConnectAsync();
        await AssertValuesAsync(c, log.Values);
        await AssertCountersAsync(c, stackExchangeClient ? "k9se" : "k9", log);
    }

    [Fact]
    public async Task Kill9_keeps_1000_keys_with_64_byte_binary_values_under_always()
    {
        await using var node = await NodeProcess.StartAsync(["--appendfsync", "always"]);
        var random = new Random(64);
        var values = new Dictionary<string, byte[]>();
        for (int i = 0; i < 1000; i++)
        {
            var value = new byte[64];
            random.NextBytes(value);
            values[$"bin64:{i}"] = value;
        }
        await using (var c = await node.ConnectAsync())
        {
            foreach (var chunk in values.Chunk(100))
            {
                await c.SendAsync(Concat(chunk.Select(kv => RespEncoding.Command(Bytes("SET"), Bytes(kv.Key), kv.Value))));
                for (int i = 0; i < chunk.Length; i++)
                    Assert.Equal("+OK\r\n", await c.ReadFrameAsync());
            }
        }
        node.Kill();
        await node.RestartAsync();
        await using var check = await node.ConnectAsync();
        foreach (var chunk in values.Chunk(200))
        {
            await check.SendAsync(Concat(chunk.Select(kv => RespEncoding.Command(Bytes("GET"), Bytes(kv.Key)))));
            foreach (var (key, value) in chunk)
                Assert.Equal(Concat([Bytes("$64\r\n"), value, Bytes("\r\n")]), await check.ReadFrameBytesAsync());
        }
        Assert.Equal(":1000\r\n", await check.CommandAsync("DBSIZE"));
    }

    /// <summary>
    /// The start-up count walks the recovered store in batches of 4,096 records: with many more
    /// (a batch ending inside a page) it must go on from where the last batch stopped, not loop on
    /// that page (a regression hung start-up here).
    /// </summary>
    [Fact]
    public async Task A_restart_counts_a_log_of_many_batches_of_records()
    {
        await using var node = await NodeProcess.StartAsync();
        await using (var c = await node.ConnectAsync())
            for (int batch = 0; batch < 10; batch++)
            {
                await PipelineAsync(c, Enumerable.Range(batch * 1000, 1000).Select(i => Cmd("SET", $"many:{i}", new string('v', i % 50))), expect: "+OK\r\n");
                if (batch == 7)
                    Assert.Equal("+OK\r\n", await c.CommandAsync("SAVE"));   // the count walks the checkpoint's records
            }
        node.Kill();
        await node.RestartAsync();
        await using var check = await node.ConnectAsync();
        Assert.Equal(":10000\r\n", await check.CommandAsync("DBSIZE"));
        Assert.Equal("$7\r\nvvvvvvv\r\n", await check.CommandAsync("GET", "many:9957"));
    }

    [Fact]
    public async Task A_6_MB_value_survives_kill9_from_the_log_and_from_a_checkpoint()
    {
        await using var node = await NodeProcess.StartAsync();
        var value = new byte[6 * 1024 * 1024];
        new Random(2020).NextBytes(value);
        var expected = Concat([Bytes($"${value.Length}\r\n"), value, Bytes("\r\n")]);
        await using (var c = await node.ConnectAsync())
        {
            await c.SendAsync(RespEncoding.Command(Bytes("SET"), Bytes("big:log"), value));
            Assert.Equal("+OK\r\n", await c.ReadFrameAsync(TimeSpan.FromSeconds(30)));
        }
        node.Kill();
        await node.RestartAsync();   // replayed from the log (a record far larger than the replay buffer)
        await using (var c = await node.ConnectAsync())
        {
            await c.SendAsync(RespEncoding.Command(Bytes("GET"), Bytes("big:log")));
            var reply = await c.ReadFrameBytesAsync(TimeSpan.FromSeconds(30));
            Assert.True(expected.AsSpan().SequenceEqual(reply), "value differs after log replay");
            Assert.Equal("+OK\r\n", await c.CommandAsync("SAVE"));
        }
        node.Kill();
        await node.RestartAsync();   // loaded from the checkpoint
        await using (var c = await node.ConnectAsync())
        {
            await c.SendAsync(RespEncoding.Command(Bytes("GET"), Bytes("big:log")));
            var reply = await c.ReadFrameBytesAsync(TimeSpan.FromSeconds(30));
            Assert.True(expected.AsSpan().SequenceEqual(reply), "value differs after checkpoint recovery");
        }
        AssertNoErrorsLogged(node);
    }

    // ---------------------------------------------------------------- checkpoints

    [Fact]
    public async Task Recovers_from_checkpoint_plus_log_tail_and_save_deletes_old_segments()
    {
        await using var node = await NodeProcess.StartAsync();
        var expected = new Dictionary<string, string?>();
        await using (var c = await node.ConnectAsync())
        {
            // Phase A, then a checkpoint.
            for (int i = 0; i < 1000; i++) expected[$"cp:a:{i}"] = $"a{i}";
            await PipelineAsync(c, expected.Select(kv => Cmd("SET", kv.Key, kv.Value!)), expect: "+OK\r\n");
            await PipelineAsync(c, Enumerable.Range(0, 50).Select(_ => Cmd("INCR", "cp:counter")), expect: null);
            var before = SegmentNumbers(node);
            Assert.Equal("+OK\r\n", await c.CommandAsync("SAVE"));
            var after = SegmentNumbers(node);
            Assert.Single(after);
            Assert.True(after[0] > before.Max(), $"segments before SAVE: {string.Join(",", before)}, after: {after[0]}");
            Assert.All(before, n => Assert.False(File.Exists(SegmentPath(node, n)), $"segment {n} survived SAVE"));
            Assert.NotEmpty(Directory.EnumerateFileSystemEntries(Path.Combine(node.DataDirectory, "memory", "checkpoints")));

            // Phase B, only in the log: new keys, overwrites, deletes, more increments.
            for (int i = 0; i < 1000; i++) expected[$"cp:b:{i}"] = $"b{i}";
            await PipelineAsync(c, Enumerable.Range(0, 1000).Select(i => Cmd("SET", $"cp:b:{i}", $"b{i}")), expect: "+OK\r\n");
            for (int i = 0; i < 100; i++) expected[$"cp:a:{i}"] = $"a{i}-new";
            await PipelineAsync(c, Enumerable.Range(0, 100).Select(i => Cmd("SET", $"cp:a:{i}", $"a{i}-new")), expect: "+OK\r\n");
            for (int i = 100; i < 200; i++) expected[$"cp:a:{i}"] = null;
            await PipelineAsync(c, Enumerable.Range(100, 100).Select(i => Cmd("DEL", $"cp:a:{i}")), expect: ":1\r\n");
            await PipelineAsync(c, Enumerable.Range(0, 25).Select(_ => Cmd("INCR", "cp:counter")), expect: null);
            Assert.Equal(":76\r\n", await c.CommandAsync("INCR", "cp:counter"));
        }
        node.Kill();
        await node.RestartAsync();
        await AssertLoggedAsync(node, "checkpoint loaded");
        await using var check = await node.ConnectAsync();
        await AssertValuesAsync(check, expected);
        Assert.Equal("$2\r\n76\r\n", await check.CommandAsync("GET", "cp:counter"));
        Assert.Equal($":{expected.Count(kv => kv.Value is not null) + 1}\r\n", await check.CommandAsync("DBSIZE"));

        // A second SAVE after recovery again leaves just the newest segment.
        Assert.Equal("+OK\r\n", await check.CommandAsync("SAVE"));
        Assert.Single(SegmentNumbers(node));
        AssertNoErrorsLogged(node);
    }

    [Fact]
    public async Task Kill9_while_background_checkpoints_run_during_writes_loses_nothing_acknowledged()
    {
        await using var node = await NodeProcess.StartAsync(["--appendfsync", "always"]);
        var log = new AckLog(counters: 8);
        using var stop = new CancellationTokenSource(WriterTimeLimit);
        var writer = Task.Run(() => WriteRawAsync(node.Port, "bg", log, stop.Token));
        await using (var admin = await node.ConnectAsync())
        {
            for (int round = 0; round < 4; round++)
            {
                long target = log.Acknowledged + 1500;
                await WaitUntilAsync(() => log.Acknowledged >= target || writer.IsCompleted, TimeSpan.FromSeconds(5));
                var reply = await admin.CommandAsync("BGSAVE");
                Assert.True(reply is "+Background saving started\r\n" or "-ERR Background save already in progress\r\n", reply);
            }
            await WaitUntilAsync(() => log.Acknowledged >= 8000 || writer.IsCompleted, TimeSpan.FromSeconds(5));
        }
        node.Kill();
        await writer.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(log.SawConnectionLoss, "the writer never saw the kill");

        await node.RestartAsync();
        await using var c = await node.ConnectAsync();
        await AssertValuesAsync(c, log.Values);
        await AssertCountersAsync(c, "bg", log);
        AssertNoErrorsLogged(node);
    }

    /// <summary>
    /// A checkpoint starts a new log segment while MSETs (logged as MULTI … EXEC groups) stream in,
    /// and the node is killed while that checkpoint may still be running: no acknowledged MSET may
    /// come back partly applied or missing, and the node must start from whatever is on disk.
    /// </summary>
    [Fact]
    public async Task Kill9_during_a_checkpoint_keeps_acknowledged_multi_key_commands_whole()
    {
        await using var node = await NodeProcess.StartAsync(["--appendfsync", "always"]);
        var random = new Random(1234);
        var acknowledged = new List<(string Key, string Value)>();
        var clock = Stopwatch.StartNew();
        for (int round = 0; round < 6 && clock.Elapsed < TimeSpan.FromSeconds(20); round++)
        {
            using var stop = new CancellationTokenSource(WriterTimeLimit);
            var roundAcks = new List<(string Key, string Value)>();
            int roundNumber = round;
            var writer = Task.Run(() => WriteMsetsAsync(node.Port, $"tx{roundNumber}", roundAcks, stop.Token));
            await WaitUntilAsync(() => { lock (roundAcks) return roundAcks.Count >= 20 * 64 || writer.IsCompleted; }, TimeSpan.FromSeconds(5));
            await using (var admin = await node.ConnectAsync())
            {
                var reply = await admin.CommandAsync("BGSAVE");
                Assert.True(reply is "+Background saving started\r\n" or "-ERR Background save already in progress\r\n", reply);
            }
            await Task.Delay(random.Next(0, 40));
            node.Kill();
            await writer.WaitAsync(TimeSpan.FromSeconds(20));
            lock (roundAcks) acknowledged.AddRange(roundAcks);

            await node.RestartAsync();
            await using var c = await node.ConnectAsync();
            await AssertValuesAsync(c, acknowledged.ToDictionary(a => a.Key, a => (string?)a.Value));
        }
        AssertNoErrorsLogged(node);
    }

    /// <summary>Pipelined MSETs of 64 keys, 4 in flight; every key of an acknowledged MSET is recorded.</summary>
    private static async Task WriteMsetsAsync(int port, string prefix, List<(string Key, string Value)> acks, CancellationToken stop)
    {
        var inFlight = new Queue<string[]>();
        try
        {
            await using var c = await RawConnection.ConnectAsync(port);
            for (int n = 0; n < 20_000 && !stop.IsCancellationRequested; n++)
            {
                var args = new List<string> { "MSET" };
                for (int j = 0; j < 64; j++)
                    args.AddRange([$"{prefix}:{n}:{j}", $"m{n}-{j}"]);
                await c.SendAsync(Cmd([.. args]));
                inFlight.Enqueue([.. args]);
                if (inFlight.Count < 4)
                    continue;
                var done = inFlight.Dequeue();
                Assert.Equal("+OK\r\n", await c.ReadFrameAsync(TimeSpan.FromSeconds(10)));
                lock (acks)
                    for (int i = 1; i < done.Length; i += 2)
                        acks.Add((done[i], done[i + 1]));
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
        }
    }

    // ================================================================= helpers

    /// <summary>Acknowledged writes, as the writer saw them.</summary>
    private sealed class AckLog(int counters)
    {
        private long _acknowledged;
        public readonly Dictionary<string, string?> Values = [];
        public readonly long[] Counters = new long[counters];
        public volatile bool SawConnectionLoss;

        public long Acknowledged => Interlocked.Read(ref _acknowledged);

        public void Set(string key, string value)
        {
            lock (Values) Values[key] = value;
            Interlocked.Increment(ref _acknowledged);
        }

        public void Incremented(int counter, long value)
        {
            lock (Counters) Counters[counter] = Math.Max(Counters[counter], value);
            Interlocked.Increment(ref _acknowledged);
        }
    }

    /// <summary>
    /// Sends batches of 200 commands in one write each (SETs of new keys and INCRs), two batches
    /// in flight, and records every reply; stops when the connection dies (the kill) or the time is up.
    /// </summary>
    private static async Task WriteRawAsync(int port, string prefix, AckLog log, CancellationToken stop)
    {
        const int BatchSize = 200;
        var inFlight = new Queue<(string Key, string? Value, int Counter)[]>();
        long seq = 0;
        try
        {
            await using var c = await RawConnection.ConnectAsync(port);
            for (int batch = 0; batch < 5000 && !stop.IsCancellationRequested; batch++)
            {
                var ops = new (string Key, string? Value, int Counter)[BatchSize];
                var payload = new StringBuilder();
                for (int i = 0; i < BatchSize; i++, seq++)
                {
                    if (seq % 4 == 3)
                    {
                        int counter = (int)(seq / 4 % log.Counters.Length);
                        ops[i] = ($"{prefix}:ctr:{counter}", null, counter);
                        payload.Append(Cmd("INCR", ops[i].Key));
                    }
                    else
                    {
                        ops[i] = ($"{prefix}:{seq}", $"v{seq}-{new string('x', (int)(seq % 50))}", -1);
                        payload.Append(Cmd("SET", ops[i].Key, ops[i].Value!));
                    }
                }
                await c.SendAsync(payload.ToString());
                inFlight.Enqueue(ops);
                if (inFlight.Count < 2)
                    continue;
                foreach (var op in inFlight.Dequeue())
                {
                    var reply = await c.ReadFrameAsync(TimeSpan.FromSeconds(10));
                    if (op.Counter < 0)
                    {
                        Assert.Equal("+OK\r\n", reply);
                        log.Set(op.Key, op.Value!);
                    }
                    else
                    {
                        log.Incremented(op.Counter, ParseInteger(reply));
                    }
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            log.SawConnectionLoss = true;
        }
    }

    /// <summary>The same workload through StackExchange.Redis: 200 async commands at a time, acknowledged when their task completes.</summary>
    private static async Task WriteWithStackExchangeAsync(int port, string prefix, AckLog log, CancellationToken stop)
    {
        var options = NodeFixture.Options(port);
        options.AbortOnConnectFail = false;
        options.ConnectRetry = 0;
        options.SyncTimeout = options.AsyncTimeout = 5000;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(options);
        var db = redis.GetDatabase();
        long seq = 0;
        for (int batch = 0; batch < 5000 && !stop.IsCancellationRequested; batch++)
        {
            var tasks = new List<(Task Task, string Key, string? Value, int Counter)>();
            for (int i = 0; i < 200; i++, seq++)
            {
                if (seq % 4 == 3)
                {
                    int counter = (int)(seq / 4 % log.Counters.Length);
                    string key = $"{prefix}:ctr:{counter}";
                    tasks.Add((db.StringIncrementAsync(key), key, null, counter));
                }
                else
                {
                    string key = $"{prefix}:{seq}", value = $"v{seq}";
                    tasks.Add((db.StringSetAsync(key, value), key, value, -1));
                }
            }
            try
            {
                await Task.WhenAll(tasks.Select(t => t.Task));
            }
            catch (Exception)
            {
                log.SawConnectionLoss = true;
            }
            foreach (var (task, key, value, counter) in tasks)
            {
                if (task.Status != TaskStatus.RanToCompletion)
                    continue;
                if (counter < 0)
                {
                    Assert.True(((Task<bool>)task).Result);
                    log.Set(key, value!);
                }
                else
                {
                    log.Incremented(counter, ((Task<long>)task).Result);
                }
            }
            if (log.SawConnectionLoss)
                return;
        }
    }

    private static async Task AssertCountersAsync(RawConnection c, string prefix, AckLog log)
    {
        Assert.Contains(log.Counters, n => n > 0);
        for (int i = 0; i < log.Counters.Length; i++)
        {
            if (log.Counters[i] == 0)
                continue;
            string key = $"{prefix}:ctr:{i}";
            var reply = await c.CommandAsync("GET", key);
            Assert.StartsWith("$", reply);
            long value = long.Parse(reply.Split("\r\n")[1]);
            Assert.True(value >= log.Counters[i], $"{key} is {value} after restart, but {log.Counters[i]} was acknowledged");
        }
    }

    /// <summary>Checks keys with pipelined GETs; a null expected value means the key must be missing.</summary>
    private static async Task AssertValuesAsync(RawConnection c, IReadOnlyDictionary<string, string?> expected)
    {
        Assert.NotEmpty(expected);
        foreach (var chunk in expected.Chunk(500))
        {
            await c.SendAsync(string.Concat(chunk.Select(kv => Cmd("GET", kv.Key))));
            var wrong = new List<string>();
            foreach (var (key, value) in chunk)
            {
                var reply = await c.ReadFrameAsync();
                var want = value is null ? "$-1\r\n" : $"${Encoding.UTF8.GetByteCount(value)}\r\n{value}\r\n";
                if (reply != want)
                    wrong.Add($"{key}: expected {Escape(want)}, got {Escape(reply)}");
            }
            Assert.True(wrong.Count == 0, $"{wrong.Count} keys wrong after restart, e.g.\n{string.Join("\n", wrong.Take(10))}");
        }
    }

    /// <summary>Sends commands in pipelined chunks; checks each reply when <paramref name="expect"/> is given.</summary>
    private static async Task PipelineAsync(RawConnection c, IEnumerable<string> commands, string? expect)
    {
        foreach (var chunk in commands.Chunk(500))
        {
            await c.SendAsync(string.Concat(chunk));
            for (int i = 0; i < chunk.Length; i++)
            {
                var reply = await c.ReadFrameAsync();
                if (expect is not null)
                    Assert.Equal(expect, reply);
                else
                    Assert.False(reply.StartsWith('-'), reply);
            }
        }
    }

    private static string Cmd(params string[] args) => RespEncoding.CommandText(Encoding.UTF8, args);

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] Concat(IEnumerable<byte[]> parts) => parts.SelectMany(p => p).ToArray();

    private static long ParseInteger(string reply)
    {
        Assert.StartsWith(":", reply);
        return long.Parse(reply.AsSpan(1, reply.Length - 3));
    }

    private static string Escape(string text) => text.Replace("\r", "\\r").Replace("\n", "\\n");

    private static string AofDirectory(NodeProcess node) => Path.Combine(node.DataDirectory, "aof");

    private static string SegmentPath(NodeProcess node, long number) => Path.Combine(AofDirectory(node), $"{number:D8}.aof");

    private static List<long> SegmentNumbers(NodeProcess node) =>
        Directory.EnumerateFiles(AofDirectory(node), "*.aof")
            .Select(p => long.Parse(Path.GetFileNameWithoutExtension(p)))
            .Order()
            .ToList();

    private static string LastSegmentPath(NodeProcess node) => SegmentPath(node, SegmentNumbers(node).Max());

    /// <summary>The node's output is read asynchronously: give a line logged before it answered PING a moment to arrive.</summary>
    private static async Task AssertLoggedAsync(NodeProcess node, string text)
    {
        await WaitUntilAsync(() => node.Output.Contains(text), TimeSpan.FromSeconds(5));
        Assert.True(node.Output.Contains(text), $"the node never logged \"{text}\":\n{node.Output}");
    }

    /// <summary>No error or critical line (a failed checkpoint, a handler exception) in the node's output.</summary>
    private static void AssertNoErrorsLogged(NodeProcess node)
    {
        var output = node.Output;
        Assert.False(output.Contains("fail: ") || output.Contains("crit: "), "the node logged an error:\n" + output);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition() && deadline.Elapsed < timeout)
            await Task.Delay(10);
    }
}
