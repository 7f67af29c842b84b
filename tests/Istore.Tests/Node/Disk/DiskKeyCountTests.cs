using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node.Disk;

/// <summary>
/// DBSIZE on the disk engine after SETs that did not count their key: exact, recounted off the
/// event loop (other clients go on, concurrent callers share a round, writes during a round are
/// accounted for), while INFO only ever estimates.
/// </summary>
public sealed class DiskKeyCountTests
{
    /// <summary>One event loop: a recount on it would stall every client.</summary>
    private static readonly string[] Disk = ["--engine", "disk", "--threads", "1"];

    private static readonly TimeSpan Long = TimeSpan.FromSeconds(60);

    private static string Key(int i) => $"m:{i:D7}";

    [Fact]
    public async Task Dbsize_is_exact_through_blind_sets_overwrites_deletes_expiry_collections_and_flushall()
    {
        await using var node = await NodeProcess.StartAsync(Disk);
        await using var c = await node.ConnectAsync();
        await SetAsync(c, Enumerable.Range(0, 10).Select(i => $"k{i}"));
        Assert.Equal(":10\r\n", await c.CommandAsync("DBSIZE"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "k1", "again"));
        Assert.Equal(":10\r\n", await c.CommandAsync("DBSIZE"));
        Assert.Equal(":1\r\n", await c.CommandAsync("DEL", "k2"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "k10", "v"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "k3", "overwritten"));
        Assert.Equal(":1\r\n", await c.CommandAsync("HSET", "h", "f", "v"));
        Assert.Equal(":11\r\n", await c.CommandAsync("DBSIZE"));

        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "short", "v", "PX", "50"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "k11", "v"));
        Assert.Equal(":13\r\n", await c.CommandAsync("DBSIZE"));
        await WaitForDbsizeAsync(c, 12);   // active expiry removes it
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "k12", "v"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "k0", "v"));
        Assert.Equal(":13\r\n", await c.CommandAsync("DBSIZE"));

        Assert.Equal("+OK\r\n", await c.CommandAsync("FLUSHALL"));
        Assert.Equal(":0\r\n", await c.CommandAsync("DBSIZE"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "k0", "v"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "k0", "w"));
        Assert.Equal(":1\r\n", await c.CommandAsync("DBSIZE"));
    }

    [Fact]
    public async Task Dbsize_is_exact_inside_exec_and_a_script_where_it_cannot_wait()
    {
        await using var node = await NodeProcess.StartAsync(Disk);
        await using var c = await node.ConnectAsync();
        await SetAsync(c, Enumerable.Range(0, 5).Select(i => $"k{i}"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("MULTI"));
        Assert.Equal("+QUEUED\r\n", await c.CommandAsync("SET", "k0", "again"));
        Assert.Equal("+QUEUED\r\n", await c.CommandAsync("SET", "k5", "v"));
        Assert.Equal("+QUEUED\r\n", await c.CommandAsync("DBSIZE"));
        Assert.Equal("*3\r\n+OK\r\n+OK\r\n:6\r\n", await c.CommandAsync("EXEC"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "k6", "v"));
        Assert.Equal(":8\r\n", await c.CommandAsync("EVAL", "redis.call('SET', 'k7', 'v'); return redis.call('DBSIZE')", "0"));

        // A command that writes a collection holds the count lock to its end: the count runs under it.
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "k8", "v"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("MULTI"));
        Assert.Equal("+QUEUED\r\n", await c.CommandAsync("SADD", "s", "a"));
        Assert.Equal("+QUEUED\r\n", await c.CommandAsync("DBSIZE"));
        Assert.Equal("*2\r\n:1\r\n:10\r\n", await c.CommandAsync("EXEC"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "k9", "v"));
        Assert.Equal(":12\r\n", await c.CommandAsync("EVAL", "redis.call('HSET', 'h', 'f', 'v'); return redis.call('DBSIZE')", "0"));
        Assert.Equal(":12\r\n", await c.CommandAsync("DBSIZE"));
    }

    [Fact]
    public async Task Dbsize_is_exact_after_kill_9_and_a_graceful_restart()
    {
        await using var node = await NodeProcess.StartAsync(Disk);
        await DiskDurabilityTests.SetPipelinedAsync(node.Port, 0, 3_000, chunk: 1_000);
        await DiskDurabilityTests.SetPipelinedAsync(node.Port, 1_000, 3_000, chunk: 1_000);   // 2,000 overwrites
        node.Kill();

        await node.RestartAsync();
        await using (var c = await node.ConnectAsync())
        {
            Assert.Equal("0", await InfoFieldAsync(c, "disk_engine_key_count_known"));
            Assert.Equal(":4000\r\n", await c.CommandAsync("DBSIZE"));
            Assert.Equal("+OK\r\n", await c.CommandAsync("SET", Key(0), "overwritten"));
            Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "new", "v"));
        }
        Assert.Equal(0, await node.TerminateAsync());

        await node.RestartAsync();
        await using (var c = await node.ConnectAsync())
            Assert.Equal(":4001\r\n", await c.CommandAsync("DBSIZE"));
        node.Kill();
        await node.RestartAsync();
        await using (var c = await node.ConnectAsync())
            Assert.Equal(":4001\r\n", await c.CommandAsync("DBSIZE"));
    }

    [Fact]
    public async Task Info_estimates_within_bounds_and_never_recounts()
    {
        await using var node = await NodeProcess.StartAsync(Disk);
        await using var c = await node.ConnectAsync();
        await SetAsync(c, Enumerable.Range(0, 20).Select(i => $"k{i % 10}"));
        Assert.Equal(":10\r\n", await c.CommandAsync("DBSIZE"));
        Assert.Equal(":1\r\n", await c.CommandAsync("DEL", "k9"));
        await SetAsync(c, Enumerable.Range(0, 20).Select(i => $"n{i % 5}"));

        for (int i = 0; i < 3; i++)
        {
            var fields = InfoText.Fields((await c.ReadValueAfterAsync("INFO", "everything")).AsString()!);
            Assert.Equal("0", fields["disk_engine_key_count_known"]);
            Assert.Equal("1", fields["disk_engine_key_recounts"]);
            // Between the 9 counted keys and 9 + the 20 SETs that were not.
            long keys = long.Parse(fields["db0"].Split(',')[0]["keys=".Length..]);
            Assert.InRange(keys, 9, 29);
        }
        Assert.Equal(":14\r\n", await c.CommandAsync("DBSIZE"));
        Assert.Equal("2", await InfoFieldAsync(c, "disk_engine_key_recounts"));
        Assert.Equal("1", await InfoFieldAsync(c, "disk_engine_key_count_known"));
        Assert.StartsWith("keys=14,", await InfoFieldAsync(c, "db0"));
    }

    [Fact]
    public async Task Concurrent_dbsizes_share_one_recount()
    {
        const int keys = 100_000;
        await using var node = await StartLoadedAsync(keys);
        var clients = new RawConnection[4];
        for (int i = 0; i < clients.Length; i++)
            clients[i] = await node.ConnectAsync();
        try
        {
            foreach (var client in clients)
                await client.SendCommandAsync("DBSIZE");
            foreach (var client in clients)
                Assert.Equal($":{keys}\r\n", await client.ReadFrameAsync(Long));
            Assert.Equal("1", await InfoFieldAsync(clients[0], "disk_engine_key_recounts"));
        }
        finally
        {
            foreach (var client in clients)
                await client.DisposeAsync();
        }
    }

    /// <summary>
    /// With one event loop, a recount on it would hold back everyone: while DBSIZE waits, another
    /// client's PINGs and INFO keep being answered. Before DBSIZE's reply, a count that ran on the
    /// loop lets at most the one PING through that the loop took first; this wants ten.
    /// </summary>
    [Fact]
    public async Task A_recount_does_not_stall_other_clients_on_its_loop()
    {
        const int keys = 400_000;
        await using var node = await StartLoadedAsync(keys);
        await using var counting = await node.ConnectAsync();
        await using var other = await node.ConnectAsync();
        int mostAnswered = 0;
        // A round can be quick on a fast machine: a few tries, each after a SET that makes the count unknown again.
        for (int attempt = 0; attempt < 3 && mostAnswered < 10; attempt++)
        {
            Assert.Equal("+OK\r\n", await other.CommandAsync("SET", Key(attempt), "again"));
            await counting.SendCommandAsync("DBSIZE");
            var reply = counting.ReadFrameAsync(Long);
            int answered = 0;
            while (!reply.IsCompleted)
            {
                Assert.Equal("+PONG\r\n", await other.CommandAsync("PING"));
                Assert.StartsWith("$", await other.CommandAsync("INFO", "keyspace"));
                if (!reply.IsCompleted)
                    answered++;
            }
            Assert.Equal($":{keys}\r\n", await reply);
            mostAnswered = Math.Max(mostAnswered, answered);
        }
        Assert.True(mostAnswered >= 10, $"only {mostAnswered} PINGs answered while DBSIZE recounted");
    }

    /// <summary>
    /// SETs of new keys, overwrites and DELs from other clients while a round runs: the DBSIZE
    /// answers a count the keyspace had between its call and its reply, and the next one, after
    /// the writes, the exact count.
    /// </summary>
    [Fact]
    public async Task Writes_during_a_recount_are_accounted_for()
    {
        const int keys = 200_000, added = 20_000, deleted = 5_000;
        await using var node = await StartLoadedAsync(keys);
        await using var counting = await node.ConnectAsync();
        await using var writer = await node.ConnectAsync();

        await counting.SendCommandAsync("DBSIZE");
        var first = counting.ReadFrameAsync(Long);
        // Overwrites and as many new keys (uncounted SETs), then DELs (counted).
        await DiskDurabilityTests.SetPipelinedAsync(node.Port, keys - added, 2 * added, chunk: 2_000);
        for (int i = 0; i < deleted; i++)
            Assert.Equal(":1\r\n", await writer.CommandAsync("DEL", Key(i)));
        long answer = long.Parse((await first).Trim(':', '\r', '\n'));

        // The count rose from keys to keys + added, then fell by the DELs.
        Assert.InRange(answer, keys, keys + added);
        Assert.Equal($":{keys + added - deleted}\r\n", await counting.CommandAsync("DBSIZE"));
    }

    /// <summary>FLUSHALL while a round runs: the round's waiter gets a count it could have seen; the count afterwards is the flush's.</summary>
    [Fact]
    public async Task Flushall_during_a_recount_leaves_the_count_exact()
    {
        const int keys = 200_000;
        await using var node = await StartLoadedAsync(keys);
        await using var counting = await node.ConnectAsync();
        await using var writer = await node.ConnectAsync();

        await counting.SendCommandAsync("DBSIZE");
        var first = counting.ReadFrameAsync(Long);
        Assert.Equal("+OK\r\n", await writer.CommandAsync("FLUSHALL"));
        Assert.Equal("+OK\r\n", await writer.CommandAsync("SET", "after", "v"));
        Assert.Equal("+OK\r\n", await writer.CommandAsync("SET", "after", "w"));

        Assert.Contains(await first, new[] { $":{keys}\r\n", ":0\r\n", ":1\r\n" });
        Assert.Equal(":1\r\n", await writer.CommandAsync("DBSIZE"));
        Assert.Equal(":1\r\n", await counting.CommandAsync("DBSIZE"));
    }

    /// <summary>A node holding keys m:0..keys-1, loaded by plain (uncounted) SETs.</summary>
    private static async Task<NodeProcess> StartLoadedAsync(int keys)
    {
        var node = await NodeProcess.StartAsync(Disk);
        try
        {
            await DiskDurabilityTests.SetPipelinedAsync(node.Port, 0, keys, chunk: 10_000);
            return node;
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    private static async Task SetAsync(RawConnection c, IEnumerable<string> keys)
    {
        foreach (var key in keys)
            Assert.Equal("+OK\r\n", await c.CommandAsync("SET", key, "v"));
    }

    private static async Task WaitForDbsizeAsync(RawConnection c, int expected)
    {
        var deadline = DateTime.UtcNow + Long;
        string reply;
        while ((reply = await c.CommandAsync("DBSIZE")) != $":{expected}\r\n" && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        Assert.Equal($":{expected}\r\n", reply);
    }

    private static async Task<string> InfoFieldAsync(RawConnection c, string field) =>
        InfoText.Fields((await c.ReadValueAfterAsync("INFO", "everything")).AsString()!)[field];
}
