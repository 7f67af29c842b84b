using Istore.Tests.Infrastructure;
using Istore.Tests.Net;

namespace Istore.Tests.Node;

/// <summary>
/// INCR's family and TTL changes side by side with a real redis-server 7. The memory engine
/// updates a live integer string, or the expiry of a string that has one, in place in a single
/// engine operation, and falls back to reading and writing for everything else (a new key, a sum
/// with another number of digits, a string without an expiry, an expired key, not an integer, an
/// overflow, a collection): every one of those cases must answer and store exactly as Redis does.
/// </summary>
public abstract class CounterAndTtlUpdateTests(NodeFixture fixture, RedisServerFixture redis)
{
    private Task<ReplyOracle> ConnectAsync() => ReplyOracle.ConnectAsync(fixture, redis);

    /// <summary>A far-future Unix time (2100-01-01) in ms, so expiry times compare exactly.</summary>
    private const long Year2100Ms = 4102444800000;

    /// <summary>Value and expiry time agree on both servers (absolute times: a relative TTL read a moment apart may round apart).</summary>
    private static async Task AgreeOnKeyAsync(ReplyOracle both, string key)
    {
        await both.AgreeAsync("GET", key);
        await both.AgreeAsync("PEXPIRETIME", key);
    }

    [Fact]
    public async Task Counters_keep_their_expiry_across_same_length_and_growing_sums()
    {
        await using var both = await ConnectAsync();
        const string key = "ctr:ttl";
        await both.AgreeAsync("DEL", key);
        await both.AgreeAsync("SET", key, "5", "PXAT", Year2100Ms.ToString());
        foreach (var step in new[] { new[] { "INCR" }, ["INCRBY", "3"], ["INCR"], ["DECRBY", "20"], ["INCR"], ["DECR"], ["INCRBY", "0"],
                     ["INCRBY", "999989"], ["DECRBY", "-1"], ["DECR"], ["INCRBY", "-1000000"] })
        {
            await both.AgreeAsync([step[0], key, .. step[1..]]);
            await AgreeOnKeyAsync(both, key);
        }
        Assert.Equal("$3\r\n-21\r\n", await both.AgreeAsync("GET", key));
    }

    [Fact]
    public async Task Counters_without_an_expiry_stay_without_one()
    {
        await using var both = await ConnectAsync();
        const string key = "ctr:plain";
        await both.AgreeAsync("DEL", key);
        for (int i = 0; i < 12; i++)
        {
            await both.AgreeAsync("INCR", key);
            await AgreeOnKeyAsync(both, key);
        }
        Assert.Equal(":-1\r\n", await both.AgreeAsync("PEXPIRETIME", key));
    }

    [Fact]
    public async Task Non_integers_overflow_and_other_types_are_refused_and_leave_the_value()
    {
        await using var both = await ConnectAsync();
        const string key = "ctr:bad";
        foreach (var value in new[] { "007", " 1", "+1", "1.0", "1a", "", "-0", "99999999999999999999" })
        {
            await both.AgreeAsync("SET", key, value, "PXAT", Year2100Ms.ToString());
            Assert.StartsWith("-ERR", await both.AgreeAsync("INCR", key));
            await both.AgreeAsync("DECRBY", key, "1");
            await AgreeOnKeyAsync(both, key);
        }
        await both.AgreeAsync("SET", key, long.MaxValue.ToString(), "PXAT", Year2100Ms.ToString());
        Assert.StartsWith("-ERR", await both.AgreeAsync("INCR", key));
        Assert.Equal(":9223372036854775806\r\n", await both.AgreeAsync("DECR", key));
        await both.AgreeAsync("SET", key, long.MinValue.ToString(), "PXAT", Year2100Ms.ToString());
        Assert.StartsWith("-ERR", await both.AgreeAsync("DECR", key));
        Assert.Equal(":-9223372036854775807\r\n", await both.AgreeAsync("INCR", key));
        await AgreeOnKeyAsync(both, key);

        await both.AgreeAsync("DEL", key);
        await both.AgreeAsync("HSET", key, "f", "1");
        await both.AgreeAsync("PEXPIREAT", key, Year2100Ms.ToString());
        Assert.StartsWith("-WRONGTYPE", await both.AgreeAsync("INCR", key));
        await both.AgreeAsync("PEXPIREAT", key, (Year2100Ms + 1).ToString());
        await both.AgreeAsync("PEXPIRETIME", key);
        await both.AgreeAsync("HGETALL", key);
    }

