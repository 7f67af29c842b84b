using System.Collections.Concurrent;
using Istore.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Istore.Tests.Replication;

public sealed class SemiSyncTestsOnMemory(ITestOutputHelper output) : SemiSyncTests("memory", output);
public sealed class SemiSyncTestsOnDisk(ITestOutputHelper output) : SemiSyncTests("disk", output);

/// <summary>--sync-replicas: a write is acknowledged only once a replica has it, so killing the master and promoting the replica loses none.</summary>
public abstract class SemiSyncTests(string engine, ITestOutputHelper output)
{
    [Fact]
    public async Task Killing_the_master_and_promoting_its_replica_loses_no_acknowledged_write_in_20_rounds()
    {
        long acknowledgedTotal = 0, lostTotal = 0;
        for (int round = 0; round < 20; round++)
        {
            await using var group = await ReplicationGroup.StartAsync(engine, replicas: 1, masterArgs: ["--sync-replicas", "1", "--sync-replicas-timeout", "10000"]);
            await group.WaitInSyncAsync();
            var acknowledged = new ConcurrentQueue<string>();
            var writers = new[]
            {
                Task.Run(() => WriteOneByOneAsync(group.Master, $"one:{round}", acknowledged)),
                Task.Run(() => WritePipelinedAsync(group.Master, $"pipe:{round}", acknowledged)),
            };
            // Kill while both writers are in full flow: after some acknowledgements, at a varying moment.
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (acknowledged.Count < 200 && DateTime.UtcNow < deadline)
                await Task.Delay(5);
            await Task.Delay(7 * round);
            group.Master.Kill();
            await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(30));
            var replica = group.Replicas[0];
            Assert.Equal("+OK\r\n", await ReplicationGroup.CommandAsync(replica, "REPLICAOF", "NO", "ONE"));
            long lost = await CountMissingAsync(replica, acknowledged.ToArray());
            acknowledgedTotal += acknowledged.Count;
            lostTotal += lost;
            Assert.True(acknowledged.Count > 0, $"round {round}: no write was acknowledged before the kill");
        }
        output.WriteLine($"{engine}: {acknowledgedTotal} acknowledged writes over 20 kills, {lostTotal} lost");
        Assert.Equal(0, lostTotal);
    }

    [Fact]
    public async Task Without_a_replica_a_write_times_out_with_NOREPLICAS_but_reads_and_other_clients_go_on()
    {
        await using var group = await ReplicationGroup.StartAsync(engine, replicas: 0, masterArgs: ["--sync-replicas", "1", "--sync-replicas-timeout", "300"]);
        await using var writer = await group.Master.ConnectAsync();
        await writer.SendCommandAsync("SET", "k", "v");
        await writer.SendCommandAsync("GET", "k");
        await writer.SendCommandAsync("INCR", "n");
        // Another client is not held up while the writer waits.
        await using (var reader = await group.Master.ConnectAsync())
            Assert.Equal("$1\r\nv\r\n", await reader.CommandAsync("GET", "k"));
        Assert.Equal("-NOREPLICAS not enough replicas acknowledged the write\r\n", await writer.ReadFrameAsync());
        Assert.Equal("$1\r\nv\r\n", await writer.ReadFrameAsync());   // the read in between keeps its reply, in order
        Assert.Equal("-NOREPLICAS not enough replicas acknowledged the write\r\n", await writer.ReadFrameAsync());
        Assert.Equal("$1\r\n1\r\n", await writer.CommandAsync("GET", "n"));   // applied, only unacknowledged
        Assert.Equal("+OK\r\n", await writer.CommandAsync("CONFIG", "SET", "sync-replicas", "0"));
        Assert.Equal("+OK\r\n", await writer.CommandAsync("SET", "k", "w"));
    }

    [Fact]
    public async Task With_a_replica_a_pipeline_of_writes_is_acknowledged_in_order()
    {
        await using var group = await ReplicationGroup.StartAsync(engine, replicas: 1, masterArgs: ["--sync-replicas", "1"]);
        await group.WaitInSyncAsync();
        await using var c = await group.Master.ConnectAsync();
        for (int i = 0; i < 100; i++)
            await c.SendCommandAsync("RPUSH", "list", i.ToString());
        for (int i = 0; i < 100; i++)
            Assert.Equal($":{i + 1}\r\n", await c.ReadFrameAsync());
        // Acknowledged means the replica holds the writes; WAIT, that it has applied them.
        Assert.Equal(":1\r\n", await c.CommandAsync("WAIT", "1", "5000"));
        Assert.Equal("$2\r\n99\r\n", await ReplicationGroup.CommandAsync(group.Replicas[0], "LINDEX", "list", "-1"));
    }

    [Fact]
    public async Task A_write_is_acknowledged_once_the_replica_holds_it_while_WAIT_counts_only_what_it_applied()
    {
        await using var group = await ReplicationGroup.StartAsync(engine, replicas: 1, masterArgs: ["--sync-replicas", "1", "--sync-replicas-timeout", "10000"]);
        await group.WaitInSyncAsync();
        var replica = group.Replicas[0];
        Assert.Equal("+OK\r\n", await ReplicationGroup.CommandAsync(replica, "CONFIG", "SET", "busy-reply-threshold", "50"));
        // A busy script holds the replica's keyspace: the stream arrives but cannot be applied.
        await using var script = await replica.ConnectAsync();
        await script.SendCommandAsync("EVAL", "while true do end", "0");
        await using (var probe = await replica.ConnectAsync())
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (!(await probe.CommandAsync("GET", "k")).StartsWith("-BUSY"))
            {
                Assert.True(DateTime.UtcNow < deadline, "the replica never became busy");
                await Task.Delay(20);
            }
        }
        await using var c = await group.Master.ConnectAsync();
        // Waiting for the apply instead, the SET would be answered -NOREPLICAS after the 10 s timeout.
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "k", "v"));
        Assert.Equal(":0\r\n", await c.CommandAsync("WAIT", "1", "300"));   // applied: not yet
        Assert.Equal("+OK\r\n", await ReplicationGroup.CommandAsync(replica, "SCRIPT", "KILL"));
        Assert.Equal(":1\r\n", await c.CommandAsync("WAIT", "1", "5000"));
        Assert.Equal("$1\r\nv\r\n", await ReplicationGroup.CommandAsync(replica, "GET", "k"));   // WAIT's read-your-writes on the replica
    }

    private static async Task WriteOneByOneAsync(NodeProcess master, string prefix, ConcurrentQueue<string> acknowledged)
    {
        try
        {
            await using var c = await master.ConnectAsync();
            for (int i = 0; ; i++)
            {
                string key = $"{prefix}:{i}";
                if (await c.CommandAsync("SET", key, "v") == "+OK\r\n")
                    acknowledged.Enqueue(key);
            }
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or InvalidDataException or TimeoutException or OperationCanceledException)
        {
            // the master was killed
        }
    }

    private static async Task WritePipelinedAsync(NodeProcess master, string prefix, ConcurrentQueue<string> acknowledged)
    {
        try
        {
            await using var c = await master.ConnectAsync();
            for (int batch = 0; ; batch++)
            {
                for (int i = 0; i < 16; i++)
                    await c.SendCommandAsync("HSET", $"{prefix}:{batch}", "f" + i, "v");
                for (int i = 0; i < 16; i++)
                {
                    if (await c.ReadFrameAsync() == ":1\r\n")
                        acknowledged.Enqueue($"{prefix}:{batch}|f{i}");
                }
            }
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or InvalidDataException or TimeoutException or OperationCanceledException)
        {
            // the master was killed
        }
    }

    /// <summary>Acknowledged keys (or hash fields, written key|field) the promoted replica does not have.</summary>
    private static async Task<long> CountMissingAsync(NodeProcess node, string[] acknowledged)
    {
        await using var c = await node.ConnectAsync();
        long missing = 0;
        foreach (var item in acknowledged)
        {
            var parts = item.Split('|');
            string reply = parts.Length == 1 ? await c.CommandAsync("EXISTS", parts[0]) : await c.CommandAsync("HEXISTS", parts[0], parts[1]);
            if (reply != ":1\r\n")
                missing++;
        }
        return missing;
    }
}
