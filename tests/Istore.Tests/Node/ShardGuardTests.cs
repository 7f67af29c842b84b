using Istore.Tests.Infrastructure;
using Istore.Tests.Proxy;
using Xunit.Abstractions;

namespace Istore.Tests.Node;

/// <summary>
/// SHARDGUARD's ASK semantics between real nodes: a shard giving keys away serves the moving keys
/// it still holds, answers -ASK for those it no longer holds (and never creates one), -TRYAGAIN
/// for a command whose keys are split, on its replicas too; writes racing MIGRATE batches are
/// never lost (counted).
/// </summary>
public abstract class ShardGuardTests(NodeFixture fixture, ITestOutputHelper output)
{
    private const string Ask = "-ASK shard 1 of 2: the keys have moved to their new shard; send the command there (istore-proxy does)\r\n";
    private const string Split = "-TRYAGAIN Some of the command's keys have moved to another shard of their tenant and some have not; send it through istore-proxy, which moves them first\r\n";

    /// <summary>Keys whose jump hash over 2 shards is <paramref name="shard"/>: a guard "0 2" keeps shard 0's and gives shard 1's away.</summary>
    private static List<string> KeysOf(string prefix, int shard, int count) =>
        Enumerable.Range(0, 10_000).Select(i => $"{prefix}:{i}").Where(k => ExpectedRoute.Shard(k, 2) == shard).Take(count).ToList();

    [Fact]
    public async Task A_guarded_shard_serves_the_moving_keys_it_holds_asks_for_the_others_and_never_creates_one()
    {
        await using var source = await fixture.StartNodeAsync();
        await using var target = await fixture.StartNodeAsync();
        await using var c = await source.ConnectAsync();
        await using var t = await target.ConnectAsync();
        var moving = KeysOf("guard", 1, 3);
        string held = moving[0], gone = moving[1], hash = moving[2];
        string staying = KeysOf("guard", 0, 1)[0];
        await c.CommandAsync("SET", held, "v");
        await c.CommandAsync("HSET", hash, "f", "1");
        Assert.Equal("+OK\r\n", await c.CommandAsync("SHARDGUARD", "0", "2"));

        // Held here: reads and writes run here, and do not move the key.
        Assert.Equal("$1\r\nv\r\n", await c.CommandAsync("GET", held));
        Assert.Equal(":2\r\n", await c.CommandAsync("APPEND", held, "w"));
        Assert.Equal(":2\r\n", await c.CommandAsync("HINCRBY", hash, "f", "1"));
        Assert.Equal("$2\r\nvw\r\n", await c.CommandAsync("GET", held));
        Assert.Equal(":0\r\n", await t.CommandAsync("EXISTS", held, hash));

        // Not here: -ASK, for reads and writes, and a write does not create it here.
        Assert.Equal(Ask, await c.CommandAsync("GET", gone));
        Assert.Equal(Ask, await c.CommandAsync("SET", gone, "x"));
        Assert.Equal(Ask, await c.CommandAsync("LPUSH", gone, "x"));
        Assert.Equal(":0\r\n", await c.CommandAsync("EXISTS", staying));
        Assert.Equal(":2\r\n", await c.CommandAsync("EXISTS", held, hash));
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", staying, "s"));   // a key that stays is not guarded

        // Split (one here, one not): never answered from half the data, nothing changed.
        Assert.Equal(Split, await c.CommandAsync("DEL", held, gone));
        Assert.Equal(Split, await c.CommandAsync("MSET", held, "1", gone, "2"));
        Assert.Equal("$2\r\nvw\r\n", await c.CommandAsync("GET", held));
        Assert.Equal(":0\r\n", await t.CommandAsync("EXISTS", gone));

        // Inside MULTI, where the keys are is known only at EXEC: refused as before.
        Assert.Equal("+OK\r\n", await c.CommandAsync("MULTI"));
        Assert.StartsWith("-TRYAGAIN", await c.CommandAsync("GET", held));
        Assert.StartsWith("-EXECABORT", await c.CommandAsync("EXEC"));

        // Once MIGRATE has moved it, it is -ASK here, and there on the target.
        Assert.Equal("+OK\r\n", await c.CommandAsync("MIGRATE", "127.0.0.1", target.Port.ToString(), "", "0", "5000", "KEYS", held));
        Assert.Equal(Ask, await c.CommandAsync("GET", held));
        Assert.Equal("$2\r\nvw\r\n", await t.CommandAsync("GET", held));

        Assert.Equal("+OK\r\n", await c.CommandAsync("SHARDGUARD", "OFF"));
        Assert.Equal("$-1\r\n", await c.CommandAsync("GET", gone));
    }

