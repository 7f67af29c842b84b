using Istore.Tests.Infrastructure;
using static Istore.Tests.Node.EvictionTests;

namespace Istore.Tests.Node;

/// <summary>
/// Eviction on the memory engine only: a replica follows its master's evictions, the used_memory
/// estimate is exact for strings and survives a restart (the disk engine's measure starts afresh
/// at its first limit: DiskEvictionTests), and noeviction under the start-up limit (--maxmemory,
/// the RAM budget) spills instead (ExplicitMaxMemoryTests: a limit CONFIG SET makes).
/// </summary>
public sealed class MemoryEvictionTests
{
    [Fact]
    public async Task A_replica_loses_what_its_master_evicts_and_evicts_nothing_itself()
    {
        await using var group = await ReplicationGroup.StartAsync("memory", replicas: 1);
        var replica = group.Replicas[0];
        await using (var master = await group.Master.ConnectAsync())
            await PipelineAsync(master, Enumerable.Range(0, 500).Select(i => new[] { "SET", $"rep:{i}", Value }));
        await group.WaitInSyncAsync();
        // A limit on the replica alone changes nothing there: its data follows the master.
        Assert.Equal("+OK\r\n", await ReplicationGroup.CommandAsync(replica, "CONFIG", "SET", "maxmemory-policy", "allkeys-lru", "maxmemory", "1"));
        await Task.Delay(300);
        Assert.Equal(":500\r\n", await ReplicationGroup.CommandAsync(replica, "DBSIZE"));

        await using var c = await group.Master.ConnectAsync();
        long limit = await LimitForDataAsync(c, await DataAsync(c) / 2);
        await c.CommandAsync("CONFIG", "SET", "maxmemory-policy", "allkeys-lru", "maxmemory", limit.ToString());
        await WaitUnderLimitAsync(c, limit);
        await c.CommandAsync("SET", "rep:marker", "1");
        await group.WaitInSyncAsync();
        Assert.Equal(await c.CommandAsync("DBSIZE"), await ReplicationGroup.CommandAsync(replica, "DBSIZE"));
        await group.AssertDigestsEqualAsync();
        Assert.Equal("0", (await ReplicationGroup.InfoAsync(replica, "stats"))["evicted_keys"]);
    }

    [Fact]
    public async Task Used_memory_counts_writes_and_deletes_exactly_and_is_the_same_after_a_restart()
    {
        await using var node = await NodeProcess.StartAsync();
        long before;
        await using (var c = await node.ConnectAsync())
        {
            Assert.Equal(0, await DataAsync(c));
            Assert.Equal(1 << 20, await UsedAsync(c));   // used_memory_startup: never 0, as in Redis
            await c.CommandAsync("SET", "u:a", "xyz");
            Assert.Equal(48 + 3 + 3, await DataAsync(c));   // overhead, key, value
            await c.CommandAsync("SET", "u:a", "xyz", "EX", "100");
            Assert.Equal(48 + 3 + 3 + 8, await DataAsync(c));   // the expiry is kept in the record
            await c.CommandAsync("DEL", "u:a");
            Assert.Equal(0, await DataAsync(c));
            await PipelineAsync(c, Enumerable.Range(0, 300).Select(i => new[] { "SET", $"u:{i}", Value, "EX", "1000" }));
            await c.CommandAsync("HSET", "u:h", "f1", "v", "f2", "v");
            await c.CommandAsync("RPUSH", "u:l", "a", "b", "c");
            await c.CommandAsync("SAVE");
            await PipelineAsync(c, Enumerable.Range(0, 100).Select(i => new[] { "APPEND", $"u:{i}", "more" }));
            await c.CommandAsync("LPOP", "u:l");
            before = await DataAsync(c);
        }
        await node.StopAsync(graceful: false);
        await node.RestartAsync();   // the checkpoint, then the log after it
        await using var after = await node.ConnectAsync();
        Assert.Equal(before, await DataAsync(after));
        await after.CommandAsync("FLUSHALL");
        Assert.Equal(0, await DataAsync(after));
    }

