using Istore.Tests.Infrastructure;
using Istore.Tests.Net;

namespace Istore.Tests.Node;

/// <summary>
/// Keyspace notifications against redis-server: the same commands on both, a subscriber to every
/// __key*__ channel on each, and the two streams of events must be identical (channel, event,
/// order), class by class; expired events from lazy and active expiry; CONFIG of the classes.
/// </summary>
public abstract class KeyspaceNotificationTests(NodeFixture fixture, RedisServerFixture redis)
{
    /// <summary>Commands of every family Redis notifies for, each line one command; a prefix keeps classes apart.</summary>
    private static readonly string[] Script =
    [
        "SET n:s 1", "SET n:s 2 EX 100", "SETNX n:s 3", "SETNX n:s2 3", "SETEX n:s3 100 x", "PSETEX n:s4 100000 x",
        "GETSET n:s 9", "MSET n:m1 a n:m2 b", "MSETNX n:m1 x n:m3 y", "APPEND n:s x", "APPEND n:a x", "SETRANGE n:s 5 yy",
        "INCR n:i", "DECR n:i", "INCRBY n:i 5", "DECRBY n:i 2", "INCRBYFLOAT n:f 1.5", "GETDEL n:s2", "GETEX n:s3 PERSIST",
        "GETEX n:s4 EX 50", "GET n:missing", "SETBIT n:b 7 1", "BITFIELD n:b SET u8 0 255", "BITOP NOT n:bn n:b",
        "PFADD n:h a b c", "PFADD n:h a", "PFMERGE n:h2 n:h",
        "EXPIRE n:s 100", "PEXPIRE n:s 100000", "PERSIST n:s", "PERSIST n:s", "EXPIRE n:a 0", "RENAME n:m1 n:m9",
        "COPY n:m9 n:c", "DEL n:m9 n:c n:none", "UNLINK n:m2",
        "HSET n:hash a 1 b 2", "HSETNX n:hash a 9", "HSETNX n:hash c 3", "HINCRBY n:hash a 5", "HINCRBYFLOAT n:hash b 0.5",
        "HDEL n:hash a b c", "HDEL n:hash zz",
        "RPUSH n:l a b c d", "LPUSH n:l z", "LPUSHX n:l y", "RPUSHX n:none x", "LSET n:l 0 q", "LINSERT n:l BEFORE a w",
        "LREM n:l 1 w", "LTRIM n:l 0 3", "LPOP n:l", "RPOP n:l", "RPOPLPUSH n:l n:l2", "LMOVE n:l n:l2 LEFT RIGHT",
        "LMPOP 1 n:l2 LEFT COUNT 5",
        "SADD n:set a b c", "SADD n:set a", "SREM n:set a", "SMOVE n:set n:set2 b", "SADD n:s5 x",
        "SINTERSTORE n:si n:set n:set2", "SUNIONSTORE n:su n:set n:set2", "SDIFFSTORE n:sd n:set n:set2", "SPOP n:s5 5",
        "ZADD n:z 1 a 2 b 3 c 4 d", "ZADD n:z INCR 5 a", "ZINCRBY n:z 1 b", "ZADD n:z XX 1 nope", "ZREM n:z c",
        "ZREMRANGEBYSCORE n:z 0 2", "ZADD n:z 1 e 2 f", "ZREMRANGEBYRANK n:z 0 0", "ZADD n:zl 0 a 0 b 0 c",
        "ZREMRANGEBYLEX n:zl [a [b", "ZPOPMIN n:z", "ZPOPMAX n:z", "ZADD n:z 1 g",
        "ZUNIONSTORE n:zu 2 n:z n:zl", "ZINTERSTORE n:zi 2 n:z n:zl", "ZDIFFSTORE n:zd 1 n:z", "ZRANGESTORE n:zr n:zl 0 -1",
        "ZMPOP 1 n:zu MIN COUNT 10",
        "GEOADD n:g 13.361389 38.115556 Palermo 15.087269 37.502669 Catania",
        "GEOSEARCHSTORE n:gs n:g FROMLONLAT 15 37 BYRADIUS 200 km ASC",
        "RPUSH n:sort 3 1 2", "SORT n:sort STORE n:sorted",
    ];

    private static readonly string[] StreamScript =
    [
        "XADD n:x 1-1 f v", "XADD n:x MAXLEN 1 2-1 f v", "XDEL n:x 2-1", "XADD n:x 3-1 f v", "XTRIM n:x MAXLEN 0",
        "XGROUP CREATE n:x g $ MKSTREAM", "XGROUP CREATECONSUMER n:x g bob", "XGROUP SETID n:x g 0",
        "XADD n:x 4-1 f v", "XREADGROUP GROUP g alice STREAMS n:x >", "XGROUP DELCONSUMER n:x g bob", "XGROUP DESTROY n:x g",
        "XSETID n:x 10-1",
    ];

