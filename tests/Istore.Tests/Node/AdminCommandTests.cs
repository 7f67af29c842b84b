using System.Text;
using System.Text.RegularExpressions;
using Istore.Net.Resp;
using Istore.Tests.Infrastructure;
using Istore.Tests.Net;

namespace Istore.Tests.Node;

/// <summary>
/// The admin surface against redis-server: every CONFIG parameter name, values and refusals in
/// Redis's words, all-or-nothing CONFIG SET; SLOWLOG, LATENCY, INFO commandstats/errorstats,
/// MEMORY, DEBUG, LOLWUT, CLIENT REPLY and UNBLOCK, and their bad input.
/// </summary>
public abstract class AdminCommandTests(NodeFixture fixture, RedisServerFixture redis)
{
    private static List<string> Names(RespValue configGet) =>
        [.. configGet.Items.Where((_, i) => i % 2 == 0).Select(item => item.AsString()!)];

    [Fact]
    public async Task Config_get_star_names_every_parameter_redis_server_has()
    {
        await using var c = await fixture.ConnectAsync();
        await using var oracle = await RawConnection.ConnectAsync(redis.Port);
        var redisNames = Names(await oracle.ReadValueAfterAsync("CONFIG", "GET", "*"));
        var nodeNames = Names(await c.ReadValueAfterAsync("CONFIG", "GET", "*")).ToHashSet();
        Assert.True(redisNames.Count > 180, $"redis-server listed {redisNames.Count}");
        var missing = redisNames.Where(name => !nodeNames.Contains(name)).ToList();
        Assert.True(missing.Count == 0, "missing: " + string.Join(", ", missing));
    }

    [Fact]
    public async Task Stored_parameters_validate_and_read_back_as_redis_server_does()
    {
        await using var c = await fixture.ConnectAsync();
        await using var oracle = await RawConnection.ConnectAsync(redis.Port);
        await OracleScript.AssertSameRepliesAsync(c, oracle,
            "CONFIG SET hash-max-listpack-entries 1000", "CONFIG GET hash-max-listpack-entries", "CONFIG GET hash-max-ziplist-entries",
            "CONFIG SET hash-max-ziplist-value 1kb", "CONFIG GET hash-max-listpack-value",
            "CONFIG SET zset-max-listpack-value 2mb", "CONFIG GET zset-max-listpack-value",
            "CONFIG SET hash-max-listpack-entries -1", "CONFIG SET hash-max-listpack-entries abc",
            "CONFIG SET hash-max-listpack-value 1zb", "CONFIG SET activerehashing maybe", "CONFIG SET activerehashing NO",
            "CONFIG GET activerehashing", "CONFIG SET maxmemory-policy NOEVICTION", "CONFIG GET maxmemory-policy",
            "CONFIG SET maxmemory-policy sometimes", "CONFIG SET loglevel WARNING", "CONFIG GET loglevel",
            "CONFIG SET active-defrag-cycle-min 100", "CONFIG SET list-max-listpack-size -5", "CONFIG GET list-max-ziplist-size",
            "CONFIG SET slowlog-log-slower-than -2", "CONFIG SET daemonize yes", "CONFIG SET no-such-parameter 1",
            "CONFIG SET dir /tmp", "CONFIG SET dbfilename x.rdb", "CONFIG SET dir /tmp daemonize yes", "CONFIG SET daemonize yes dir /tmp",
            "CONFIG GET enable-protected-configs",
            "CONFIG SET lfu-log-factor 5 lfu-log-factor 6", "CONFIG SET lfu-log-factor 5 lfu-decay-time x",
            "CONFIG GET lfu-log-factor", "CONFIG SET lfu-log-factor 7 lfu-decay-time 3", "CONFIG GET lfu-log-factor", "CONFIG GET lfu-decay-time",
            "CONFIG SET lfu-log-factor", "CONFIG SET lfu-log-factor 1 lfu-decay-time", "CONFIG GET", "CONFIG BOGUS", "CONFIG REWRITE",
            "CONFIG SET save \"\"", "CONFIG SET shutdown-on-sigterm nosave now", "CONFIG GET shutdown-on-sigterm",
            "CONFIG SET shutdown-on-sigterm never", "CONFIG GET slave-priority", "CONFIG SET replica-priority 50", "CONFIG GET slave-priority");
        // Restore what other tests of this node might see.
        await c.CommandAsync("CONFIG", "SET", "hash-max-listpack-entries", "512", "hash-max-listpack-value", "64", "zset-max-listpack-value", "64");
    }

