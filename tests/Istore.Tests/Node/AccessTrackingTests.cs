using System.Text;
using Istore.Tests.Infrastructure;
using Istore.Tests.Net;

namespace Istore.Tests.Node;

/// <summary>
/// Per-key access tracking on each engine: OBJECT IDLETIME grows and resets on use, OBJECT
/// FREQ counts uses under an LFU policy (exactly as redis-server does with lfu-log-factor 0),
/// RESTORE … IDLETIME/FREQ read back, CLIENT NO-TOUCH and OBJECT itself leave keys alone, and the
/// errors of each policy and of bad input are Redis's. Each test has a node of its own, since
/// policies are node-wide.
/// </summary>
public abstract class AccessTrackingTests(string engine, RedisServerFixture redis)
{
    private static long Integer(string reply) => reply[0] == ':' ? long.Parse(reply[1..^2]) : throw new Xunit.Sdk.XunitException("not an integer: " + reply);

    /// <summary>RESTORE key 0 payload options…, the payload sent as bytes; the reply frame.</summary>
    internal static async Task<string> RestoreAsync(RawConnection c, string key, byte[] payload, params string[] options)
    {
        byte[][] args = [Encoding.UTF8.GetBytes("RESTORE"), Encoding.UTF8.GetBytes(key), "0"u8.ToArray(), payload, .. options.Select(Encoding.UTF8.GetBytes)];
        await c.SendAsync(RespEncoding.Command(args));
        return await c.ReadFrameAsync();
    }

    internal static async Task<byte[]> DumpAsync(RawConnection c, string key) => (await c.ReadValueAfterAsync("DUMP", key)).AsBytes()!;

    [Fact]
    public async Task Idletime_grows_while_a_key_is_unused_and_resets_when_it_is_read()
    {
        await using var node = await NodeProcess.StartAsync(["--engine", engine]);
        await using var c = await node.ConnectAsync();
        await c.CommandAsync("SET", "idle:s", "v");
        await c.CommandAsync("HSET", "idle:h", "f", "v");
        Assert.InRange(Integer(await c.CommandAsync("OBJECT", "IDLETIME", "idle:s")), 0, 1);   // a second may tick between
        await Task.Delay(2200);   // the clock counts whole seconds, as Redis's
        foreach (var key in new[] { "idle:s", "idle:h" })
        {
            Assert.InRange(Integer(await c.CommandAsync("OBJECT", "IDLETIME", key)), 2, 4);
            // OBJECT, EXISTS, TYPE and TTL look without using (Redis's LOOKUP_NOTOUCH).
            await c.CommandAsync("EXISTS", key);
            await c.CommandAsync("TYPE", key);
            Assert.InRange(Integer(await c.CommandAsync("OBJECT", "IDLETIME", key)), 2, 4);
        }
        await c.CommandAsync("GET", "idle:s");
        await c.CommandAsync("HGET", "idle:h", "f");
        Assert.InRange(Integer(await c.CommandAsync("OBJECT", "IDLETIME", "idle:s")), 0, 1);
        Assert.InRange(Integer(await c.CommandAsync("OBJECT", "IDLETIME", "idle:h")), 0, 1);
    }

    /// <summary>
    /// Runs <paramref name="script"/> on a node of its own and on redis-server, asserting the same
    /// replies, then <paramref name="after"/> on the node; redis-server's settings are reset whatever happens.
    /// </summary>
    private async Task SameAsRedisAsync(string[] script, Func<RawConnection, Task>? after = null)
    {
        await using var node = await NodeProcess.StartAsync(["--engine", engine]);
        await using var c = await node.ConnectAsync();
        await using var oracle = await RawConnection.ConnectAsync(redis.Port);
        try
        {
            await OracleScript.AssertSameRepliesAsync(c, oracle, script);
            if (after is not null)
                await after(c);
        }
        finally
        {
            await oracle.CommandAsync("CONFIG", "SET", "maxmemory", "0", "maxmemory-policy", "noeviction", "lfu-log-factor", "10");
        }
    }

