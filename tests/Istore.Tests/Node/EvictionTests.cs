using System.Text;
using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node;

/// <summary>
/// maxmemory-policy on real nodes of each engine: every policy holds the data (INFO used_memory)
/// under maxmemory while keys are written; volatile-* never takes a key without a TTL and answers
/// -OOM when nothing is left to take; volatile-ttl takes the nearest expiries, LRU the unread keys
/// and LFU the rarely read ones (statistically, with wide margins); evicted keys are announced,
/// invalidated for tracking clients and stay gone after a restart. Each test starts with
/// CONFIG SET maxmemory 0, which makes the disk engine measure its dataset (it measures nothing
/// before a limit may apply); the memory engine's own cases are in MemoryEvictionTests.
/// </summary>
public abstract class EvictionTests(string engine)
{
    internal const string Oom = "-OOM command not allowed when used memory > 'maxmemory'.\r\n";

    /// <summary>The most a write may leave the data over the limit: eviction runs before each write, so one record.</summary>
    internal const long OneRecord = 256;

    internal static async Task<Dictionary<string, string>> InfoAsync(RawConnection c) =>
        InfoText.Fields((await c.ReadValueAfterAsync("INFO", "everything")).AsString()!);

    internal static async Task<long> UsedAsync(RawConnection c) => long.Parse((await InfoAsync(c))["used_memory"]);

    /// <summary>INFO's used_memory_dataset: the estimate of the data alone, without the node's fixed used_memory_startup.</summary>
    internal static async Task<long> DataAsync(RawConnection c) => long.Parse((await InfoAsync(c))["used_memory_dataset"]);

    /// <summary>A maxmemory that leaves room for <paramref name="data"/> bytes of data over used_memory_startup.</summary>
    internal static async Task<long> LimitForDataAsync(RawConnection c, long data) => long.Parse((await InfoAsync(c))["used_memory_startup"]) + data;

    /// <summary>Sends the commands in one pipeline and returns the replies.</summary>
    internal static async Task<List<string>> PipelineAsync(RawConnection c, IEnumerable<string[]> commands)
    {
        var text = new StringBuilder();
        int count = 0;
        foreach (var command in commands)
        {
            text.Append(RespEncoding.CommandText(Encoding.UTF8, command));
            count++;
        }
        await c.SendAsync(text.ToString());
        var replies = new List<string>(count);
        for (int i = 0; i < count; i++)
            replies.Add(await c.ReadFrameAsync());
        return replies;
    }

    internal static readonly string Value = new('v', 64);

    /// <summary>Waits for housekeeping's eviction to bring the data under the limit.</summary>
    internal static async Task WaitUnderLimitAsync(RawConnection c, long limit)
    {
        for (int i = 0; i < 200 && await UsedAsync(c) > limit; i++)
            await Task.Delay(50);
        Assert.True(await UsedAsync(c) <= limit, "still over maxmemory after 10 s");
    }

    internal static async Task<HashSet<string>> KeysAsync(RawConnection c, string pattern) =>
        [.. (await c.ReadValueAfterAsync("KEYS", pattern)).Items.Select(item => item.AsString()!)];