    [Fact]
    public async Task Slowlog_keeps_slow_commands_newest_first_cut_to_redis_limits()
    {
        await using var node = await fixture.StartNodeAsync();
        await using var c = await node.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync("CONFIG", "SET", "slowlog-log-slower-than", "0"));
        await c.CommandAsync("SLOWLOG", "RESET");
        await c.CommandAsync("CLIENT", "SETNAME", "slowpoke");
        await c.CommandAsync(["SADD", "sl:set", .. Enumerable.Range(0, 40).Select(i => i.ToString())]);
        await c.CommandAsync("SET", "sl:big", new string('x', 200));
        await c.CommandAsync("CONFIG", "SET", "masterauth", "secret");
        var entries = (await c.ReadValueAfterAsync("SLOWLOG", "GET", "-1")).Items;
        var args = entries.Select(e => string.Join(' ', e.Items[3].Items.Select(a => a.AsString()))).ToList();
        Assert.Equal("config set masterauth (redacted)", args[0].ToLowerInvariant());
        Assert.Equal("SET sl:big " + new string('x', 128) + "... (72 more bytes)", args[1]);
        Assert.Equal(32, entries[2].Items[3].Items.Count);
        Assert.Equal("... (11 more arguments)", entries[2].Items[3].Items[31].AsString());
        Assert.Equal("slowpoke", entries[2].Items[5].AsString());
        Assert.Equal("*2\r\n", (await c.CommandAsync("SLOWLOG", "GET", "2"))[..4]);
        Assert.Equal("+OK\r\n", await c.CommandAsync("CONFIG", "SET", "slowlog-max-len", "1"));
        Assert.Equal(":1\r\n", await c.CommandAsync("SLOWLOG", "LEN"));
        await c.CommandAsync("CONFIG", "SET", "slowlog-log-slower-than", "-1");
        await c.CommandAsync("SLOWLOG", "RESET");
        await c.CommandAsync("GET", "sl:big");
        Assert.Equal(":0\r\n", await c.CommandAsync("SLOWLOG", "LEN"));
        await using var oracle = await RawConnection.ConnectAsync(redis.Port);
        await OracleScript.AssertSameRepliesAsync(c, oracle,
            "SLOWLOG GET -2", "SLOWLOG GET x", "SLOWLOG LEN 1", "SLOWLOG RESET 1", "SLOWLOG BOGUS", "SLOWLOG", "SLOWLOG HELP", "SLOWLOG GET 1 2");
    }

    /// <summary>As Redis: MIGRATE's AUTH password and AUTH2 user and password; a key named like the keyword stays.</summary>
    [Fact]
    public async Task Slowlog_redacts_migrate_credentials()
    {
        await using var node = await fixture.StartNodeAsync();
        await using var c = await node.ConnectAsync();
        await c.CommandAsync("CONFIG", "SET", "slowlog-log-slower-than", "0");
        string port = node.Port.ToString();
        await c.CommandAsync("MIGRATE", "127.0.0.1", port, "sl:k", "0", "5000", "AUTH", "secret");
        await c.CommandAsync("MIGRATE", "127.0.0.1", port, "", "0", "5000", "COPY", "AUTH2", "user", "pw", "KEYS", "AUTH", "k2");
        var entries = (await c.ReadValueAfterAsync("SLOWLOG", "GET", "2")).Items;
        var args = entries.Select(e => string.Join(' ', e.Items[3].Items.Select(a => a.AsString()))).ToList();
        Assert.Equal($"MIGRATE 127.0.0.1 {port}  0 5000 COPY AUTH2 (redacted) (redacted) KEYS AUTH k2", args[0]);
        Assert.Equal($"MIGRATE 127.0.0.1 {port} sl:k 0 5000 AUTH (redacted)", args[1]);
    }

    /// <summary>An active expiry cycle that runs into its time budget (10 ms) is the "expire-cycle" event over a lower threshold.</summary>
    [Fact]
    public async Task A_long_active_expiry_cycle_is_a_latency_event()
    {
        await using var node = await fixture.StartNodeAsync();
        await using var c = await node.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync("CONFIG", "SET", "latency-monitor-threshold", "5"));
        var pipeline = new System.Text.StringBuilder();
        for (int i = 0; i < 50_000; i++)
            pipeline.Append(RespEncoding.CommandText(System.Text.Encoding.UTF8, "SET", $"ec:{i}", "v", "PX", "200"));
        await c.SendAsync(pipeline.ToString());
        for (int i = 0; i < 50_000; i++)
            await c.ReadFrameAsync();
        for (int attempt = 0; !(await c.CommandAsync("LATENCY", "LATEST")).Contains("expire-cycle"); attempt++)
        {
            Assert.True(attempt < 100, "no expire-cycle event: " + await c.CommandAsync("DBSIZE"));
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Latency_monitor_records_commands_over_the_threshold()
    {
        await using var node = await fixture.StartNodeAsync();
        await using var c = await node.ConnectAsync();
        Assert.Contains("Latency monitoring is disabled", await c.CommandAsync("LATENCY", "DOCTOR"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("CONFIG", "SET", "latency-monitor-threshold", "20"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("DEBUG", "SLEEP", "0.05"));
        var latest = (await c.ReadValueAfterAsync("LATENCY", "LATEST")).Items;
        var command = Assert.Single(latest);
        Assert.Equal("command", command.Items[0].AsString());
        Assert.InRange(command.Items[2].AsInteger(), 50, 5000);
        Assert.Single((await c.ReadValueAfterAsync("LATENCY", "HISTORY", "command")).Items);
        Assert.Contains("command", await c.CommandAsync("LATENCY", "GRAPH", "command"));
        Assert.Equal(":1\r\n", await c.CommandAsync("LATENCY", "RESET"));
        Assert.Equal("*0\r\n", await c.CommandAsync("LATENCY", "LATEST"));
        await using var oracle = await RawConnection.ConnectAsync(redis.Port);
        await OracleScript.AssertSameRepliesAsync(c, oracle,
            "LATENCY BOGUS", "LATENCY HISTORY", "LATENCY LATEST 1", "LATENCY HISTORY nothing", "LATENCY RESET nothing", "LATENCY GRAPH nothing");
    }

    /// <summary>Commands of one input are timed from the previous one's end (one clock read each): a fast command after a slow one is not charged the slow one's time.</summary>
    [Fact]
    public async Task Pipelined_commands_are_each_charged_their_own_time_in_commandstats()
    {
        await using var c = await fixture.ConnectAsync();
        await c.CommandAsync("CONFIG", "RESETSTAT");
        await c.SendAsync("*3\r\n$5\r\nDEBUG\r\n$5\r\nSLEEP\r\n$4\r\n0.05\r\n*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$1\r\nx\r\n");
        Assert.Equal("+OK\r\n", await c.ReadFrameAsync());
        Assert.Equal("+PONG\r\n", await c.ReadFrameAsync());
        Assert.Equal("$1\r\nx\r\n", await c.ReadFrameAsync());
        var info = await c.CommandAsync("INFO", "commandstats");
        long Usec(string command) => long.Parse(Regex.Match(info, $@"cmdstat_{command}:calls=1,usec=(\d+),").Groups[1].Value);
        Assert.InRange(Usec("debug"), 50_000, 5_000_000);
        Assert.InRange(Usec("ping"), 0, 25_000);
        Assert.InRange(Usec("echo"), 0, 25_000);
    }

    [Fact]
    public async Task Commandstats_and_errorstats_count_calls_failures_and_rejections_across_loops()
    {
        await using var node = await fixture.StartNodeAsync(["--threads", "2"]);
        var connections = new List<RawConnection>();
        for (int i = 0; i < 4; i++)
            connections.Add(await node.ConnectAsync());
        try
        {
            var c = connections[0];
            await c.CommandAsync("CONFIG", "RESETSTAT");
            foreach (var each in connections)
                await each.CommandAsync("GET", "cs:k");
            await c.CommandAsync("HSET", "cs:h", "f", "v");
            Assert.StartsWith("-WRONGTYPE", await c.CommandAsync("GET", "cs:h"));
            Assert.StartsWith("-ERR wrong number", await c.CommandAsync("GET"));
            Assert.StartsWith("-ERR unknown command", await c.CommandAsync("NOSUCHCOMMAND"));
            var info = await c.CommandAsync("INFO", "commandstats");
            Assert.Matches(@"cmdstat_get:calls=5,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=1,failed_calls=1\r\n", info);
            Assert.Matches(@"cmdstat_hset:calls=1,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=0\r\n", info);
            var errors = await c.CommandAsync("INFO", "errorstats");
            Assert.Contains("errorstat_ERR:count=2\r\n", errors);
            Assert.Contains("errorstat_WRONGTYPE:count=1\r\n", errors);
            var stats = await c.CommandAsync("INFO", "stats");
            Assert.Contains("total_error_replies:3\r\n", stats);
            Assert.Matches(new Regex(@"total_commands_processed:(\d+)"), stats);
            Assert.DoesNotContain("cmdstat_", await c.CommandAsync("INFO"));   // commandstats only when asked for
            Assert.Contains("cmdstat_info", await c.CommandAsync("INFO", "all"));

            // A container's calls show by subcommand, as Redis's (its info suite reads cmdstat_xgroup|createconsumer).
            await c.CommandAsync("CONFIG", "RESETSTAT");
            await c.CommandAsync("XADD", "cs:s", "*", "f", "v");
            Assert.StartsWith("-NOGROUP", await c.CommandAsync("XGROUP", "CREATECONSUMER", "cs:s", "nogroup", "consumer"));
            await c.CommandAsync("CLIENT", "ID");
            info = await c.CommandAsync("INFO", "commandstats");
            Assert.Matches(@"cmdstat_xgroup\|createconsumer:calls=1,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=1\r\n", info);
            Assert.Matches(@"cmdstat_client\|id:calls=1,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=0\r\n", info);
            Assert.DoesNotContain("cmdstat_xgroup:", info);
            Assert.DoesNotContain("cmdstat_client:", info);
        }
        finally
        {
            foreach (var each in connections)
                await each.DisposeAsync();
        }
    }

    [Fact]
    public async Task Client_reply_off_and_skip_silence_replies_until_on()
    {
        await using var c = await fixture.ConnectAsync();
        await c.SendCommandAsync("CLIENT", "REPLY", "OFF");
        await c.SendCommandAsync("SET", "cr:a", "1");
        await c.SendCommandAsync("CLIENT", "REPLY", "SKIP");   // ignored while OFF
        await c.SendCommandAsync("CLIENT", "REPLY", "ON");
        Assert.Equal("+OK\r\n", await c.ReadFrameAsync());
        await c.SendCommandAsync("CLIENT", "REPLY", "SKIP");
        await c.SendCommandAsync("GET", "cr:a");
        await c.SendCommandAsync("GET", "cr:a");
        Assert.Equal("$1\r\n1\r\n", await c.ReadFrameAsync());
        Assert.Equal("-ERR syntax error\r\n", await c.CommandAsync("CLIENT", "REPLY", "MAYBE"));
    }

    [Fact]
    public async Task Client_unblock_ends_a_blocked_command_with_its_timeout_reply_or_an_error()
    {
        await using var blocked = await fixture.ConnectAsync();
        await using var c = await fixture.ConnectAsync();
        var id = (await blocked.CommandAsync("CLIENT", "ID")).Trim(':', '\r', '\n');
        await blocked.SendCommandAsync("BLPOP", "ub:none", "0");
        await c.WaitForBlockedClientsAsync(1);
        Assert.Equal(":1\r\n", await c.CommandAsync("CLIENT", "UNBLOCK", id));
        Assert.Equal("*-1\r\n", await blocked.ReadFrameAsync(TimeSpan.FromSeconds(5)));
        await blocked.SendCommandAsync("BLPOP", "ub:none", "0");
        await c.WaitForBlockedClientsAsync(1);
        Assert.Equal("+OK\r\n", await c.CommandAsync("CONFIG", "RESETSTAT"));
        Assert.Equal(":1\r\n", await c.CommandAsync("CLIENT", "UNBLOCK", id, "ERROR"));
        Assert.Equal("-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n", await blocked.ReadFrameAsync(TimeSpan.FromSeconds(5)));
        // As Redis's info suite ("errorstats: blocking commands"): the late error counts as a failed call and an error reply.
        string stats = (await c.ReadValueAfterAsync("INFO", "stats", "commandstats")).AsString()!;
        Assert.Contains("total_error_replies:1\r\n", stats);
        Assert.Contains("cmdstat_blpop:calls=1,", stats);
        Assert.Contains(",rejected_calls=0,failed_calls=1\r\n", stats);
        Assert.Equal(":0\r\n", await c.CommandAsync("CLIENT", "UNBLOCK", id));
        await using var oracle = await RawConnection.ConnectAsync(redis.Port);
        await OracleScript.AssertSameRepliesAsync(c, oracle, "CLIENT UNBLOCK x", "CLIENT UNBLOCK 999999 MAYBE", "CLIENT UNBLOCK 999999 TIMEOUT", "CLIENT UNBLOCK");
    }

    /// <summary>Redis's introspection suite: CLIENT KILL's refusals, and CLIENT REPLY ON answering the command SKIP was for.</summary>
    [Fact]
    public async Task Client_kill_refuses_and_client_reply_on_answers_as_redis_does()
    {
        await using var c = await fixture.ConnectAsync();
        await using var oracle = await RawConnection.ConnectAsync(redis.Port);
        await OracleScript.AssertSameRepliesAsync(c, oracle,
            "CLIENT KILL", "CLIENT KILL ID 10 wrong_arg", "CLIENT KILL ID str", "CLIENT KILL ID -1", "CLIENT KILL ID 0",
            "CLIENT KILL TYPE wrong_type", "CLIENT KILL USER wrong_user", "CLIENT KILL SKIPME yes_or_no", "CLIENT KILL TYPE master");
        await using var subscriber = await fixture.ConnectAsync();
        await subscriber.CommandAsync("SUBSCRIBE", "ck:channel");
        Assert.Contains("flags=P", await c.CommandAsync("CLIENT", "LIST", "TYPE", "pubsub"));
        Assert.DoesNotContain("flags=P", await c.CommandAsync("CLIENT", "LIST", "TYPE", "normal"));
        Assert.True((await c.ReadValueAfterAsync("CLIENT", "KILL", "TYPE", "pubsub")).AsInteger() >= 1);
        Assert.DoesNotContain("flags=P", await c.CommandAsync("CLIENT", "LIST", "TYPE", "pubsub"));
        foreach (var server in new[] { c, oracle })
        {
            await server.SendAsync("CLIENT REPLY SKIP\r\nCLIENT REPLY ON\r\nPING\r\n"u8.ToArray());
            Assert.Equal("+OK\r\n", await server.ReadFrameAsync(TimeSpan.FromSeconds(5)));
            Assert.Equal("+PONG\r\n", await server.ReadFrameAsync(TimeSpan.FromSeconds(5)));
        }
    }

    /// <summary>GETKEYS and GETKEYSANDFLAGS answer as redis-server does (CommandInfoOracleTests covers every family).</summary>
    [Fact]
    public async Task Command_getkeysandflags_lists_keys_with_access_flags()
    {
        await using var c = await fixture.ConnectAsync();
        await using var oracle = await RawConnection.ConnectAsync(redis.Port);
        await OracleScript.AssertSameRepliesAsync(c, oracle,
            "COMMAND GETKEYSANDFLAGS GET k1", "COMMAND GETKEYSANDFLAGS MGET k1 k2", "COMMAND GETKEYSANDFLAGS PING",
            "COMMAND GETKEYSANDFLAGS", "COMMAND GETKEYSANDFLAGS GET", "COMMAND GETKEYSANDFLAGS NOSUCH k",
            "COMMAND GETKEYS EVAL x 0", "COMMAND GETKEYS EVAL x 1 k", "COMMAND GETKEYS FCALL f 0", "COMMAND GETKEYS ZUNION 0 a",
            "COMMAND GETKEYS PING", "COMMAND GETKEYS SPUBLISH c m", "COMMAND GETKEYSANDFLAGS LPUSH k1 v");
    }

    /// <summary>As Redis's keyspace suite uses it: equal values under other names digest alike, a change or a TTL changes it, a missing key is all zeros.</summary>
    [Fact]
    public async Task Debug_digest_value_digests_each_keys_value_without_its_name()
    {
        await using var c = await fixture.ConnectAsync();
        await c.CommandAsync("DEL", "dv:a", "dv:b", "dv:s1", "dv:s2");
        await c.CommandAsync("RPUSH", "dv:a", "x", "y");
        await c.CommandAsync("COPY", "dv:a", "dv:b");
        await c.CommandAsync("SADD", "dv:s1", "m", "n");
        await c.CommandAsync("SADD", "dv:s2", "n", "m");
        var digests = await c.ReadValueAfterAsync("DEBUG", "DIGEST-VALUE", "dv:a", "dv:b", "dv:s1", "dv:s2", "dv:none");
        Assert.Equal(5, digests.Count);
        string Digest(int i) => digests[i].AsString()!;
        Assert.Matches("^[0-9a-f]{40}$", Digest(0));
        Assert.Equal(Digest(0), Digest(1));
        Assert.Equal(Digest(2), Digest(3));
        Assert.NotEqual(Digest(0), Digest(2));
        Assert.Equal(new string('0', 40), Digest(4));
        await c.CommandAsync("RPUSH", "dv:b", "z");
        Assert.NotEqual(Digest(0), (await c.ReadValueAfterAsync("DEBUG", "DIGEST-VALUE", "dv:b"))[0].AsString());
        await c.CommandAsync("EXPIRE", "dv:s2", "100");
        Assert.NotEqual(Digest(2), (await c.ReadValueAfterAsync("DEBUG", "DIGEST-VALUE", "dv:s2"))[0].AsString());
        Assert.Equal("*0\r\n", await c.CommandAsync("DEBUG", "DIGEST-VALUE"));
    }

    [Fact]
    public async Task Memory_debug_and_lolwut_answer_and_refuse_as_redis_does()
    {
        await using var c = await fixture.ConnectAsync();
        await c.CommandAsync("SET", "mem:s", new string('v', 1000));
        await c.CommandAsync("RPUSH", "mem:l", "a", "b");
        Assert.InRange((await c.ReadValueAfterAsync("MEMORY", "USAGE", "mem:s")).AsInteger(), 1000, 2000);
        Assert.InRange((await c.ReadValueAfterAsync("MEMORY", "USAGE", "mem:l", "SAMPLES", "0")).AsInteger(), 2, 1000);
        Assert.Equal("$-1\r\n", await c.CommandAsync("MEMORY", "USAGE", "mem:none"));
        Assert.Contains("keys.count", await c.CommandAsync("MEMORY", "STATS"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("MEMORY", "PURGE"));
        Assert.StartsWith("+Value at:", await c.CommandAsync("DEBUG", "OBJECT", "mem:l"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("DEBUG", "SLEEP", "0"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "100"));
        Assert.Contains("Redis ver.", await c.CommandAsync("LOLWUT"));
        await using var oracle = await RawConnection.ConnectAsync(redis.Port);
        await OracleScript.AssertSameRepliesAsync(c, oracle,
            "MEMORY BOGUS", "MEMORY USAGE", "MEMORY USAGE k SAMPLES", "MEMORY USAGE k SAMPLES x", "MEMORY USAGE k BOGUS 1",
            "MEMORY STATS x", "MEMORY HELP", "LOLWUT VERSION x");
        // redis-server refuses DEBUG unless enable-debug-command: these are compared with its source.
        Assert.Equal("-ERR no such key\r\n", await c.CommandAsync("DEBUG", "OBJECT", "mem:none"));
        Assert.Equal("-ERR unknown subcommand 'BOGUSSUB'. Try DEBUG HELP.\r\n", await c.CommandAsync("DEBUG", "BOGUSSUB"));
    }

    /// <summary>DEBUG OBJECT looks at the key as stored: one past its TTL but not yet removed is shown, and stays until something reads it.</summary>
    [Fact]
    public async Task Debug_object_shows_an_expired_key_not_yet_removed()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync("DEBUG", "SET-ACTIVE-EXPIRE", "0"));
        try
        {
            Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "dbgobj:k", "value", "PX", "1"));
            await Task.Delay(20);
            Assert.Equal("+Value at:0x0 refcount:1 encoding:raw serializedlength:5 lru:0 lru_seconds_idle:0\r\n", await c.CommandAsync("DEBUG", "OBJECT", "dbgobj:k"));
            Assert.StartsWith("+Value at:", await c.CommandAsync("DEBUG", "OBJECT", "dbgobj:k"));
            Assert.Equal(":0\r\n", await c.CommandAsync("EXISTS", "dbgobj:k"));
            Assert.Equal("-ERR no such key\r\n", await c.CommandAsync("DEBUG", "OBJECT", "dbgobj:k"));
        }
        finally
        {
            Assert.Equal("+OK\r\n", await c.CommandAsync("DEBUG", "SET-ACTIVE-EXPIRE", "1"));
        }
    }

    /// <summary>DEBUG PROTOCOL's test values in RESP2 and RESP3, byte for byte as Redis's debug.c writes them.</summary>
    [Fact]
    public async Task Debug_protocol_writes_each_reply_type_in_the_callers_protocol()
    {
        static string Bulk(string text) => $"${Encoding.UTF8.GetByteCount(text)}\r\n{text}\r\n";
        const string counting = ":0\r\n:1\r\n:2\r\n";
        string attribute = Bulk("Some real reply following the attribute");
        (string Type, string Resp2, string Resp3)[] cases =
        [
            ("string", Bulk("Hello World"), Bulk("Hello World")), ("integer", ":12345\r\n", ":12345\r\n"),
            ("double", Bulk("3.141"), ",3.141\r\n"),
            ("bignum", Bulk("1234567999999999999999999999999999999"), "(1234567999999999999999999999999999999\r\n"),
            ("null", "$-1\r\n", "_\r\n"), ("array", "*3\r\n" + counting, "*3\r\n" + counting), ("set", "*3\r\n" + counting, "~3\r\n" + counting),
            ("map", "*6\r\n:0\r\n:0\r\n:1\r\n:1\r\n:2\r\n:0\r\n", "%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n"),
            ("attrib", attribute, "|1\r\n" + Bulk("key-popularity") + "*2\r\n" + Bulk("key:123") + ":90\r\n" + attribute),
            ("TRUE", ":1\r\n", "#t\r\n"), ("false", ":0\r\n", "#f\r\n"),
            ("verbatim", Bulk("This is a verbatim\nstring"), "=29\r\ntxt:This is a verbatim\nstring\r\n"),
            ("push", "-ERR RESP2 is not supported by this command\r\n", ">2\r\n" + Bulk("server-cpu-usage") + ":42\r\n"),
            ("bogus", "-ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false\r\n", ""),
        ];
        await using var c = await fixture.ConnectAsync();
        foreach (var (type, resp2, _) in cases)
            Assert.Equal(resp2, await c.CommandAsync("DEBUG", "PROTOCOL", type));
        await c.ReadValueAfterAsync("HELLO", "3");
        foreach (var (type, _, resp3) in cases[..^1])
            Assert.Equal(resp3, await c.CommandAsync("DEBUG", "PROTOCOL", type));
        // The push is out of band: the command's own reply follows it.
        Assert.Equal(Bulk("Some real reply following the push reply"), await c.ReadFrameAsync());
        Assert.Equal("-ERR unknown subcommand 'PROTOCOL'. Try DEBUG HELP.\r\n", await c.CommandAsync("DEBUG", "PROTOCOL"));
    }
}