    [Fact]
    public Task Freq_counts_uses_exactly_as_redis_server_does_with_a_log_factor_of_zero() =>
        SameAsRedisAsync([
            "FLUSHALL", "CONFIG SET maxmemory-policy allkeys-lfu", "CONFIG SET lfu-log-factor 0",
            "SET f:s v", "OBJECT FREQ f:s", "GET f:s", "GET f:s", "OBJECT FREQ f:s", "EXISTS f:s", "OBJECT FREQ f:s",
            "SET f:s w", "OBJECT FREQ f:s", "APPEND f:s x", "OBJECT FREQ f:s", "TOUCH f:s", "OBJECT FREQ f:s",
            "HSET f:h a 1", "OBJECT FREQ f:h", "HGET f:h a", "HSET f:h b 2", "OBJECT FREQ f:h",
            "RPUSH f:l a", "LRANGE f:l 0 -1", "OBJECT FREQ f:l", "OBJECT FREQ f:none",
            "OBJECT IDLETIME f:s", "CONFIG SET maxmemory-policy volatile-lfu", "OBJECT IDLETIME f:s",
            "CONFIG SET maxmemory-policy allkeys-lru", "OBJECT FREQ f:s",
            "CONFIG SET maxmemory-policy noeviction", "OBJECT FREQ f:s", "OBJECT IDLETIME f:none",
            "OBJECT FREQ", "OBJECT IDLETIME a b"],
            // Redis reads its LFU bits as a clock after the switch (its "take some time to adjust");
            // this node keeps both, so the idle time is right at once.
            async c => Assert.InRange(Integer(await c.CommandAsync("OBJECT", "IDLETIME", "f:s")), 0, 1));

    /// <summary>Redis's maxmemory.tcl "small integers are shared" tests: OBJECT REFCOUNT as redis-server answers it.</summary>
    [Fact]
    public Task Refcount_reports_shared_small_integers_unless_an_lru_or_lfu_policy_has_a_limit() =>
        SameAsRedisAsync([
            "FLUSHALL", "CONFIG SET maxmemory 0", "SET rc:a 1", "OBJECT REFCOUNT rc:a", "SET rc:z 0", "OBJECT REFCOUNT rc:z",
            "SET rc:big 10000", "OBJECT REFCOUNT rc:big", "SET rc:neg -1", "OBJECT REFCOUNT rc:neg", "SET rc:s abc", "OBJECT REFCOUNT rc:s",
            "SADD rc:set 1", "OBJECT REFCOUNT rc:set", "OBJECT REFCOUNT rc:none",
            "CONFIG SET maxmemory 1073741824", "CONFIG SET maxmemory-policy allkeys-random", "SET rc:b 2", "OBJECT REFCOUNT rc:b",
            "CONFIG SET maxmemory-policy volatile-lfu", "SET rc:c 3", "OBJECT REFCOUNT rc:c",
            "CONFIG SET maxmemory-policy allkeys-lru", "SET rc:d 4", "OBJECT REFCOUNT rc:d"]);

    [Fact]
    public async Task Freq_rises_logarithmically_with_uses_under_the_default_log_factor()
    {
        await using var node = await NodeProcess.StartAsync(["--engine", engine]);
        await using var c = await node.ConnectAsync();
        await c.CommandAsync("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu");
        await c.CommandAsync("SET", "f:hot", "v");
        await c.CommandAsync("SET", "f:cold", "v");
        var gets = string.Concat(Enumerable.Repeat(RespEncoding.CommandText(Encoding.UTF8, "GET", "f:hot"), 1000));
        await c.SendAsync(gets);
        for (int i = 0; i < 1000; i++)
            await c.ReadFrameAsync();
        long hot = Integer(await c.CommandAsync("OBJECT", "FREQ", "f:hot"));
        // Redis's table for factor 10: 100 hits reach about 10, 1000 about 18; counting starts at 5.
        Assert.InRange(hot, 10, 30);
        Assert.Equal(5, Integer(await c.CommandAsync("OBJECT", "FREQ", "f:cold")));
    }