    /// <summary>Subscribes to every keyspace and keyevent channel; returns the connection after the confirmation.</summary>
    private static async Task<RawConnection> SubscribedAsync(Func<Task<RawConnection>> connect)
    {
        var c = await connect();
        await c.SendCommandAsync("PSUBSCRIBE", "__key*__:*");
        await c.ReadFrameAsync();
        return c;
    }

    private static async Task<List<string>> DrainAsync(RawConnection subscriber)
    {
        // A marker PUBLISHed after the script arrives after every event the script caused.
        var events = new List<string>();
        while (true)
        {
            var frame = await subscriber.ReadFrameAsync(TimeSpan.FromSeconds(5));
            if (frame.Contains("end-of-script"))
                return events;
            events.Add(frame);
        }
    }

    private async Task<(List<string> Redis, List<string> Node)> RunOnBothAsync(string classes, params string[] script)
    {
        await using var nodeClient = await fixture.ConnectAsync();
        await using var redisClient = await RawConnection.ConnectAsync(redis.Port);
        await nodeClient.CommandAsync("FLUSHALL");
        await redisClient.CommandAsync("FLUSHALL");
        Assert.Equal("+OK\r\n", await nodeClient.CommandAsync("CONFIG", "SET", "notify-keyspace-events", classes));
        Assert.Equal("+OK\r\n", await redisClient.CommandAsync("CONFIG", "SET", "notify-keyspace-events", classes));
        await using var nodeSubscriber = await SubscribedAsync(fixture.ConnectAsync);
        await using var redisSubscriber = await SubscribedAsync(() => RawConnection.ConnectAsync(redis.Port));
        try
        {
            foreach (var line in script)
            {
                var args = line.Split(' ');
                var expected = await redisClient.CommandAsync(args);
                var actual = await nodeClient.CommandAsync(args);
                Assert.True(expected == actual, $"{line}: redis {expected} istore {actual}");
            }
            await nodeClient.CommandAsync("PUBLISH", "__keyspace@0__:end-of-script", "x");
            await redisClient.CommandAsync("PUBLISH", "__keyspace@0__:end-of-script", "x");
            return (await DrainAsync(redisSubscriber), await DrainAsync(nodeSubscriber));
        }
        finally
        {
            await nodeClient.CommandAsync("CONFIG", "SET", "notify-keyspace-events", "");
            await redisClient.CommandAsync("CONFIG", "SET", "notify-keyspace-events", "");
        }
    }

    private static void AssertSameEvents(List<string> expected, List<string> actual)
    {
        for (int i = 0; i < Math.Min(expected.Count, actual.Count); i++)
            Assert.True(expected[i] == actual[i], $"event {i}: redis {expected[i].Replace("\r\n", " ")} istore {actual[i].Replace("\r\n", " ")}");
        Assert.Equal(expected.Count, actual.Count);
    }

    [Theory]
    [InlineData("KEA")]
    [InlineData("KEAn")]
    [InlineData("Kg")]
    [InlineData("E$")]
    [InlineData("El")]
    [InlineData("Ks")]
    [InlineData("Eh")]
    [InlineData("Kz")]
    [InlineData("Et")]
    [InlineData("Em")]
    [InlineData("KEn")]
    public async Task Every_command_notifies_as_redis_server_does(string classes)
    {
        var (expected, actual) = await RunOnBothAsync(classes, [.. Script, .. StreamScript]);
        if (classes is "KEA" or "KEAn")
            Assert.True(expected.Count > 150, $"the script should cause many events, saw {expected.Count}");
        AssertSameEvents(expected, actual);
    }