    [Fact]
    public async Task Expiry_changes_on_strings_with_and_without_one()
    {
        await using var both = await ConnectAsync();
        const string key = "ctr:expire";
        await both.AgreeAsync("DEL", key);
        await both.AgreeAsync("SET", key, "12");
        await both.AgreeAsync("PEXPIREAT", key, Year2100Ms.ToString());   // no expiry yet: the record grows
        await AgreeOnKeyAsync(both, key);
        await both.AgreeAsync("PEXPIREAT", key, (Year2100Ms + 5000).ToString());   // in place
        await AgreeOnKeyAsync(both, key);
        foreach (var condition in new[] { "NX", "XX", "GT", "LT" })
        {
            await both.AgreeAsync("PEXPIREAT", key, (Year2100Ms - 1000).ToString(), condition);
            await AgreeOnKeyAsync(both, key);
            await both.AgreeAsync("PEXPIREAT", key, (Year2100Ms + 1000).ToString(), condition);
            await AgreeOnKeyAsync(both, key);
        }
        await both.AgreeAsync("PERSIST", key);
        await AgreeOnKeyAsync(both, key);
        await both.AgreeAsync("EXPIREAT", key, (Year2100Ms / 1000).ToString());
        await both.AgreeAsync("INCR", key);
        await AgreeOnKeyAsync(both, key);
        await both.AgreeAsync("EXPIRE", key, "0");   // a time already past deletes the key
        await AgreeOnKeyAsync(both, key);
        await both.AgreeAsync("EXISTS", key);
    }

    [Fact]
    public async Task An_expired_counter_starts_again_from_zero_without_its_expiry()
    {
        await using var both = await ConnectAsync();
        const string key = "ctr:expired";
        const string other = "ctr:expired-expire";
        await both.AgreeAsync("DEL", key, other);
        await both.AgreeAsync("SET", key, "41", "PX", "30");
        await both.AgreeAsync("SET", other, "41", "PX", "30");
        await Task.Delay(200);
        Assert.Equal(":1\r\n", await both.AgreeAsync("INCR", key));
        await AgreeOnKeyAsync(both, key);
        Assert.Equal(":0\r\n", await both.AgreeAsync("EXPIRE", other, "100"));
        await both.AgreeAsync("EXISTS", other);
    }

    [Fact]
    public async Task A_script_of_incr_expire_get_agrees_with_redis()
    {
        await using var both = await ConnectAsync();
        const string script = "redis.call('incr', KEYS[1]) redis.call('expire', KEYS[1], 3600) return redis.call('get', KEYS[1])";
        string sha = (await both.AgreeAsync("SCRIPT", "LOAD", script)).Split("\r\n")[1];
        await both.AgreeAsync("DEL", "ctr:script:1", "ctr:script:2");
        for (int i = 0; i < 12; i++)
        {
            string key = $"ctr:script:{1 + i % 2}";
            await both.AgreeAsync("EVALSHA", sha, "1", key);
            Assert.InRange((await both.Node.ReadValueAfterAsync("TTL", key)).AsInteger(), 3000, 3600);
        }
        Assert.Equal("$1\r\n6\r\n", await both.AgreeAsync("GET", "ctr:script:1"));
    }

    [Fact]
    public async Task An_in_place_increment_touches_watchers()
    {
        await using var c = await fixture.ConnectAsync();
        await using var other = await fixture.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "ctr:watched", "5", "EX", "1000"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("WATCH", "ctr:watched"));
        Assert.Equal(":6\r\n", await other.CommandAsync("INCR", "ctr:watched"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("MULTI"));
        Assert.Equal("+QUEUED\r\n", await c.CommandAsync("SET", "ctr:watched", "0"));
        Assert.Equal("*-1\r\n", await c.CommandAsync("EXEC"));
        Assert.Equal("$1\r\n6\r\n", await c.CommandAsync("GET", "ctr:watched"));

        Assert.Equal("+OK\r\n", await c.CommandAsync("WATCH", "ctr:watched"));
        Assert.Equal(":1\r\n", await other.CommandAsync("PEXPIREAT", "ctr:watched", Year2100Ms.ToString()));
        Assert.Equal("+OK\r\n", await c.CommandAsync("MULTI"));
        Assert.Equal("+QUEUED\r\n", await c.CommandAsync("SET", "ctr:watched", "0"));
        Assert.Equal("*-1\r\n", await c.CommandAsync("EXEC"));
        Assert.Equal($":{Year2100Ms}\r\n", await c.CommandAsync("PEXPIRETIME", "ctr:watched"));
    }
}

public sealed class CounterAndTtlUpdateTestsOnMemory(NodeFixture fixture, RedisServerFixture redis)
    : CounterAndTtlUpdateTests(fixture, redis), IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>;
public sealed class CounterAndTtlUpdateTestsOnDisk(DiskNodeFixture fixture, RedisServerFixture redis)
    : CounterAndTtlUpdateTests(fixture, redis), IClassFixture<DiskNodeFixture>, IClassFixture<RedisServerFixture>;
