using Istore.Tests.Infrastructure;
using Istore.Tests.Net;

namespace Istore.Tests.Node;

/// <summary>
/// Client-side caching: CLIENT TRACKING in default, BCAST, OPTIN, OPTOUT and NOLOOP modes, RESP3
/// pushes and RESP2 redirection to __redis__:invalidate, invalidation by every kind of write, by
/// expiry and by FLUSHALL, the bounded table, and Redis's errors for bad options.
/// </summary>
public abstract class ClientTrackingTests(NodeFixture fixture, RedisServerFixture redis)
{
    private static string Invalidate(params string[] keys) =>
        ">2\r\n$10\r\ninvalidate\r\n*" + keys.Length + "\r\n" + string.Concat(keys.Select(k => $"${k.Length}\r\n{k}\r\n"));

    private static string RedirectedInvalidate(params string[] keys) =>
        "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*" + keys.Length + "\r\n" + string.Concat(keys.Select(k => $"${k.Length}\r\n{k}\r\n"));

    private async Task<RawConnection> Resp3Async()
    {
        var c = await fixture.ConnectAsync();
        await c.ReadValueAfterAsync("HELLO", "3");
        return c;
    }

    private static async Task AssertNothingPendingAsync(RawConnection c)
    {
        // A PING's reply comes first only if no invalidation was queued before it.
        Assert.Equal("+PONG\r\n", await c.CommandAsync("PING"));
    }

    [Fact]
    public async Task A_key_read_by_a_resp3_client_is_invalidated_once_by_any_write()
    {
        await using var reader = await Resp3Async();
        await using var writer = await fixture.ConnectAsync();
        Assert.Equal("+OK\r\n", await reader.CommandAsync("CLIENT", "TRACKING", "on"));
        string[][] writes =
        [
            ["SET", "tr:s", "2"], ["APPEND", "tr:s", "x"], ["DEL", "tr:s"], ["INCR", "tr:s"], ["EXPIRE", "tr:s", "100"],
            ["HSET", "tr:h", "f", "v"], ["RPUSH", "tr:l", "a"], ["SADD", "tr:set", "a"], ["ZADD", "tr:z", "1", "a"],
            ["RENAME", "tr:l", "tr:l2"], ["SETBIT", "tr:s", "1", "1"], ["PFADD", "tr:s2", "a"],
        ];
        foreach (var write in writes)
        {
            var key = write[1];
            await reader.CommandAsync(write[0] is "HSET" ? ["HGETALL", key] : write[0] is "RPUSH" or "RENAME" ? ["LRANGE", key, "0", "-1"]
                : write[0] is "SADD" ? ["SMEMBERS", key] : write[0] is "ZADD" ? ["ZRANGE", key, "0", "-1"] : ["GET", key]);
            await writer.CommandAsync(write);
            Assert.Equal(Invalidate(key), await reader.ReadFrameAsync(TimeSpan.FromSeconds(5)));
            await writer.CommandAsync(write[0] == "RENAME" ? ["SET", key, "again"] : write);   // not read since: no second message
            await AssertNothingPendingAsync(reader);
        }
    }