    [Fact]
    public async Task A_guarded_replica_serves_what_its_master_still_holds_and_asks_once_the_deletion_replicates()
    {
        await using var source = await ReplicationGroup.StartAsync(fixture.Engine, replicas: 1);
        await using var target = await fixture.StartNodeAsync();
        var replica = source.Replicas[0];
        string key = KeysOf("guard:rep", 1, 1)[0];
        await ReplicationGroup.CommandAsync(source.Master, "SET", key, "v");
        await source.WaitInSyncAsync();
        Assert.Equal("+OK\r\n", await ReplicationGroup.CommandAsync(source.Master, "SHARDGUARD", "0", "2"));
        Assert.Equal("+OK\r\n", await ReplicationGroup.CommandAsync(replica, "SHARDGUARD", "0", "2"));

        Assert.Equal("$1\r\nv\r\n", await ReplicationGroup.CommandAsync(replica, "GET", key));
        Assert.StartsWith("-READONLY", await ReplicationGroup.CommandAsync(replica, "SET", key, "w"));
        Assert.Equal("+OK\r\n", await ReplicationGroup.CommandAsync(source.Master, "MIGRATE", "127.0.0.1", target.Port.ToString(), key, "0", "5000"));
        await source.WaitInSyncAsync();
        Assert.Equal(Ask, await ReplicationGroup.CommandAsync(replica, "GET", key));
        Assert.Equal(Ask, await ReplicationGroup.CommandAsync(source.Master, "GET", key));
    }

    /// <summary>
    /// Writers INCR moving keys as the proxy would (on the old shard; on -ASK, on the new one)
    /// while MIGRATE batches move them: every acknowledged increment is in the final values, and
    /// every key is on the target only.
    /// </summary>
    [Fact]
    public async Task Increments_racing_migrate_batches_are_never_lost()
    {
        await using var source = await fixture.StartNodeAsync(["--threads", "2"]);
        await using var target = await fixture.StartNodeAsync();
        var keys = KeysOf("guard:race", 1, 400);
        await using (var c = await source.ConnectAsync())
        {
            foreach (var key in keys.Where((_, i) => i % 2 == 0))   // the others start absent: created on the target
                await c.CommandAsync("SET", key, "0");
            Assert.Equal("+OK\r\n", await c.CommandAsync("SHARDGUARD", "0", "2"));
        }
        var acknowledged = new long[keys.Count];
        using var stop = new CancellationTokenSource();
        var unexpected = new System.Collections.Concurrent.ConcurrentBag<string>();
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            await using var s = await source.ConnectAsync();
            await using var t = await target.ConnectAsync();
            var random = new Random(w);
            while (!stop.IsCancellationRequested)
            {
                int k = random.Next(keys.Count);
                string reply = await s.CommandAsync("INCR", keys[k]);
                if (reply.StartsWith("-ASK "))
                    reply = await t.CommandAsync("INCR", keys[k]);
                if (reply.StartsWith(':'))
                    Interlocked.Increment(ref acknowledged[k]);
                else
                    unexpected.Add(reply);
            }
        })).ToList();
        await using (var m = await source.ConnectAsync())
            foreach (var batch in keys.Chunk(20))
            {
                await Task.Delay(20);
                string moved = await m.CommandAsync(["MIGRATE", "127.0.0.1", target.Port.ToString(), "", "0", "5000", "REPLACE", "KEYS", .. batch]);
                Assert.True(moved is "+OK\r\n" or "+NOKEY\r\n", moved);
            }
        await Task.Delay(200);
        stop.Cancel();
        await Task.WhenAll(writers);

        await using var sc = await source.ConnectAsync();
        await using var tc = await target.ConnectAsync();
        Assert.Equal("+OK\r\n", await sc.CommandAsync("SHARDGUARD", "OFF"));   // to look at the source's keys
        long lost = 0;
        for (int k = 0; k < keys.Count; k++)
        {
            Assert.Equal(":0\r\n", await sc.CommandAsync("EXISTS", keys[k]));
            string value = await tc.CommandAsync("GET", keys[k]);
            long stored = value == "$-1\r\n" ? 0 : long.Parse(value.Split("\r\n")[1]);
            lost += Math.Max(0, acknowledged[k] - stored);
            Assert.True(stored == acknowledged[k], $"{keys[k]}: {acknowledged[k]} increments acknowledged, {stored} stored");
        }
        output.WriteLine($"{acknowledged.Sum()} increments acknowledged, lost: {lost}; unexpected replies: {unexpected.Count} {string.Join(" | ", unexpected.Distinct().Take(3))}");
        Assert.Equal(0, lost);
        Assert.Empty(unexpected);
    }
}