    /// <summary>A node of this engine that measures its dataset (CONFIG SET maxmemory 0: no limit yet).</summary>
    private async Task<NodeProcess> StartAsync()
    {
        var node = await NodeProcess.StartAsync(["--engine", engine]);
        await using var c = await node.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync("CONFIG", "SET", "maxmemory", "0"));
        return node;
    }

    [Fact]
    public async Task Every_policy_keeps_the_data_under_maxmemory_while_keys_are_written()
    {
        await using var node = await StartAsync();
        await using var c = await node.ConnectAsync();
        long limit = await LimitForDataAsync(c, 64 * 1024);
        foreach (var policy in new[] { "allkeys-lru", "allkeys-lfu", "allkeys-random", "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl" })
        {
            await c.CommandAsync("FLUSHALL");
            await c.CommandAsync("CONFIG", "RESETSTAT");
            Assert.Equal("+OK\r\n", await c.CommandAsync("CONFIG", "SET", "maxmemory-policy", policy, "maxmemory", limit.ToString()));
            for (int batch = 0; batch < 10; batch++)
            {
                var replies = await PipelineAsync(c, Enumerable.Range(batch * 200, 200).Select(i => new[] { "SET", $"w:{i}", Value, "EX", (10_000 + i).ToString() }));
                Assert.All(replies, reply => Assert.Equal("+OK\r\n", reply));
                Assert.InRange(await UsedAsync(c), 1, limit + OneRecord);
            }
            var info = await InfoAsync(c);
            long keys = long.Parse((await c.CommandAsync("DBSIZE"))[1..^2]);
            Assert.InRange(keys, 100, 1000);   // about 64 KB / 150 B
            Assert.Equal(2000 - keys, long.Parse(info["evicted_keys"]));
            Assert.Equal(policy, info["maxmemory_policy"]);
            Assert.Equal(limit.ToString(), info["maxmemory"]);
        }
    }

    [Fact]
    public async Task Volatile_policies_take_only_keys_with_a_ttl_and_refuse_writes_when_none_is_left()
    {
        await using var node = await StartAsync();
        await using var c = await node.ConnectAsync();
        foreach (var policy in new[] { "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl" })
        {
            await c.CommandAsync("FLUSHALL");
            await c.CommandAsync("CONFIG", "SET", "maxmemory", "0", "maxmemory-policy", policy);
            await PipelineAsync(c, Enumerable.Range(0, 100).Select(i => new[] { "SET", $"keep:{i}", Value }));
            await c.CommandAsync("HSET", "keep:hash", "f", "v");
            long limit = await UsedAsync(c) + 16 * 1024;
            await c.CommandAsync("CONFIG", "SET", "maxmemory", limit.ToString());
            var replies = await PipelineAsync(c, Enumerable.Range(0, 500).Select(i => new[] { "SETEX", $"ttl:{i}", "10000", Value }));
            Assert.All(replies, reply => Assert.Equal("+OK\r\n", reply));
            Assert.InRange(await UsedAsync(c), 1, limit + OneRecord);
            Assert.Equal(101, (await KeysAsync(c, "keep:*")).Count);

            // Keys without a TTL use up what is left; then nothing may go, and writes are refused.
            replies = await PipelineAsync(c, Enumerable.Range(0, 400).Select(i => new[] { "SET", $"more:{i}", Value }));
            Assert.Equal(Oom, replies[^1]);
            Assert.Empty(await KeysAsync(c, "ttl:*"));
            Assert.Equal(101, (await KeysAsync(c, "keep:*")).Count);
            Assert.Equal(Oom, await c.CommandAsync("HSET", "keep:hash", "g", "v"));
            Assert.Equal(Oom, await c.CommandAsync("MULTI") is "+OK\r\n" ? await c.CommandAsync("SET", "x", "y") : "multi failed");
            Assert.StartsWith("-EXECABORT", await c.CommandAsync("EXEC"));
            // Reads and deletions still run.
            Assert.Equal($"${Value.Length}\r\n{Value}\r\n", await c.CommandAsync("GET", "keep:0"));
            Assert.Equal(":1\r\n", await c.CommandAsync("DEL", "keep:0"));
        }
    }

    /// <summary>
    /// Redis's "Script - disallow write on OOM" (scriptVerifyOOM): with nothing left to evict, a script may
    /// read but not start writing; once it wrote (a DEL) it goes on; allow-oom lets a flagged script write,
    /// and a flagged script without it is refused before it runs.
    /// </summary>
    [Fact]
    public async Task Scripts_may_not_start_writing_when_nothing_can_be_evicted()
    {
        const string scriptOom = "-OOM command not allowed when used memory > 'maxmemory'. script: ";
        await using var node = await StartAsync();
        await using var c = await node.ConnectAsync();
        await c.CommandAsync("SET", "oom:a", "1");
        await c.CommandAsync("CONFIG", "SET", "maxmemory-policy", "volatile-lru", "maxmemory", "1");
        Assert.Equal(Oom, await c.CommandAsync("SET", "oom:x", "1"));
        Assert.StartsWith(scriptOom, await c.CommandAsync("EVAL", "redis.call('set', 'oom:x', 1)", "0"));
        Assert.StartsWith(Oom[..^2], await c.CommandAsync("EVAL", "return redis.pcall('incr', 'oom:a')", "0"));
        Assert.Equal("$1\r\n1\r\n", await c.CommandAsync("EVAL", "return redis.call('get', 'oom:a')", "0"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("EVAL", "redis.call('del', 'oom:a') return redis.call('set', 'oom:x', 1)", "0"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("EVAL", "#!lua flags=allow-oom\nreturn redis.call('set', 'oom:y', 1)", "0"));
        Assert.Equal(Oom, await c.CommandAsync("EVAL", "#!lua\nreturn redis.call('set', 'oom:y', 2)", "0"));
        Assert.Equal("$1\r\n1\r\n", await c.CommandAsync("EVAL", "#!lua flags=no-writes\nreturn redis.call('get', 'oom:y')", "0"));
        Assert.Equal("*3\r\n$-1\r\n$1\r\n1\r\n$1\r\n1\r\n", await c.CommandAsync("MGET", "oom:a", "oom:x", "oom:y"));
    }

    [Fact]
    public async Task Volatile_ttl_takes_the_nearest_expiries_first()
    {
        await using var node = await StartAsync();
        await using var c = await node.ConnectAsync();
        // Expiry rank independent of write order (the memory engine's log order) and of name order (the
        // disk engine's): both sample keys adjacent in their order, so a TTL that follows the names
        // would be sampled in runs (see the README's Eviction).
        var ranks = Enumerable.Range(0, 2000).OrderBy(i => (i * 7919) % 2003).ToList();
        await PipelineAsync(c, ranks.Select((rank, at) => new[] { "SET", $"t:{at}", Value, "EX", (10_000 + rank * 10).ToString() }));
        long limit = await LimitForDataAsync(c, await DataAsync(c) / 2);
        await c.CommandAsync("CONFIG", "SET", "maxmemory-policy", "volatile-ttl", "maxmemory", limit.ToString());
        await WaitUnderLimitAsync(c, limit);
        var left = await KeysAsync(c, "t:*");
        var keptRanks = ranks.Where((_, at) => left.Contains($"t:{at}")).ToHashSet();
        double nearest = Enumerable.Range(0, 500).Count(keptRanks.Contains) / 500.0;
        double farthest = Enumerable.Range(1500, 500).Count(keptRanks.Contains) / 500.0;
        Assert.True(nearest < 0.15 && farthest > 0.85, $"kept {nearest:P0} of the nearest expiries, {farthest:P0} of the farthest");
    }

    [Fact]
    public async Task Lru_takes_unread_keys_before_recently_read_ones()
    {
        await using var node = await StartAsync();
        await using var c = await node.ConnectAsync();
        await PipelineAsync(c, Enumerable.Range(0, 2000).Select(i => new[] { "SET", $"l:{i}", Value }));
        await Task.Delay(2200);   // the LRU clock counts whole seconds
        await PipelineAsync(c, Enumerable.Range(0, 1000).Select(i => new[] { "GET", $"l:{2 * i}" }));
        long limit = await LimitForDataAsync(c, await DataAsync(c) * 6 / 10);
        await c.CommandAsync("CONFIG", "SET", "maxmemory-policy", "allkeys-lru", "maxmemory", limit.ToString());
        await WaitUnderLimitAsync(c, limit);
        var (read, unread) = await SurvivalAsync(c, "l");
        Assert.True(read > 0.95 && unread < 0.35, $"kept {read:P0} of the read keys, {unread:P0} of the unread");
    }

    [Fact]
    public async Task Lfu_takes_rarely_read_keys_before_often_read_ones()
    {
        await using var node = await StartAsync();
        await using var c = await node.ConnectAsync();
        await c.CommandAsync("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu");
        await PipelineAsync(c, Enumerable.Range(0, 2000).Select(i => new[] { "SET", $"f:{i}", Value }));
        for (int round = 0; round < 10; round++)
            await PipelineAsync(c, Enumerable.Range(0, 1000).Select(i => new[] { "GET", $"f:{2 * i}" }));
        long limit = await LimitForDataAsync(c, await DataAsync(c) * 6 / 10);
        await c.CommandAsync("CONFIG", "SET", "maxmemory", limit.ToString());
        await WaitUnderLimitAsync(c, limit);
        var (read, unread) = await SurvivalAsync(c, "f");
        Assert.True(read > 0.95 && unread < 0.35, $"kept {read:P0} of the often read keys, {unread:P0} of the others");
    }

    /// <summary>Of keys prefix:0…1999, the share left of the even (read) ones and of the odd ones.</summary>
    private static async Task<(double Read, double Unread)> SurvivalAsync(RawConnection c, string prefix)
    {
        var left = await KeysAsync(c, prefix + ":*");
        return (Enumerable.Range(0, 1000).Count(i => left.Contains($"{prefix}:{2 * i}")) / 1000.0,
            Enumerable.Range(0, 1000).Count(i => left.Contains($"{prefix}:{2 * i + 1}")) / 1000.0);
    }

    [Fact]
    public async Task Evicted_keys_are_announced_invalidated_for_tracking_clients_and_stay_gone_after_a_restart()
    {
        await using var node = await StartAsync();
        await using (var c = await node.ConnectAsync())
        {
            await PipelineAsync(c, Enumerable.Range(0, 50).Select(i => new[] { "SET", $"e:{i}", Value }));
            await c.CommandAsync("RPUSH", "e:list", "a", "b");
            await c.CommandAsync("CONFIG", "SET", "notify-keyspace-events", "Ee");
            await using var subscriber = await node.ConnectAsync();
            await subscriber.SendCommandAsync("SUBSCRIBE", "__keyevent@0__:evicted");
            await subscriber.ReadFrameAsync();
            await using var tracked = await node.ConnectAsync();
            await tracked.CommandAsync("HELLO", "3");
            await tracked.CommandAsync("CLIENT", "TRACKING", "on");
            await tracked.CommandAsync("GET", "e:7");

            Assert.Equal("+OK\r\n", await c.CommandAsync("CONFIG", "SET", "maxmemory-policy", "allkeys-random", "maxmemory", "1"));
            var evicted = new HashSet<string>();
            while (evicted.Count < 51)
            {
                var message = (await subscriber.ReadValueAsync(TimeSpan.FromSeconds(10))).Items;
                Assert.Equal("__keyevent@0__:evicted", message[1].AsString());
                evicted.Add(message[2].AsString()!);
            }
            Assert.Contains("e:list", evicted);
            Assert.Equal(":0\r\n", await c.CommandAsync("DBSIZE"));
            Assert.Equal("51", (await InfoAsync(c))["evicted_keys"]);
            var invalidation = (await tracked.ReadValueAsync(TimeSpan.FromSeconds(5))).Items;
            Assert.Equal("invalidate", invalidation[0].AsString());
            Assert.Equal("e:7", invalidation[1].Items[0].AsString());
        }
        await node.StopAsync(graceful: false);
        await node.RestartAsync();
        await using var after = await node.ConnectAsync();
        Assert.Equal(":0\r\n", await after.CommandAsync("DBSIZE"));
    }

    /// <summary>Redis's tracking.tcl "Tracking invalidation message of eviction keys should be before response".</summary>
    [Fact]
    public async Task A_tracked_key_evicted_before_a_command_is_invalidated_before_its_reply()
    {
        await using var node = await StartAsync();
        await using var c = await node.ConnectAsync();
        await c.CommandAsync("HELLO", "3");
        Assert.Equal("+OK\r\n", await c.CommandAsync("CLIENT", "TRACKING", "on"));
        var info = await InfoAsync(c);
        Assert.Equal("0", info["lazyfree_pending_objects"]);
        long limit = await UsedAsync(c) - long.Parse(info["mem_not_counted_for_evict"]) + 100 * 1024;
        Assert.Equal("+OK\r\n", await c.CommandAsync("DEBUG", "PAUSE-CRON", "1"));   // only the command evicts, not housekeeping
        Assert.Equal("+OK\r\n", await c.CommandAsync("CONFIG", "SET", "maxmemory", limit.ToString(), "maxmemory-policy", "volatile-random"));
        await c.CommandAsync("SETEX", "volatile-key", "10000", "x");
        await c.CommandAsync("GET", "volatile-key");
        Assert.Equal(":0\r\n", await c.CommandAsync("SETBIT", "big-key", "1600000", "0"));   // 200 KB: over the limit
        await c.SendCommandAsync("GETBIT", "big-key", "0");
        Assert.Equal(">2\r\n$10\r\ninvalidate\r\n*1\r\n$12\r\nvolatile-key\r\n", await c.ReadFrameAsync());
        Assert.Equal(":0\r\n", await c.ReadFrameAsync());
        Assert.Equal(":0\r\n", await c.CommandAsync("EXISTS", "volatile-key"));
    }

    [Fact]
    public async Task Maxmemory_settings_are_validated_as_redis_does()
    {
        await using var node = await StartAsync();
        await using var c = await node.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync("CONFIG", "SET", "maxmemory", "2gb"));
        Assert.Equal("2147483648", (await c.ReadValueAfterAsync("CONFIG", "GET", "maxmemory")).Items[1].AsString());
        Assert.StartsWith("-ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value", await c.CommandAsync("CONFIG", "SET", "maxmemory", "lots"));
        Assert.StartsWith("-ERR CONFIG SET failed (possibly related to argument 'maxmemory-samples')", await c.CommandAsync("CONFIG", "SET", "maxmemory-samples", "0"));
        Assert.StartsWith("-ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy')", await c.CommandAsync("CONFIG", "SET", "maxmemory-policy", "allkeys-mru"));
        Assert.Equal("noeviction", (await c.ReadValueAfterAsync("CONFIG", "GET", "maxmemory-policy")).Items[1].AsString());
    }
}
