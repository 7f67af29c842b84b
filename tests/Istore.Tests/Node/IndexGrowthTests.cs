using Istore.Tests.Infrastructure;
using StackExchange.Redis;

namespace Istore.Tests.Node;

/// <summary>
/// The memory engine's hash index (FASTER's, 1 MB at start) doubles online whenever string keys
/// outnumber four a bucket. Nothing written before, during or after a doubling may be lost, nor
/// across a kill -9 (the index is rebuilt by replaying the log) or a graceful restart (the index
/// comes back at its checkpointed size).
/// </summary>
public class IndexGrowthTests
{
    private const int Keys = 300_000;

    [Fact]
    public async Task The_index_doubles_as_keys_arrive_and_every_key_survives_a_kill_and_a_restart()
    {
        // Two event loops, a connection on each, so the doublings meet writers on two threads.
        await using var node = await NodeProcess.StartAsync(["--threads", "2"]);
        using (var redis = await ConnectionMultiplexer.ConnectAsync(NodeFixture.Options(node.Port)))
        using (var other = await ConnectionMultiplexer.ConnectAsync(NodeFixture.Options(node.Port)))
        {
            var db = redis.GetDatabase();
            var dbs = new[] { db, other.GetDatabase() };
            Assert.Equal(1L << 20, await InfoAsync(db, "memory_engine_index_bytes"));
            for (int first = 0; first < Keys; first += 10_000)
                await Task.WhenAll(Enumerable.Range(first, 10_000).Select(i => dbs[i & 1].StringSetAsync(Key(i), Value(i, 1))));
            // 16,384 buckets at start: 65,536, 131,072 and 262,144 keys each call for a doubling.
            await WaitForIndexAsync(db, 8L << 20);
            Assert.Equal(3, await InfoAsync(db, "memory_engine_index_growths"));
            await Task.WhenAll(Enumerable.Range(0, Keys).Where(i => i % 3 == 0).Select(i => dbs[i & 1].StringSetAsync(Key(i), Value(i, 2))));
            await AssertEveryKeyAsync(db);
        }

        node.Kill();
        await node.RestartAsync();
        using (var redis = await ConnectionMultiplexer.ConnectAsync(NodeFixture.Options(node.Port)))
        {
            var db = redis.GetDatabase();
            await AssertEveryKeyAsync(db);
            await WaitForIndexAsync(db, 8L << 20);   // the log's replay filled a fresh index, and it grew again
        }

        Assert.Equal(0, await node.TerminateAsync());
        await node.RestartAsync();
        using (var redis = await ConnectionMultiplexer.ConnectAsync(NodeFixture.Options(node.Port)))
        {
            var db = redis.GetDatabase();
            Assert.Equal(8L << 20, await InfoAsync(db, "memory_engine_index_bytes"));
            await AssertEveryKeyAsync(db);
        }
    }

    private static async Task WaitForIndexAsync(IDatabase db, long bytes)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await InfoAsync(db, "memory_engine_index_bytes") < bytes)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the index did not reach {bytes} bytes in 30 s");
            await Task.Delay(100);
        }
        Assert.Equal(bytes, await InfoAsync(db, "memory_engine_index_bytes"));
    }

    private static async Task AssertEveryKeyAsync(IDatabase db)
    {
        int lost = 0;
        for (int first = 0; first < Keys; first += 1000)
        {
            var values = await db.StringGetAsync(Enumerable.Range(first, 1000).Select(i => (RedisKey)Key(i)).ToArray());
            for (int i = 0; i < values.Length; i++)
            {
                int key = first + i;
                if ((string?)values[i] != Value(key, key % 3 == 0 ? 2 : 1))
                    lost++;
            }
        }
        Assert.True(lost == 0, $"{lost} of {Keys} acknowledged writes lost or wrong");
        Assert.Equal(Keys, (long)await db.ExecuteAsync("DBSIZE"));
    }

    private static string Key(int i) => $"grow:{i}";

    private static string Value(int key, int round) => $"{key}:{round}";

    private static async Task<long> InfoAsync(IDatabase db, string field) =>
        long.Parse(InfoText.Fields((string)(await db.ExecuteAsync("INFO", "memory"))!)[field]);
}
