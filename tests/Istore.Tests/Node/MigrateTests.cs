using System.Net;
using System.Net.Sockets;
using Istore.Tests.Infrastructure;
using Istore.Tests.Net;
using StackExchange.Redis;

namespace Istore.Tests.Node;

/// <summary>
/// MIGRATE with Redis's semantics between real processes: istore → istore, istore ↔ redis-server,
/// KEYS batches, COPY, REPLACE, AUTH/AUTH2, target errors passed back, dead and silent targets
/// (-IOERR), atomicity against concurrent writers, istore's own types, and replication on both sides.
/// </summary>
public abstract class MigrateTests(NodeFixture fixture, RedisServerFixture redis)
{
    private string Port(NodeProcess node) => node.Port.ToString();

    [Fact]
    public async Task Migrate_moves_keys_with_their_ttl_and_deletes_them_once_acknowledged()
    {
        await using var target = await fixture.StartNodeAsync();
        await using var t = await target.ConnectAsync();
        await using var c = await fixture.ConnectAsync();
        await c.CommandAsync("DEL", "mig:s", "mig:h", "mig:z", "mig:l", "mig:set", "mig:busy", "mig:copy");
        await c.CommandAsync("SET", "mig:s", "text", "PX", "80000");
        await c.CommandAsync("HSET", "mig:h", "f", "v");
        await c.CommandAsync("ZADD", "mig:z", "1.5", "m");
        await c.CommandAsync("RPUSH", "mig:l", "a", "b");
        await c.CommandAsync("SADD", "mig:set", "x");

        Assert.Equal("+OK\r\n", await c.CommandAsync("MIGRATE", "127.0.0.1", Port(target), "mig:s", "0", "5000"));
        Assert.Equal("$-1\r\n", await c.CommandAsync("GET", "mig:s"));
        Assert.Equal("$4\r\ntext\r\n", await t.CommandAsync("GET", "mig:s"));
        Assert.InRange(long.Parse((await t.CommandAsync("PTTL", "mig:s"))[1..^2]), 60_000, 80_000);

        Assert.Equal("+OK\r\n", await c.CommandAsync("MIGRATE", "127.0.0.1", Port(target), "", "0", "5000", "KEYS", "mig:h", "mig:missing", "mig:z", "mig:l", "mig:set"));
        Assert.Equal(":0\r\n", await c.CommandAsync("EXISTS", "mig:h", "mig:z", "mig:l", "mig:set"));
        Assert.Equal("*2\r\n$1\r\nf\r\n$1\r\nv\r\n", await t.CommandAsync("HGETALL", "mig:h"));
        Assert.Equal("*2\r\n$1\r\nm\r\n$3\r\n1.5\r\n", await t.CommandAsync("ZRANGE", "mig:z", "0", "-1", "WITHSCORES"));
        Assert.Equal("*2\r\n$1\r\na\r\n$1\r\nb\r\n", await t.CommandAsync("LRANGE", "mig:l", "0", "-1"));
        Assert.Equal("$-1\r\n", await t.CommandAsync("GET", "mig:missing"));

        Assert.Equal("+NOKEY\r\n", await c.CommandAsync("MIGRATE", "127.0.0.1", Port(target), "mig:missing", "0", "5000"));
        Assert.Equal("+NOKEY\r\n", await c.CommandAsync("MIGRATE", "127.0.0.1", Port(target), "", "0", "5000", "KEYS", "mig:a", "mig:b"));

        // The target has the key: its BUSYKEY comes back and the source keeps its value; REPLACE overwrites.
        await c.CommandAsync("SET", "mig:busy", "new");
        await t.CommandAsync("SET", "mig:busy", "old");
        Assert.Equal("-ERR Target instance replied with error: BUSYKEY Target key name already exists.\r\n",
            await c.CommandAsync("MIGRATE", "127.0.0.1", Port(target), "mig:busy", "0", "5000"));
        Assert.Equal("$3\r\nnew\r\n", await c.CommandAsync("GET", "mig:busy"));
        Assert.Equal("$3\r\nold\r\n", await t.CommandAsync("GET", "mig:busy"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("MIGRATE", "127.0.0.1", Port(target), "mig:busy", "0", "5000", "REPLACE"));
        Assert.Equal("$3\r\nnew\r\n", await t.CommandAsync("GET", "mig:busy"));
        Assert.Equal("$-1\r\n", await c.CommandAsync("GET", "mig:busy"));

        await c.CommandAsync("SET", "mig:copy", "kept");
        Assert.Equal("+OK\r\n", await c.CommandAsync("MIGRATE", "127.0.0.1", Port(target), "mig:copy", "0", "5000", "COPY"));
        Assert.Equal("$4\r\nkept\r\n", await c.CommandAsync("GET", "mig:copy"));
        Assert.Equal("$4\r\nkept\r\n", await t.CommandAsync("GET", "mig:copy"));
    }

    [Fact]
    public async Task Bad_arguments_get_redis_errors()
    {
        await using var c = await fixture.ConnectAsync();
        await using var oracle = await RawConnection.ConnectAsync(redis.Port);
        string[][] cases =
        [
            ["MIGRATE", "127.0.0.1", "1", "k", "0", "1000", "KEYS", "a"],
            ["MIGRATE", "127.0.0.1", "1", "k", "0", "1000", "BOGUS"],
            ["MIGRATE", "127.0.0.1", "1", "k", "zero", "1000"],
            ["MIGRATE", "127.0.0.1", "1", "k", "0", "soon"],
            ["MIGRATE", "127.0.0.1", "1", "k", "0", "1000", "AUTH2", "user"],
            ["MIGRATE", "127.0.0.1", "1", "k", "0"],
            ["COMMAND", "GETKEYS", "MIGRATE", "127.0.0.1", "1", "", "0", "1000", "COPY", "KEYS", "a", "b"],
            ["COMMAND", "GETKEYS", "MIGRATE", "127.0.0.1", "1", "k", "0", "1000", "AUTH", "pw"],
        ];
        foreach (var args in cases)
            Assert.Equal(await oracle.CommandAsync(args), await c.CommandAsync(args));
    }

    [Fact]
    public async Task Migrate_between_istore_and_redis_both_ways()
    {
        await using var c = await fixture.ConnectAsync();
        await using var oracle = await RawConnection.ConnectAsync(redis.Port);
        await oracle.CommandAsync("DEL", "mig:r1", "mig:r2", "mig:r3");
        await c.CommandAsync("DEL", "mig:r1", "mig:r2", "mig:r3");
        await c.CommandAsync("HSET", "mig:r1", "f", "1", "g", "2");
        await c.CommandAsync("SET", "mig:r2", "12345", "EX", "100");
        Assert.Equal("+OK\r\n", await c.CommandAsync("MIGRATE", redis.Host, redis.Port.ToString(), "", "0", "5000", "KEYS", "mig:r1", "mig:r2"));
        Assert.Equal("*4\r\n$1\r\nf\r\n$1\r\n1\r\n$1\r\ng\r\n$1\r\n2\r\n", await oracle.CommandAsync("HGETALL", "mig:r1"));
        Assert.Equal("$5\r\n12345\r\n", await oracle.CommandAsync("GET", "mig:r2"));
        Assert.StartsWith(":", await oracle.CommandAsync("TTL", "mig:r2"));
        Assert.NotEqual(":-1\r\n", await oracle.CommandAsync("TTL", "mig:r2"));
        Assert.Equal(":0\r\n", await c.CommandAsync("EXISTS", "mig:r1", "mig:r2"));

        await oracle.CommandAsync("ZADD", "mig:r3", "2", "b", "1", "a");
        Assert.Equal("+OK\r\n", await oracle.CommandAsync("MIGRATE", "127.0.0.1", fixture.Node.Port.ToString(), "", "0", "5000", "KEYS", "mig:r1", "mig:r2", "mig:r3"));
        Assert.Equal("*4\r\n$1\r\nf\r\n$1\r\n1\r\n$1\r\ng\r\n$1\r\n2\r\n", await c.CommandAsync("HGETALL", "mig:r1"));
        Assert.Equal("*2\r\n$1\r\na\r\n$1\r\nb\r\n", await c.CommandAsync("ZRANGE", "mig:r3", "0", "-1"));
        Assert.Equal(":0\r\n", await oracle.CommandAsync("EXISTS", "mig:r1", "mig:r2", "mig:r3"));
    }

    [Fact]
    public async Task A_dead_or_silent_target_is_an_ioerr_and_the_source_keeps_its_keys()
    {
        await using var c = await fixture.ConnectAsync();
        await c.CommandAsync("SET", "mig:io", "v");
        Assert.Equal("-IOERR error or timeout connecting to the client\r\n",
            await c.CommandAsync("MIGRATE", "127.0.0.1", NodeProcess.FreePort().ToString(), "mig:io", "0", "1000"));
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        string port = ((IPEndPoint)silent.LocalEndpoint).Port.ToString();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal("-IOERR error or timeout reading to target instance\r\n",
            await c.CommandAsync("MIGRATE", "127.0.0.1", port, "", "0", "300", "KEYS", "mig:io"));
        Assert.InRange(watch.ElapsedMilliseconds, 250, 5000);
        Assert.Equal("$1\r\nv\r\n", await c.CommandAsync("GET", "mig:io"));
        // Other clients were served meanwhile: the round trip does not hold the event loop or the write lock.
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "mig:io2", "w"));
    }

    [Fact]
    public async Task A_slow_migration_holds_writes_to_its_keys_only()
    {
        await using var c = await fixture.ConnectAsync();
        await using var writer = await fixture.ConnectAsync();
        await c.CommandAsync("SET", "mig:held", "v");
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        string port = ((IPEndPoint)silent.LocalEndpoint).Port.ToString();
        await c.SendCommandAsync("MIGRATE", "127.0.0.1", port, "mig:held", "0", "1500");
        // The node may serve the other connection first on a busy machine: wait until MIGRATE runs.
        for (var deadline = DateTime.UtcNow.AddSeconds(10); !(await writer.CommandAsync("CLIENT", "LIST")).Contains("cmd=migrate"); await Task.Delay(10))
            Assert.True(DateTime.UtcNow < deadline, "MIGRATE did not start");
        Assert.Equal("+OK\r\n", await writer.CommandAsync("SET", "mig:free", "x"));
        Assert.Equal("$1\r\nv\r\n", await writer.CommandAsync("GET", "mig:held"));
        await writer.SendCommandAsync("APPEND", "mig:held", "w");
        await Assert.ThrowsAsync<TimeoutException>(() => writer.ReadFrameAsync(TimeSpan.FromMilliseconds(400)));
        Assert.Equal("-IOERR error or timeout reading to target instance\r\n", await c.ReadFrameAsync());
        Assert.Equal(":2\r\n", await writer.ReadFrameAsync());   // ran once the failed migration let go of the key
    }

    [Fact]
    public async Task Migrate_authenticates_with_auth_and_auth2()
    {
        await using var target = await fixture.StartNodeAsync(["--requirepass", "secret"]);
        await using var c = await fixture.ConnectAsync();
        await c.CommandAsync("SET", "mig:auth", "v");
        Assert.Equal("-ERR Target instance replied with error: NOAUTH Authentication required.\r\n",
            await c.CommandAsync("MIGRATE", "127.0.0.1", Port(target), "mig:auth", "0", "5000"));
        Assert.StartsWith("-ERR Target instance replied with error: WRONGPASS",
            await c.CommandAsync("MIGRATE", "127.0.0.1", Port(target), "mig:auth", "0", "5000", "AUTH", "wrong"));
        Assert.Equal("$1\r\nv\r\n", await c.CommandAsync("GET", "mig:auth"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("MIGRATE", "127.0.0.1", Port(target), "mig:auth", "0", "5000", "COPY", "AUTH", "secret"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("MIGRATE", "127.0.0.1", Port(target), "mig:auth", "0", "5000", "REPLACE", "AUTH2", "default", "secret"));
        await using var t = await target.ConnectAsync();
        await t.CommandAsync("AUTH", "secret");
        Assert.Equal("$1\r\nv\r\n", await t.CommandAsync("GET", "mig:auth"));
    }

    /// <summary>
    /// Writers push unique elements onto the keys being migrated in batches: every acknowledged
    /// push is on the target (pushed before its key's migration) or on the source (after it).
    /// </summary>
    [Fact]
    public async Task Concurrent_writes_to_migrating_keys_are_never_lost()
    {
        await using var target = await fixture.StartNodeAsync();
        const int keyCount = 200;
        var keys = Enumerable.Range(0, keyCount).Select(i => $"mig:race:{i}").ToArray();
        await using (var setup = await fixture.ConnectAsync())
        {
            await setup.CommandAsync(["DEL", .. keys]);
            foreach (var key in keys)
                await setup.CommandAsync("RPUSH", key, "seed");
        }
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<(string Key, string Element)>();
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            await using var c = await fixture.ConnectAsync();
            var random = new Random(w);
            for (int n = 0; !stop.IsCancellationRequested; n++)
            {
                string key = keys[random.Next(keyCount)], element = $"w{w}-{n}";
                if ((await c.CommandAsync("RPUSH", key, element)).StartsWith(':'))
                    acknowledged.Add((key, element));
            }
        })).ToArray();
        await using (var migrator = await fixture.ConnectAsync())
        {
            for (int i = 0; i < keyCount; i += 20)
            {
                await Task.Delay(20);
                Assert.Equal("+OK\r\n", await migrator.CommandAsync(["MIGRATE", "127.0.0.1", Port(target), "", "0", "5000", "KEYS", .. keys[i..(i + 20)]]));
            }
        }
        await Task.Delay(50);
        stop.Cancel();
        await Task.WhenAll(writers);
        var targetDb = (await ConnectionMultiplexer.ConnectAsync(NodeFixture.Options(target.Port))).GetDatabase();
        var found = new HashSet<(string, string)>();
        foreach (var key in keys)
        {
            foreach (var element in await targetDb.ListRangeAsync(key))
                found.Add((key, element!));
            foreach (var element in await fixture.Db.ListRangeAsync(key))
                found.Add((key, element!));
            Assert.Equal("seed", (string?)await targetDb.ListGetByIndexAsync(key, 0));
        }
        Assert.True(acknowledged.Count > keyCount, $"only {acknowledged.Count} writes ran during the migration");
        var lost = acknowledged.Where(a => !found.Contains(a)).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} of {acknowledged.Count} acknowledged pushes lost, e.g. {lost.FirstOrDefault()}");
    }

    [Fact]
    public async Task Migrate_inside_multi_runs_at_exec()
    {
        await using var c = await fixture.ConnectAsync();
        await using var oracle = await RawConnection.ConnectAsync(redis.Port);
        await oracle.CommandAsync("DEL", "mig:tx");
        await c.CommandAsync("SET", "mig:tx", "v");
        Assert.Equal("+OK\r\n", await c.CommandAsync("MULTI"));
        Assert.Equal("+QUEUED\r\n", await c.CommandAsync("MIGRATE", redis.Host, redis.Port.ToString(), "mig:tx", "0", "5000"));
        Assert.Equal("+QUEUED\r\n", await c.CommandAsync("EXISTS", "mig:tx"));
        Assert.Equal("*2\r\n+OK\r\n:0\r\n", await c.CommandAsync("EXEC"));
        Assert.Equal("$1\r\nv\r\n", await oracle.CommandAsync("GET", "mig:tx"));
    }

    /// <summary>istore's own types move between istore nodes; a disk node refuses them (it stores neither) and the source keeps them.</summary>
    [Fact]
    public async Task Ranklists_and_bloom_filters_migrate_between_nodes()
    {
        await using var source = await NodeProcess.StartAsync(["--engine", "memory"]);
        await using var s = await source.ConnectAsync();
        await s.CommandAsync("RL.ADD", "mig:rl", "5", "a", "9", "b");
        await s.CommandAsync("BF.ADD", "mig:bf", "seen");
        string range = await s.CommandAsync("RL.RANGE", "mig:rl", "0", "-1", "WITHSCORES");
        await using var t = await fixture.ConnectAsync();
        await t.CommandAsync("DEL", "mig:rl", "mig:bf");
        string reply = await s.CommandAsync("MIGRATE", "127.0.0.1", fixture.Node.Port.ToString(), "", "0", "5000", "KEYS", "mig:rl", "mig:bf");
        Assert.Equal("+OK\r\n", reply);
        Assert.Equal(range, await t.CommandAsync("RL.RANGE", "mig:rl", "0", "-1", "WITHSCORES"));
        Assert.Equal(":1\r\n", await t.CommandAsync("BF.EXISTS", "mig:bf", "seen"));
        Assert.Equal(":0\r\n", await s.CommandAsync("EXISTS", "mig:rl", "mig:bf"));
        // And back from this node to the memory node, the cap and the filter's later items with them.
        await t.CommandAsync("RL.ADD", "mig:rl", "MAXLEN", "2", "7", "c");
        await t.CommandAsync("BF.ADD", "mig:bf", "later");
        range = await t.CommandAsync("RL.RANGE", "mig:rl", "0", "-1", "WITHSCORES");
        string info = await t.CommandAsync("BF.INFO", "mig:bf");
        Assert.Equal("+OK\r\n", await t.CommandAsync("MIGRATE", "127.0.0.1", source.Port.ToString(), "", "0", "5000", "KEYS", "mig:rl", "mig:bf"));
        Assert.Equal(range, await s.CommandAsync("RL.RANGE", "mig:rl", "0", "-1", "WITHSCORES"));
        Assert.Equal(":1\r\n", await s.CommandAsync("RL.ADD", "mig:rl", "100", "top"));
        Assert.Equal(":2\r\n", await s.CommandAsync("RL.CARD", "mig:rl"));
        Assert.Equal(info, await s.CommandAsync("BF.INFO", "mig:bf"));
        Assert.Equal("*2\r\n:1\r\n:1\r\n", await s.CommandAsync("BF.MEXISTS", "mig:bf", "seen", "later"));
        Assert.Equal(":0\r\n", await t.CommandAsync("EXISTS", "mig:rl", "mig:bf"));
    }

    /// <summary>The target's replica gets the restored keys; the source's replica loses them (MIGRATE replicates as DEL).</summary>
    [Fact]
    public async Task Migrate_replicates_on_both_sides()
    {
        await using var source = await ReplicationGroup.StartAsync(fixture.Engine, replicas: 1);
        await using var target = await ReplicationGroup.StartAsync(fixture.Engine, replicas: 1);
        await ReplicationGroup.CommandAsync(source.Master, "HSET", "mig:rep", "f", "v");
        await ReplicationGroup.CommandAsync(source.Master, "SET", "mig:rep2", "w");
        await source.WaitInSyncAsync();
        Assert.Equal(":2\r\n", await ReplicationGroup.CommandAsync(source.Replicas[0], "EXISTS", "mig:rep", "mig:rep2"));
        Assert.Equal("+OK\r\n", await ReplicationGroup.CommandAsync(source.Master, "MIGRATE", "127.0.0.1", target.Master.Port.ToString(), "", "0", "5000", "KEYS", "mig:rep", "mig:rep2"));
        await source.WaitInSyncAsync();
        await target.WaitInSyncAsync();
        Assert.Equal(":0\r\n", await ReplicationGroup.CommandAsync(source.Replicas[0], "EXISTS", "mig:rep", "mig:rep2"));
        Assert.Equal("*2\r\n$1\r\nf\r\n$1\r\nv\r\n", await ReplicationGroup.CommandAsync(target.Replicas[0], "HGETALL", "mig:rep"));
        Assert.Equal("$1\r\nw\r\n", await ReplicationGroup.CommandAsync(target.Replicas[0], "GET", "mig:rep2"));
        Assert.Equal("-READONLY You can't write against a read only replica.\r\n",
            await ReplicationGroup.CommandAsync(target.Replicas[0], "MIGRATE", "127.0.0.1", source.Master.Port.ToString(), "mig:rep", "0", "1000"));
        await target.AssertDigestsEqualAsync();
    }

    /// <summary>
    /// A master deposed while HA failed it over (stopped or cut off, a MIGRATE of it queued) must not
    /// replace keys that its successor moved to the target and clients wrote there since: once the
    /// successor, whose second replication id is the old master's, has migrated there, the target
    /// refuses the old master's RESTOREs, and the old master keeps its stale copies.
    /// </summary>
    [Fact]
    public async Task A_deposed_master_cannot_overwrite_keys_its_successor_moved()
    {
        await using var shard = await ReplicationGroup.StartAsync(fixture.Engine, replicas: 1);
        await using var target = await fixture.StartNodeAsync();
        var (deposed, successor) = (shard.Master, shard.Replicas[0]);
        await ReplicationGroup.CommandAsync(deposed, "MSET", "mig:fenced", "1", "mig:other", "x");
        await shard.WaitInSyncAsync();
        Assert.Equal("+OK\r\n", await ReplicationGroup.CommandAsync(successor, "REPLICAOF", "NO", "ONE"));   // the failover, unseen by the old master
        Assert.Equal("+OK\r\n", await ReplicationGroup.CommandAsync(successor, "MIGRATE", "127.0.0.1", Port(target), "mig:fenced", "0", "5000"));
        await using var t = await target.ConnectAsync();
        Assert.Equal(":2\r\n", await t.CommandAsync("INCR", "mig:fenced"));

        string refused = await ReplicationGroup.CommandAsync(deposed, "MIGRATE", "127.0.0.1", Port(target), "", "0", "5000", "REPLACE", "KEYS", "mig:fenced", "mig:other");
        Assert.StartsWith("-ERR Target instance replied with error: SUPERSEDED", refused);
        Assert.Equal("$1\r\n2\r\n", await t.CommandAsync("GET", "mig:fenced"));
        Assert.Equal(":0\r\n", await t.CommandAsync("EXISTS", "mig:other"));
        Assert.Equal(":2\r\n", await ReplicationGroup.CommandAsync(deposed, "EXISTS", "mig:fenced", "mig:other"));
        Assert.Equal("+OK\r\n", await ReplicationGroup.CommandAsync(successor, "MIGRATE", "127.0.0.1", Port(target), "mig:other", "0", "5000"));
        Assert.Equal("$1\r\nx\r\n", await t.CommandAsync("GET", "mig:other"));
    }

    /// <summary>Under --sync-replicas the reply waits for the replicas to have the deletions, as any write's does.</summary>
    [Fact]
    public async Task Migrate_under_semi_sync_replies_once_replicas_have_the_deletions()
    {
        await using var source = await ReplicationGroup.StartAsync(fixture.Engine, replicas: 1, masterArgs: ["--sync-replicas", "1", "--sync-replicas-timeout", "500"]);
        await using var target = await fixture.StartNodeAsync();
        await using var c = await source.Master.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync("MSET", "mig:semi1", "a", "mig:semi2", "b"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("MIGRATE", "127.0.0.1", Port(target), "mig:semi1", "0", "5000"));
        Assert.Equal(":1\r\n", await c.CommandAsync("WAIT", "1", "5000"));   // held, then applied: readable there
        Assert.Equal(":0\r\n", await ReplicationGroup.CommandAsync(source.Replicas[0], "EXISTS", "mig:semi1"));
        source.Replicas[0].Kill();
        Assert.Equal("-NOREPLICAS not enough replicas acknowledged the write\r\n",
            await c.CommandAsync("MIGRATE", "127.0.0.1", Port(target), "mig:semi2", "0", "5000"));
        await using var t = await target.ConnectAsync();
        Assert.Equal("$1\r\nb\r\n", await t.CommandAsync("GET", "mig:semi2"));
    }

    /// <summary>A source's connection admitted before its successor named itself is refused from then on: each RESTORE checks.</summary>
    [Fact]
    public async Task Restores_of_a_source_admitted_before_its_takeover_are_refused_after_it()
    {
        await using var target = await fixture.StartNodeAsync();
        await using var deposed = await target.ConnectAsync();
        await using var successor = await target.ConnectAsync();
        string old = new('a', 40), promoted = new('b', 40), none = new('0', 40);
        Assert.Equal("+OK\r\n", await deposed.CommandAsync("SET", "mig:admitted", "v"));
        var serialized = (await deposed.ReadValueAfterAsync("DUMP", "mig:admitted")).AsBytes()!;
        Assert.Equal("+OK\r\n", await deposed.CommandAsync("REPLCONF", "SOURCE-REPLID", old, "SOURCE-REPLID2", none));
        Assert.Equal("+OK\r\n", await successor.CommandAsync("REPLCONF", "SOURCE-REPLID", promoted, "SOURCE-REPLID2", old));
        await deposed.SendAsync(RespEncoding.Command("RESTORE"u8.ToArray(), "mig:late"u8.ToArray(), "0"u8.ToArray(), serialized));
        Assert.StartsWith("-SUPERSEDED", await deposed.ReadFrameAsync());
        Assert.Equal(":0\r\n", await successor.CommandAsync("EXISTS", "mig:late"));
        Assert.StartsWith("-SUPERSEDED", await deposed.CommandAsync("REPLCONF", "SOURCE-REPLID", old, "SOURCE-REPLID2", none));
    }

    /// <summary>
    /// A MIGRATE pipelined behind a semi-synchronous write that is still waiting for its replica
    /// answers after it, though it finishes first: the replies stay in order (a proxy pairs them
    /// with its requests by order; out of order, it once took a MIGRATE as done and wrote the moving
    /// key on its new shard before the move replaced it there).
    /// </summary>
    [Fact]
    public async Task A_migrate_pipelined_behind_a_held_write_answers_after_it()
    {
        await using var source = await ReplicationGroup.StartAsync(fixture.Engine, replicas: 1, masterArgs: ["--sync-replicas", "1", "--sync-replicas-timeout", "1000"]);
        await using var target = await fixture.StartNodeAsync();
        await using var t = await target.ConnectAsync();
        await t.CommandAsync("SET", "mig:order", "there");
        Assert.Equal("+OK\r\n", await ReplicationGroup.CommandAsync(source.Master, "SET", "mig:order", "here"));
        await using var c = await source.Master.ConnectAsync();
        ChildProcess.Signal(source.Replicas[0].Pid, "STOP");
        try
        {
            await c.SendAsync(RespEncoding.CommandText(System.Text.Encoding.UTF8, ["SET", "mig:held", "1"])
                + RespEncoding.CommandText(System.Text.Encoding.UTF8, ["MIGRATE", "127.0.0.1", Port(target), "mig:order", "0", "5000"]));
            Assert.Equal("-NOREPLICAS not enough replicas acknowledged the write\r\n", await c.ReadFrameAsync());
            Assert.StartsWith("-ERR Target instance replied with error: BUSYKEY", await c.ReadFrameAsync());
        }
        finally
        {
            ChildProcess.Signal(source.Replicas[0].Pid, "CONT");
        }
    }

    /// <summary>Batches to one target reuse one cached connection (Redis's migrate socket cache, in INFO as migrate_cached_sockets).</summary>
    [Fact]
    public async Task Migrations_to_a_target_reuse_one_cached_connection()
    {
        await using var source = await fixture.StartNodeAsync();
        await using var target = await fixture.StartNodeAsync();
        await using var c = await source.ConnectAsync();
        await using var t = await target.ConnectAsync();
        long connectionsBefore = long.Parse(InfoText.Fields((await t.ReadValueAfterAsync("INFO", "stats")).AsString()!)["total_connections_received"]);
        for (int i = 0; i < 5; i++)
        {
            await c.CommandAsync("SET", $"mig:cache:{i}", "v");
            Assert.Equal("+OK\r\n", await c.CommandAsync("MIGRATE", "127.0.0.1", Port(target), $"mig:cache:{i}", "0", "5000"));
        }
        var stats = InfoText.Fields((await t.ReadValueAfterAsync("INFO", "stats")).AsString()!);
        Assert.Equal(connectionsBefore + 1, long.Parse(stats["total_connections_received"]));
        Assert.Equal("1", InfoText.Fields((await c.ReadValueAfterAsync("INFO", "stats")).AsString()!)["migrate_cached_sockets"]);
    }
}