    [Fact]
    public async Task Resp2_clients_get_invalidations_through_a_redirect_subscribed_to_the_channel()
    {
        await using var sink = await fixture.ConnectAsync();
        await using var reader = await fixture.ConnectAsync();
        await using var writer = await fixture.ConnectAsync();
        var sinkId = (await sink.CommandAsync("CLIENT", "ID")).Trim(':', '\r', '\n');
        await sink.CommandAsync("SUBSCRIBE", "__redis__:invalidate");
        Assert.Equal("+OK\r\n", await reader.CommandAsync("CLIENT", "TRACKING", "on", "REDIRECT", sinkId));
        Assert.Equal($":{sinkId}\r\n", await reader.CommandAsync("CLIENT", "GETREDIR"));
        await reader.CommandAsync("MGET", "rd:a", "rd:b");
        await writer.CommandAsync("MSET", "rd:a", "1", "rd:b", "2");
        Assert.Equal(RedirectedInvalidate("rd:a"), await sink.ReadFrameAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(RedirectedInvalidate("rd:b"), await sink.ReadFrameAsync(TimeSpan.FromSeconds(5)));
        await writer.CommandAsync("FLUSHALL");
        Assert.Equal("*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n$-1\r\n", await sink.ReadFrameAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Bcast_sends_every_key_under_a_prefix_a_command_changed_in_one_message()
    {
        await using var reader = await Resp3Async();
        await using var writer = await fixture.ConnectAsync();
        Assert.Equal("+OK\r\n", await reader.CommandAsync("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "bc:a", "PREFIX", "bc:b"));
        await writer.CommandAsync("MSET", "bc:a2", "1", "bc:a1", "1", "bc:c", "1", "bc:b1", "1");
        Assert.Equal(Invalidate("bc:a1", "bc:a2"), await reader.ReadFrameAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(Invalidate("bc:b1"), await reader.ReadFrameAsync(TimeSpan.FromSeconds(5)));
        await AssertNothingPendingAsync(reader);
        Assert.Equal("%3\r\n$5\r\nflags\r\n~2\r\n$2\r\non\r\n$5\r\nbcast\r\n$8\r\nredirect\r\n:0\r\n$8\r\nprefixes\r\n*2\r\n$4\r\nbc:a\r\n$4\r\nbc:b\r\n",
            await reader.CommandAsync("CLIENT", "TRACKINGINFO"));
    }

    [Fact]
    public async Task Noloop_skips_the_clients_own_writes()
    {
        await using var reader = await Resp3Async();
        await using var writer = await fixture.ConnectAsync();
        await reader.CommandAsync("CLIENT", "TRACKING", "on", "NOLOOP");
        await reader.CommandAsync("GET", "nl:a");
        await reader.CommandAsync("GET", "nl:b");
        await reader.CommandAsync("SET", "nl:a", "mine");
        await writer.CommandAsync("SET", "nl:b", "theirs");
        Assert.Equal(Invalidate("nl:b"), await reader.ReadFrameAsync(TimeSpan.FromSeconds(5)));
        await AssertNothingPendingAsync(reader);
    }

    [Fact]
    public async Task Optin_tracks_only_after_caching_yes_and_optout_skips_after_caching_no()
    {
        await using var optIn = await Resp3Async();
        await using var optOut = await Resp3Async();
        await using var writer = await fixture.ConnectAsync();
        await optIn.CommandAsync("CLIENT", "TRACKING", "on", "OPTIN");
        await optOut.CommandAsync("CLIENT", "TRACKING", "on", "OPTOUT");
        await optIn.CommandAsync("GET", "oi:untracked");
        Assert.Equal("+OK\r\n", await optIn.CommandAsync("CLIENT", "CACHING", "yes"));
        await optIn.CommandAsync("GET", "oi:tracked");
        await optOut.CommandAsync("GET", "oi:tracked");
        Assert.Equal("+OK\r\n", await optOut.CommandAsync("CLIENT", "CACHING", "no"));
        await optOut.CommandAsync("GET", "oi:untracked");
        await writer.CommandAsync("MSET", "oi:untracked", "1", "oi:tracked", "1");
        Assert.Equal(Invalidate("oi:tracked"), await optIn.ReadFrameAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(Invalidate("oi:tracked"), await optOut.ReadFrameAsync(TimeSpan.FromSeconds(5)));
        await AssertNothingPendingAsync(optIn);
        await AssertNothingPendingAsync(optOut);
    }

    /// <summary>As Redis: a script that runs a read tracks the keys it declared (not those it read); one without a read, and EVAL_RO itself, track nothing.</summary>
    [Fact]
    public async Task A_script_that_reads_tracks_its_declared_keys()
    {
        await using var reader = await Resp3Async();
        await using var writer = await fixture.ConnectAsync();
        await reader.CommandAsync("CLIENT", "TRACKING", "on");
        await reader.CommandAsync("EVAL", "redis.call('set', KEYS[1], 'bar')", "3", "st:read", "st:a", "st:b");
        await reader.CommandAsync("EVAL_RO", "redis.call('ping')", "2", "st:a", "st:b");
        await writer.CommandAsync("MSET", "st:a", "1", "st:b", "1", "st:read", "1");
        await AssertNothingPendingAsync(reader);
        await reader.CommandAsync("EVAL", "redis.call('get', 'st:read')", "2", "st:a", "st:b");
        await writer.CommandAsync("MSET", "st:read", "2");
        await AssertNothingPendingAsync(reader);   // read by the script, but not declared
        await writer.CommandAsync("MSET", "st:b", "2", "st:a", "2");
        Assert.Equal(Invalidate("st:b"), await reader.ReadFrameAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(Invalidate("st:a"), await reader.ReadFrameAsync(TimeSpan.FromSeconds(5)));
        await reader.CommandAsync("EVAL_RO", "return redis.call('get', KEYS[1])", "1", "st:a");
        await writer.CommandAsync("SET", "st:a", "3");
        Assert.Equal(Invalidate("st:a"), await reader.ReadFrameAsync(TimeSpan.FromSeconds(5)));
        await AssertNothingPendingAsync(reader);
    }

    /// <summary>As Redis: a served BLMOVE answers before the invalidation its own push causes.</summary>
    [Fact]
    public async Task A_served_blmove_replies_before_invalidating_its_destination()
    {
        await using var reader = await Resp3Async();
        await using var writer = await fixture.ConnectAsync();
        await writer.CommandAsync("DEL", "bm:src", "bm:dst");
        await writer.CommandAsync("RPUSH", "bm:dst", "a");
        await reader.CommandAsync("CLIENT", "TRACKING", "on");
        await reader.CommandAsync("LRANGE", "bm:dst", "0", "-1");
        await reader.SendCommandAsync("BLMOVE", "bm:src", "bm:dst", "LEFT", "LEFT", "0");
        await writer.WaitForBlockedClientsAsync(1);
        await writer.CommandAsync("RPUSH", "bm:src", "foo");
        Assert.Equal("$3\r\nfoo\r\n", await reader.ReadFrameAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(Invalidate("bm:dst"), await reader.ReadFrameAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Expired_keys_and_flushall_invalidate()
    {
        await using var reader = await Resp3Async();
        await using var writer = await fixture.ConnectAsync();
        await reader.CommandAsync("CLIENT", "TRACKING", "on");
        await writer.CommandAsync("SET", "ex:k", "v", "PX", "300");   // long enough to be read (and tracked) before it expires on a busy machine
        await reader.CommandAsync("GET", "ex:k");
        Assert.Equal(Invalidate("ex:k"), await reader.ReadFrameAsync(TimeSpan.FromSeconds(5)));   // active expiry
        await writer.CommandAsync("FLUSHALL");
        Assert.Equal(">2\r\n$10\r\ninvalidate\r\n_\r\n", await reader.ReadFrameAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_full_table_forgets_keys_with_an_invalidation()
    {
        await using var node = await fixture.StartNodeAsync();
        await using var reader = await node.ConnectAsync();
        await reader.ReadValueAfterAsync("HELLO", "3");
        Assert.Equal("+OK\r\n", await reader.CommandAsync("CONFIG", "SET", "tracking-table-max-keys", "2"));
        await reader.CommandAsync("CLIENT", "TRACKING", "on");
        await reader.CommandAsync("GET", "full:1");
        await reader.CommandAsync("GET", "full:2");
        Assert.Equal("_\r\n", await reader.CommandAsync("GET", "full:3"));
        // The third key pushed one out: its reader hears so after the reply, as from Redis's beforeSleep.
        Assert.StartsWith(">2\r\n$10\r\ninvalidate\r\n*1\r\n$6\r\nfull:", await reader.ReadFrameAsync(TimeSpan.FromSeconds(5)));
        var info = await reader.CommandAsync("INFO", "stats");
        Assert.Contains("tracking_total_keys:2", info);

        // Lowering the limit trims the table at once, each key in a message of its own (Redis's tracking suite waits for one).
        await using var admin = await node.ConnectAsync();
        Assert.Equal("+OK\r\n", await admin.CommandAsync("CONFIG", "SET", "tracking-table-max-keys", "1"));
        Assert.StartsWith(">2\r\n$10\r\ninvalidate\r\n*1\r\n$6\r\nfull:", await reader.ReadFrameAsync(TimeSpan.FromSeconds(5)));
        Assert.Contains("tracking_total_keys:1", await admin.CommandAsync("INFO", "stats"));
    }

    /// <summary>Turning tracking off leaves the client's keys in the table, as in Redis; FLUSHALL empties it even when no client tracks any more.</summary>
    [Fact]
    public async Task Flushall_empties_the_table_after_its_clients_stopped_tracking()
    {
        await using var node = await fixture.StartNodeAsync();
        await using var c = await node.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync("CLIENT", "TRACKING", "on"));
        await c.CommandAsync("GET", "stale:1");
        await c.CommandAsync("GET", "stale:2");
        Assert.Equal("+OK\r\n", await c.CommandAsync("CLIENT", "TRACKING", "off"));
        var info = await c.CommandAsync("INFO");
        Assert.Contains("tracking_clients:0\r\n", info);
        Assert.Contains("tracking_total_keys:2\r\n", info);
        Assert.Equal("+OK\r\n", await c.CommandAsync("FLUSHALL"));
        info = await c.CommandAsync("INFO");
        Assert.Contains("tracking_total_keys:0\r\n", info);
        Assert.Contains("tracking_total_items:0\r\n", info);
    }

    [Fact]
    public async Task Bad_options_get_redis_servers_errors()
    {
        await using var c = await fixture.ConnectAsync();
        await using var oracle = await RawConnection.ConnectAsync(redis.Port);
        await OracleScript.AssertSameRepliesAsync(c, oracle,
            "CLIENT TRACKING", "CLIENT TRACKING maybe", "CLIENT TRACKING on PREFIX a", "CLIENT TRACKING on BCAST OPTIN",
            "CLIENT TRACKING on OPTIN OPTOUT", "CLIENT TRACKING on REDIRECT 999999", "CLIENT TRACKING on REDIRECT x",
            "CLIENT TRACKING on BCAST PREFIX ab PREFIX a", "CLIENT TRACKING on BOGUS", "CLIENT CACHING yes",
            "CLIENT GETREDIR", "CLIENT TRACKINGINFO", "CLIENT TRACKING on OPTIN", "CLIENT CACHING no", "CLIENT CACHING maybe",
            "CLIENT TRACKING on OPTOUT", "CLIENT TRACKING on BCAST", "CLIENT GETREDIR", "CLIENT TRACKINGINFO",
            "CLIENT TRACKING off", "CLIENT TRACKING on BCAST PREFIX a", "CLIENT TRACKING on BCAST PREFIX ab", "CLIENT TRACKING off",
            "CLIENT CACHING", "CLIENT GETREDIR x", "CLIENT TRACKINGINFO x");
    }
}