    /// <summary>
    /// Redis's edges: SETBIT/BITFIELD that change nothing are silent, LTRIM keeping every element
    /// still says "ltrim", and an empty SORT/GEO STORE result is a "del" only where a destination existed.
    /// </summary>
    [Fact]
    public async Task Writes_that_change_nothing_notify_as_redis_server_does()
    {
        var (expected, actual) = await RunOnBothAsync("KEA",
            "SETBIT e:b 3 1", "SETBIT e:b 3 1", "BITFIELD e:b SET u8 0 16", "SETBIT e:b 3 0",
            "RPUSH e:l a b c", "LTRIM e:l 0 -1", "LTRIM e:l -10 10", "LTRIM e:none 0 1", "LTRIM e:l 5 10",
            "RPUSH e:src 3 1", "SORT e:src STORE e:dst", "SORT e:none STORE e:dst", "SORT e:none STORE e:dst",
            "GEOADD e:g 13.36 38.11 a", "GEOSEARCHSTORE e:gd e:g FROMLONLAT 0 0 BYRADIUS 1 km", "SET e:gd2 x",
            "GEOSEARCHSTORE e:gd2 e:g FROMLONLAT 0 0 BYRADIUS 1 km", "GEORADIUS e:g 0 0 1 km STORE e:gd3",
            "GEORADIUS e:g 0 0 1 km STOREDIST e:gd3", "SET e:gd3 x", "GEORADIUS e:g 0 0 1 km STORE e:gd3");
        Assert.True(expected.Count > 20, $"the script should cause events, saw {expected.Count}");
        AssertSameEvents(expected, actual);
    }

    [Fact]
    public async Task Nothing_is_published_while_notifications_are_off()
    {
        var (expected, actual) = await RunOnBothAsync("", "SET off:a 1", "DEL off:a", "HSET off:h a 1");
        Assert.Empty(expected);
        Assert.Empty(actual);
    }

    [Fact]
    public async Task Keys_expired_on_access_and_by_active_expiry_both_publish_expired()
    {
        await using var c = await fixture.ConnectAsync();
        await c.CommandAsync("CONFIG", "SET", "notify-keyspace-events", "Ex");
        await using var subscriber = await SubscribedAsync(fixture.ConnectAsync);
        try
        {
            await c.CommandAsync("DEBUG", "SET-ACTIVE-EXPIRE", "0");
            await c.CommandAsync("SET", "exp:lazy", "v", "PX", "20");
            await Task.Delay(60);
            Assert.Equal("$-1\r\n", await c.CommandAsync("GET", "exp:lazy"));
            Assert.Contains("__keyevent@0__:expired\r\n$8\r\nexp:lazy", await subscriber.ReadFrameAsync(TimeSpan.FromSeconds(5)));
            await c.CommandAsync("DEBUG", "SET-ACTIVE-EXPIRE", "1");
            await c.CommandAsync("HSET", "exp:active", "f", "v");
            await c.CommandAsync("PEXPIRE", "exp:active", "20");
            // Nobody reads it: the background cycle must remove it and say so.
            Assert.Contains("__keyevent@0__:expired\r\n$10\r\nexp:active", await subscriber.ReadFrameAsync(TimeSpan.FromSeconds(5)));
        }
        finally
        {
            await c.CommandAsync("DEBUG", "SET-ACTIVE-EXPIRE", "1");
            await c.CommandAsync("CONFIG", "SET", "notify-keyspace-events", "");
        }
    }

    [Fact]
    public async Task Class_settings_read_back_and_bad_ones_are_refused_as_redis_does()
    {
        await using var c = await fixture.ConnectAsync();
        await using var oracle = await RawConnection.ConnectAsync(redis.Port);
        await OracleScript.AssertSameRepliesAsync(c, oracle,
            "CONFIG SET notify-keyspace-events gKE", "CONFIG GET notify-keyspace-events",
            "CONFIG SET notify-keyspace-events $lshzxeKE", "CONFIG GET notify-keyspace-events",
            "CONFIG SET notify-keyspace-events KA", "CONFIG GET notify-keyspace-events",
            "CONFIG SET notify-keyspace-events EAm", "CONFIG GET notify-keyspace-events",
            "CONFIG SET notify-keyspace-events Khn", "CONFIG GET notify-keyspace-events",
            "CONFIG SET notify-keyspace-events KEx?", "CONFIG GET notify-keyspace-events",
            "CONFIG SET notify-keyspace-events", "CONFIG SET notify-keyspace-events \"\"", "CONFIG GET notify-keyspace-events");
        await c.CommandAsync("CONFIG", "SET", "notify-keyspace-events", "");
        await oracle.CommandAsync("CONFIG", "SET", "notify-keyspace-events", "");
    }

    [Fact]
    public async Task A_start_option_turns_notifications_on()
    {
        await using var node = await fixture.StartNodeAsync(["--notify-keyspace-events", "KEA"]);
        await using var c = await node.ConnectAsync();
        Assert.Equal("*2\r\n$22\r\nnotify-keyspace-events\r\n$3\r\nAKE\r\n", await c.CommandAsync("CONFIG", "GET", "notify-keyspace-events"));
    }
}