    [Fact]
    public async Task Restore_sets_the_idle_time_and_the_frequency_it_is_given()
    {
        await using var node = await NodeProcess.StartAsync(["--engine", engine]);
        await using var c = await node.ConnectAsync();
        await c.CommandAsync("SET", "r:src", "value");
        await c.CommandAsync("HSET", "r:hsrc", "f", "v");
        var payload = await DumpAsync(c, "r:src");
        var hashPayload = await DumpAsync(c, "r:hsrc");
        Assert.Equal("+OK\r\n", await RestoreAsync(c, "r:idle", payload, "IDLETIME", "1000"));
        Assert.Equal("+OK\r\n", await RestoreAsync(c, "r:hidle", hashPayload, "IDLETIME", "86400"));
        Assert.InRange(Integer(await c.CommandAsync("OBJECT", "IDLETIME", "r:idle")), 1000, 1002);
        Assert.InRange(Integer(await c.CommandAsync("OBJECT", "IDLETIME", "r:hidle")), 86400, 86402);
        Assert.Equal("$5\r\nvalue\r\n", await c.CommandAsync("GET", "r:idle"));
        Assert.InRange(Integer(await c.CommandAsync("OBJECT", "IDLETIME", "r:idle")), 0, 1);

        await c.CommandAsync("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu");
        Assert.Equal("+OK\r\n", await RestoreAsync(c, "r:freq", payload, "FREQ", "200"));
        Assert.Equal("+OK\r\n", await RestoreAsync(c, "r:freq0", payload, "REPLACE", "FREQ", "0"));
        Assert.Equal(200, Integer(await c.CommandAsync("OBJECT", "FREQ", "r:freq")));
        Assert.Equal(0, Integer(await c.CommandAsync("OBJECT", "FREQ", "r:freq0")));
    }

    [Fact]
    public async Task Restore_refuses_bad_idle_times_and_frequencies_with_redis_errors_and_writes_nothing()
    {
        await using var node = await NodeProcess.StartAsync(["--engine", engine]);
        await using var c = await node.ConnectAsync();
        await c.CommandAsync("SET", "bad:src", "v");
        var payload = await DumpAsync(c, "bad:src");
        string[][] cases =
        [
            ["IDLETIME", "-1"], ["FREQ", "-1"], ["FREQ", "256"], ["IDLETIME", "abc"], ["IDLETIME", "18446744073709551616"],
            ["FREQ", "1.5"], ["IDLETIME", "1", "FREQ", "1"], ["FREQ", "1", "IDLETIME", "1"], ["IDLETIME"],
        ];
        await using var oracle = await RawConnection.ConnectAsync(redis.Port);
        await oracle.CommandAsync("SET", "bad:src", "v");
        var oraclePayload = await DumpAsync(oracle, "bad:src");
        foreach (var options in cases)
        {
            string expected = await RestoreAsync(oracle, "bad:target", oraclePayload, options);
            Assert.StartsWith("-", expected);
            Assert.Equal(expected, await RestoreAsync(c, "bad:target", payload, options));
            Assert.Equal(":0\r\n", await c.CommandAsync("EXISTS", "bad:target"));
        }
        Assert.Equal("+PONG\r\n", await c.CommandAsync("PING"));
    }

    [Fact]
    public async Task No_touch_clients_leave_idle_times_alone_except_through_touch()
    {
        await using var node = await NodeProcess.StartAsync(["--engine", engine]);
        await using var c = await node.ConnectAsync();
        await c.CommandAsync("SET", "nt:src", "v");
        Assert.Equal("+OK\r\n", await RestoreAsync(c, "nt:k", await DumpAsync(c, "nt:src"), "IDLETIME", "500"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("CLIENT", "NO-TOUCH", "on"));
        await c.CommandAsync("GET", "nt:k");
        Assert.InRange(Integer(await c.CommandAsync("OBJECT", "IDLETIME", "nt:k")), 500, 502);
        Assert.Equal(":1\r\n", await c.CommandAsync("TOUCH", "nt:k"));
        Assert.InRange(Integer(await c.CommandAsync("OBJECT", "IDLETIME", "nt:k")), 0, 1);
    }
}
