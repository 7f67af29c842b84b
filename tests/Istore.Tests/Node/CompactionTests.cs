using Istore.Tests.Infrastructure;
using StackExchange.Redis;

namespace Istore.Tests.Node;

/// <summary>
/// Churn leaves dead records in the engine's log; compaction copies the live ones forward and
/// drops the rest. Nothing live may be lost, before or after a crash.
/// </summary>
public class CompactionTests
{
    [Fact]
    public async Task Compaction_reclaims_overwritten_records_and_keeps_every_live_value()
    {
        // Small pages make the compaction threshold (four pages) a few megabytes.
        await using var node = await NodeProcess.StartAsync(["--page-size", "1mb"]);
        const int keys = 5000;
        using (var redis = await ConnectionMultiplexer.ConnectAsync(NodeFixture.Options(node.Port)))
        {
            var db = redis.GetDatabase();
            // Growing values cannot be updated in place: every round leaves a dead copy of every key.
            for (int round = 1; round <= 8; round++)
                await Task.WhenAll(Enumerable.Range(0, keys).Select(i => db.StringSetAsync($"compact:{i}", Value(i, round))));
            await db.KeyDeleteAsync("compact:0");

            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (Info(await db.ExecuteAsync("INFO", "memory"), "memory_engine_compactions") == 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "no compaction within 30 s");
                await Task.Delay(200);
            }
            var info = await db.ExecuteAsync("INFO", "memory");
            Assert.True(Info(info, "memory_engine_log_begin_address") > 64, "the log's begin did not move");
            await AssertAllValues(db, keys);
        }

        node.Kill();
        await node.RestartAsync();
        using var after = await ConnectionMultiplexer.ConnectAsync(NodeFixture.Options(node.Port));
        await AssertAllValues(after.GetDatabase(), keys);
    }

    [Fact]
    public async Task Flushall_compacts_the_emptied_log_at_once()
    {
        await using var node = await NodeProcess.StartAsync(["--page-size", "1mb"]);
        using var redis = await ConnectionMultiplexer.ConnectAsync(NodeFixture.Options(node.Port));
        var db = redis.GetDatabase();
        await Task.WhenAll(Enumerable.Range(0, 20000).Select(i => db.StringSetAsync($"flush:{i}", new string('f', 100))));
        await db.ExecuteAsync("FLUSHALL");

        // Well before the periodic maintenance (every 5 s) the log's begin reaches its tail.
        var deadline = DateTime.UtcNow.AddSeconds(3);
        RedisResult info;
        while (Info(info = await db.ExecuteAsync("INFO", "memory"), "memory_engine_log_begin_address")
               != Info(info, "memory_engine_log_tail_address"))
        {
            Assert.True(DateTime.UtcNow < deadline, "FLUSHALL did not compact the log");
            await Task.Delay(50);
        }
        Assert.True(await db.StringSetAsync("flush:after", "v"));
        Assert.Equal("v", await db.StringGetAsync("flush:after"));
        Assert.Equal(1, (long)await db.ExecuteAsync("DBSIZE"));
    }

    private static async Task AssertAllValues(IDatabase db, int keys)
    {
        Assert.Equal(keys - 1, (long)await db.ExecuteAsync("DBSIZE"));
        Assert.False(await db.KeyExistsAsync("compact:0"));
        var values = await Task.WhenAll(Enumerable.Range(1, keys - 1).Select(i => db.StringGetAsync($"compact:{i}")));
        for (int i = 1; i < keys; i++)
            Assert.Equal(Value(i, 8), (string?)values[i - 1]);
    }

    private static string Value(int key, int round) => $"{key}:" + new string('v', round * 40);

    private static long Info(RedisResult info, string field) =>
        long.Parse(InfoText.Fields((string)info!)[field]);
}