    [Fact]
    public async Task Noeviction_with_the_start_up_limit_refuses_no_write_the_data_spills_to_disk_instead()
    {
        await using var node = await NodeProcess.StartAsync(["--maxmemory", "256kb", "--page-size", "64kb"]);
        await using var c = await node.ConnectAsync();
        var replies = await PipelineAsync(c, Enumerable.Range(0, 3000).Select(i => new[] { "SET", $"n:{i}", Value }));
        Assert.All(replies, reply => Assert.Equal("+OK\r\n", reply));
        Assert.True(await DataAsync(c) > 256 * 1024);
        Assert.Equal(":3000\r\n", await c.CommandAsync("DBSIZE"));
        Assert.Equal($"${Value.Length}\r\n{Value}\r\n", await c.CommandAsync("GET", "n:0"));
        Assert.Equal("0", (await InfoAsync(c))["evicted_keys"]);
    }

    /// <summary>
    /// Overwriting keys whose records were spilled: each SET's record is read back from disk before the
    /// SET takes the keyspace lock (a read that waits, outside it), so no write waits for the disk
    /// holding the lock that every other writer needs (issue 17 item 6).
    /// </summary>
    [Fact]
    public async Task Writes_to_spilled_keys_read_them_back_before_taking_the_write_lock()
    {
        await using var node = await NodeProcess.StartAsync(["--maxmemory", "256kb", "--page-size", "64kb"]);
        await using var c = await node.ConnectAsync();
        await PipelineAsync(c, Enumerable.Range(0, 3000).Select(i => new[] { "SET", $"s:{i}", Value }));
        var before = await InfoAsync(c);
        Assert.NotEqual(before["memory_engine_log_begin_address"], before["memory_engine_log_head_address"]);   // spilled

        string newer = new('w', 64);
        var replies = await PipelineAsync(c, Enumerable.Range(0, 300).Select(i => new[] { "SET", $"s:{i}", newer }));
        Assert.All(replies, reply => Assert.Equal("+OK\r\n", reply));
        var after = await InfoAsync(c);
        Assert.True(long.Parse(after["memory_engine_pending_reads"]) - long.Parse(before["memory_engine_pending_reads"]) >= 100,
            "the oldest keys were on disk: their fetches waited for it");
        Assert.Equal(before["memory_engine_pending_writes"], after["memory_engine_pending_writes"]);
        // A pipeline's writes fetch their keys together (PipelinedFetches): every command still wrote its own.
        var mixed = await PipelineAsync(c,
        [
            ["APPEND", "s:300", "!"], ["DEL", "s:301"], ["MSET", "s:302", "a", "s:303", "b"], ["GETSET", "s:304", "c"],
            ["GET", "s:305"], ["SETRANGE", "s:306", "0", "zz"], ["UNLINK", "s:307", "s:308"], ["EXPIRE", "s:309", "1000"],
        ]);
        Assert.Equal([$":{Value.Length + 1}\r\n", ":1\r\n", "+OK\r\n", $"${Value.Length}\r\n{Value}\r\n",
            $"${Value.Length}\r\n{Value}\r\n", $":{Value.Length}\r\n", ":2\r\n", ":1\r\n"], mixed);
        for (int i = 0; i < 300; i++)
            Assert.Equal($"${newer.Length}\r\n{newer}\r\n", await c.CommandAsync("GET", $"s:{i}"));
        Assert.Equal($"${Value.Length + 1}\r\n{Value}!\r\n", await c.CommandAsync("GET", "s:300"));
        Assert.Equal("$1\r\nc\r\n", await c.CommandAsync("GET", "s:304"));
        Assert.Equal($"${Value.Length}\r\nzz{Value[2..]}\r\n", await c.CommandAsync("GET", "s:306"));
        Assert.Equal($"${Value.Length}\r\n{Value}\r\n", await c.CommandAsync("GET", "s:2999"));
        Assert.Equal(":2997\r\n", await c.CommandAsync("DBSIZE"));
    }
}
