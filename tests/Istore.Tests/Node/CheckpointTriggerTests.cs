using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node;

/// <summary>
/// When the memory engine checkpoints by itself (Redis's auto-aof-rewrite rule): the log must pass
/// --checkpoint-log-size and also grow by auto-aof-rewrite-percentage of the data the last
/// checkpoint holds (INFO's aof_base_size), since each checkpoint writes the whole dataset. (The disk
/// engine's log is RocksDB's WAL: it grows no log of the node's own.)
/// </summary>
public sealed class CheckpointTriggerTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    private const int ValueBytes = 1000;

    [Fact]
    public async Task Automatic_checkpoints_wait_for_growth_in_proportion_to_the_data_the_last_one_wrote()
    {
        await using var node = await fixture.StartNodeAsync(["--checkpoint-log-size", "1mb"]);
        await WriteAsync(node, "ct:base:", 8000);   // ~8 MB of strings
        // The first megabyte may have started a checkpoint by itself (an empty node's base is 0): SAVE after it.
        await ReplicationGroup.WaitForInfoAsync(node, i => i["rdb_bgsave_in_progress"] == "0", "persistence");
        Assert.Equal("+OK\r\n", await ReplicationGroup.CommandAsync(node, "SAVE"));
        var saved = await ReplicationGroup.InfoAsync(node, "persistence");
        Assert.Equal("0", saved["aof_current_size"]);
        long baseBytes = long.Parse(saved["aof_base_size"]);
        long saves = long.Parse(saved["rdb_saves"]);
        Assert.InRange(baseBytes, 8000L * ValueBytes, 20_000_000);

        await WriteAsync(node, "ct:base:", 3000);   // ~3 MB of log: past the 1 MB minimum, under 100% of the base
        await Task.Delay(2500);                      // the trigger is checked each second
        var info = await ReplicationGroup.InfoAsync(node, "persistence");
        Assert.Equal(saves, long.Parse(info["rdb_saves"]));
        Assert.True(long.Parse(info["aof_current_size"]) > 3000L * ValueBytes, "the log kept the writes since the checkpoint");

        // A lower percentage takes effect at once, as Redis's CONFIG SET.
        Assert.Equal("+OK\r\n", await ReplicationGroup.CommandAsync(node, "CONFIG", "SET", "auto-aof-rewrite-percentage", "25"));
        await ReplicationGroup.WaitForInfoAsync(node, i => long.Parse(i["rdb_saves"]) > saves && i["rdb_bgsave_in_progress"] == "0", "persistence");

        // 0 turns automatic checkpoints off, as in Redis; the writes are still logged.
        Assert.Equal("+OK\r\n", await ReplicationGroup.CommandAsync(node, "CONFIG", "SET", "auto-aof-rewrite-percentage", "0"));
        saves = long.Parse((await ReplicationGroup.WaitForInfoAsync(node, i => i["rdb_bgsave_in_progress"] == "0", "persistence"))["rdb_saves"]);
        await WriteAsync(node, "ct:off:", 12000);
        await Task.Delay(2500);
        info = await ReplicationGroup.InfoAsync(node, "persistence");
        Assert.Equal(saves, long.Parse(info["rdb_saves"]));
        Assert.Equal("-ERR CONFIG SET failed (possibly related to argument 'auto-aof-rewrite-percentage') - argument couldn't be parsed into an integer\r\n",
            await ReplicationGroup.CommandAsync(node, "CONFIG", "SET", "auto-aof-rewrite-percentage", "x"));

        // Nothing acknowledged is lost by waiting longer between checkpoints: the log replays it.
        string digest = await ReplicationGroup.DigestAsync(node);
        node.Kill();
        await node.RestartAsync();
        Assert.Equal(digest, await ReplicationGroup.DigestAsync(node));
        await using var c = await node.ConnectAsync();
        Assert.Equal(8000, (await c.ReadValueAfterAsync("EVAL", "return #redis.call('KEYS', 'ct:base:*')", "0")).AsInteger());
        Assert.Equal(12000, (await c.ReadValueAfterAsync("EVAL", "return #redis.call('KEYS', 'ct:off:*')", "0")).AsInteger());
    }

    /// <summary>Pipelined SETs of <paramref name="count"/> keys with 1,000-byte values, each reply checked.</summary>
    private static async Task WriteAsync(NodeProcess node, string prefix, int count)
    {
        await using var c = await node.ConnectAsync();
        string value = new('v', ValueBytes);
        const int batch = 500;
        for (int start = 0; start < count; start += batch)
        {
            int n = Math.Min(batch, count - start);
            var pipeline = new System.Text.StringBuilder();
            for (int i = start; i < start + n; i++)
                pipeline.Append(RespEncoding.CommandText(System.Text.Encoding.UTF8, "SET", prefix + i, value));
            await c.SendAsync(pipeline.ToString());
            for (int i = 0; i < n; i++)
                Assert.Equal("+OK\r\n", await c.ReadFrameAsync());
        }
    }
}
