using System.Net.Sockets;
using Istore.Net.Commands;
using Istore.Net.Resp;
using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node;

/// <summary>
/// Server commands against a real node: INFO CONFIG TIME LASTSAVE SAVE BGSAVE COMMAND SHUTDOWN,
/// the unknown-command error and the maxclients limit. Expected replies are Redis 7's.
/// </summary>
public abstract class ServerCommandTests(NodeFixture fixture)
{
    /// <summary>INFO text as field → value (section headers and blank lines skipped).</summary>
    private static Dictionary<string, string> Fields(string info) => InfoText.Fields(info);

    private static string[] Headers(string info) =>
        info.Split("\r\n").Where(line => line.StartsWith("# ")).ToArray();

    [Fact]
    public async Task Info_has_redis_sections_and_field_names()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "info:k", "v"));
        var info = (await c.ReadValueAfterAsync("INFO")).AsString()!;
        Assert.Equal(new[] { "# Server", "# Clients", "# Memory", "# Persistence", "# Stats", "# Replication", "# CPU", "# Errorstats", "# Keyspace" }, Headers(info));
        Assert.StartsWith("# Server\r\n", info);
        Assert.EndsWith("\r\n", info);
        var fields = Fields(info);
        string[] expected =
        [
            "redis_version", "redis_mode", "os", "arch_bits", "process_id", "run_id", "tcp_port", "uptime_in_seconds", "uptime_in_days", "executable",
            "connected_clients", "maxclients", "blocked_clients",
            "used_memory", "used_memory_human", "used_memory_rss", "used_memory_rss_human", "maxmemory", "maxmemory_policy",
            "loading", "rdb_bgsave_in_progress", "rdb_last_save_time", "rdb_last_bgsave_status", "rdb_saves", "aof_enabled", "aof_rewrite_in_progress", "aof_last_write_status",
            "total_connections_received", "total_commands_processed", "expired_keys", "evicted_keys", "evicted_clients", "keyspace_hits", "keyspace_misses",
            "role", "connected_slaves", "master_repl_offset", "used_cpu_sys", "used_cpu_user", "db0",
        ];
        foreach (var name in expected)
            Assert.True(fields.ContainsKey(name), $"INFO lacks {name}");
        Assert.Equal("standalone", fields["redis_mode"]);
        Assert.Equal(fixture.Node.Port.ToString(), fields["tcp_port"]);
        Assert.Equal(fixture.Node.Pid.ToString(), fields["process_id"]);
        Assert.Equal(40, fields["run_id"].Length);
        Assert.Equal("master", fields["role"]);
        Assert.Equal("0", fields["loading"]);
        Assert.Equal("noeviction", fields["maxmemory_policy"]);
        Assert.True(long.Parse(fields["connected_clients"]) >= 1);
        Assert.Matches(@"^keys=\d+,expires=\d+,avg_ttl=\d+$", fields["db0"]);
    }

    [Fact]
    public async Task Info_selects_sections_and_counts_hits_and_misses()
    {
        await using var c = await fixture.ConnectAsync();
        var clients = (await c.ReadValueAfterAsync("INFO", "clients", "STATS")).AsString()!;
        Assert.Equal(new[] { "# Clients", "# Stats" }, Headers(clients));
        Assert.Equal("# CPU", Headers((await c.ReadValueAfterAsync("INFO", "cpu")).AsString()!).Single());
        Assert.Equal("$0\r\n\r\n", await c.CommandAsync("INFO", "nosuch"));
        Assert.Equal(11, Headers((await c.ReadValueAfterAsync("INFO", "everything")).AsString()!).Length);   // the defaults, Commandstats and Latencystats

        var before = Fields((await c.ReadValueAfterAsync("INFO", "stats")).AsString()!);
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "infostats:k", "v"));
        Assert.Equal("$1\r\nv\r\n", await c.CommandAsync("GET", "infostats:k"));
        Assert.Equal("$-1\r\n", await c.CommandAsync("GET", "infostats:missing"));
        Assert.StartsWith("-ERR value is not an integer", await c.CommandAsync("INCR", "infostats:k"));
        Assert.StartsWith("-ERR unknown command", await c.CommandAsync("NOSUCHCOMMAND"));
        var after = Fields((await c.ReadValueAfterAsync("INFO", "stats")).AsString()!);
        Assert.True(long.Parse(after["keyspace_hits"]) > long.Parse(before["keyspace_hits"]));
        Assert.True(long.Parse(after["keyspace_misses"]) > long.Parse(before["keyspace_misses"]));
        Assert.True(long.Parse(after["total_commands_processed"]) >= long.Parse(before["total_commands_processed"]) + 4);
        Assert.True(long.Parse(after["total_error_replies"]) >= long.Parse(before["total_error_replies"]) + 2);
        Assert.False(after.ContainsKey("rejected_calls"));   // Redis reports rejections per command (INFO commandstats) only
        Assert.Contains("errorstat_ERR:count=", (await c.ReadValueAfterAsync("INFO", "errorstats")).AsString());
    }

    [Fact]
    public async Task Info_is_verbatim_text_under_resp3()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.StartsWith("%7\r\n", await c.CommandAsync("HELLO", "3"));
        var frame = await c.CommandAsync("INFO", "replication");
        Assert.StartsWith("=", frame);
        Assert.Contains("\r\ntxt:# Replication\r\nrole:master\r\nconnected_slaves:0\r\n", frame);
        var value = await c.ReadValueAfterAsync("INFO", "server");
        Assert.Equal(RespType.Verbatim, value.Type);
        Assert.Equal("txt", value.VerbatimFormat);
        Assert.StartsWith("# Server\r\nredis_version:", value.AsString());
    }

    [Fact]
    public async Task Info_keyspace_counts_keys()
    {
        await using var node = await fixture.StartNodeAsync();
        await using var c = await node.ConnectAsync();
        Assert.Equal("$12\r\n# Keyspace\r\n\r\n", await c.CommandAsync("INFO", "keyspace"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("MSET", "a", "1", "b", "2"));
        Assert.StartsWith("# Keyspace\r\ndb0:keys=2,expires=", (await c.ReadValueAfterAsync("INFO", "keyspace")).AsString());
    }

    [Fact]
    public async Task Config_get_matches_globs_case_insensitively()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("*2\r\n$10\r\nmaxclients\r\n$5\r\n10000\r\n", await c.CommandAsync("CONFIG", "GET", "maxclients"));
        Assert.Equal("*2\r\n$10\r\nMAXCLIENTS\r\n$5\r\n10000\r\n", await c.CommandAsync("CONFIG", "GET", "MAXCLIENTS"));
        Assert.Equal("*2\r\n$10\r\nmaxclients\r\n$5\r\n10000\r\n", await c.CommandAsync("CONFIG", "GET", "MAXCLIENT*"));
        Assert.Equal("*2\r\n$11\r\nappendfsync\r\n$8\r\neverysec\r\n", await c.CommandAsync("CONFIG", "GET", "*endfsync"));
        Assert.Equal("*0\r\n", await c.CommandAsync("CONFIG", "GET", "nosuch"));
        Assert.Equal("*2\r\n$11\r\nrequirepass\r\n$0\r\n\r\n", await c.CommandAsync("CONFIG", "GET", "requirepass"));
        var many = await c.ReadValueAfterAsync("CONFIG", "GET", "max*", "port", "maxclients");
        var names = many.Pairs.Select(p => p.Key.AsString()).ToList();
        Assert.Contains("maxclients", names);
        Assert.Contains("maxmemory", names);
        Assert.Contains("port", names);
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.Equal(fixture.Node.Port.ToString(), many.Pairs.Single(p => p.Key.AsString() == "port").Value.AsString());
        Assert.True((await c.ReadValueAfterAsync("CONFIG", "GET", "*")).Count >= 20);

        Assert.StartsWith("%7\r\n", await c.CommandAsync("HELLO", "3"));
        Assert.Equal("%1\r\n$10\r\nmaxclients\r\n$5\r\n10000\r\n", await c.CommandAsync("CONFIG", "GET", "maxclients"));
        Assert.Equal("-ERR wrong number of arguments for 'config|get' command\r\n", await c.CommandAsync("CONFIG", "GET"));
    }

    [Fact]
    public async Task Config_set_changes_live_settings()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync("CONFIG", "SET", "appendfsync", "always"));
        Assert.Equal("*2\r\n$11\r\nappendfsync\r\n$6\r\nalways\r\n", await c.CommandAsync("CONFIG", "GET", "appendfsync"));
        Assert.Contains("aof_fsync_policy:always", (await c.ReadValueAfterAsync("INFO", "persistence")).AsString());
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "configset:k", "v"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("CONFIG", "SET", "APPENDFSYNC", "everysec"));
        Assert.Equal("*2\r\n$11\r\nappendfsync\r\n$8\r\neverysec\r\n", await c.CommandAsync("CONFIG", "GET", "appendfsync"));

        Assert.Equal("+OK\r\n", await c.CommandAsync("CONFIG", "SET", "maxclients", "5000"));
        Assert.Contains("maxclients:5000\r\n", (await c.ReadValueAfterAsync("INFO", "clients")).AsString());
        Assert.Equal("+OK\r\n", await c.CommandAsync("CONFIG", "SET", "maxclients", "10000", "appendfsync", "everysec"));
        Assert.Equal("*2\r\n$10\r\nmaxclients\r\n$5\r\n10000\r\n", await c.CommandAsync("CONFIG", "GET", "maxclients"));
    }

    /// <summary>Redis's "CONFIG sanity": every parameter CONFIG GET * names (but Redis's immutable ones) takes back its own value.</summary>
    [Fact]
    public async Task Config_set_of_each_parameters_own_value_is_accepted()
    {
        await using var c = await fixture.ConnectAsync();
        // The suite's own skip list: Redis's immutable parameters and a few it cannot set back.
        string[] immutable = [.. """
            rdbchecksum daemonize io-threads-do-reads tcp-backlog always-show-logo syslog-enabled cluster-enabled disable-thp aclfile
            unixsocket pidfile syslog-ident appendfilename appenddirname supervised syslog-facility databases io-threads logfile
            unixsocketperm replicaof slaveof requirepass server_cpulist bio_cpulist aof_rewrite_cpulist bgsave_cpulist set-proc-title
            cluster-config-file cluster-port oom-score-adj oom-score-adj-values enable-protected-configs enable-debug-command
            enable-module-command dbfilename dir socket-mark-id
            """.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        var all = await c.ReadValueAfterAsync("CONFIG", "GET", "*");
        foreach (var (name, value) in all.Pairs.Select(p => (p.Key.AsString()!, p.Value.AsString()!)).Where(p => !immutable.Contains(p.Item1) && !p.Item1.StartsWith("tls-", StringComparison.Ordinal)))
            Assert.True("+OK\r\n" == await c.CommandAsync("CONFIG", "SET", name, value), $"CONFIG SET {name} {value}");
        Assert.Equal("-ERR CONFIG SET failed (possibly related to argument 'port') - argument must be between 0 and 65535 inclusive\r\n",
            await c.CommandAsync("CONFIG", "SET", "port", "70000"));
        Assert.Equal("*2\r\n$10\r\nappendonly\r\n$3\r\nyes\r\n", await c.CommandAsync("CONFIG", "GET", "appendonly"));
    }

    [Fact]
    public async Task Config_set_errors_match_redis()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("-ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config\r\n",
            await c.CommandAsync("CONFIG", "SET", "databases", "2"));
        Assert.Equal("-ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'\r\n", await c.CommandAsync("CONFIG", "SET", "nosuch", "1"));
        Assert.Equal("-ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument couldn't be parsed into an integer\r\n",
            await c.CommandAsync("CONFIG", "SET", "maxclients", "abc"));
        Assert.Equal("-ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument must be between 1 and 2147483647 inclusive\r\n",
            await c.CommandAsync("CONFIG", "SET", "maxclients", "0"));
        Assert.StartsWith("-ERR CONFIG SET failed (possibly related to argument 'appendfsync') - argument(s) must be one of the following: ",
            await c.CommandAsync("CONFIG", "SET", "appendfsync", "sometimes"));
        // All or nothing: a bad second pair leaves the first unapplied.
        Assert.StartsWith("-ERR CONFIG SET failed (possibly related to argument 'appendfsync')",
            await c.CommandAsync("CONFIG", "SET", "maxclients", "123", "appendfsync", "sometimes"));
        Assert.Equal("-ERR wrong number of arguments for 'config|set' command\r\n", await c.CommandAsync("CONFIG", "SET", "maxclients"));
        Assert.Equal("-ERR syntax error\r\n", await c.CommandAsync("CONFIG", "SET", "maxclients", "10000", "appendfsync"));
        Assert.Equal("-ERR unknown subcommand 'foo'. Try CONFIG HELP.\r\n", await c.CommandAsync("CONFIG", "foo"));
        Assert.Equal("-ERR wrong number of arguments for 'config' command\r\n", await c.CommandAsync("CONFIG"));
        Assert.Equal("+CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", (await c.CommandAsync("CONFIG", "HELP")).Split("\r\n")[1]);
        Assert.Equal("*2\r\n$10\r\nmaxclients\r\n$5\r\n10000\r\n", await c.CommandAsync("CONFIG", "GET", "maxclients"));
    }

    [Fact]
    public async Task Config_set_requirepass_takes_effect_for_new_connections()
    {
        await using var node = await fixture.StartNodeAsync();
        await using var admin = await node.ConnectAsync();
        Assert.Equal("+OK\r\n", await admin.CommandAsync("CONFIG", "SET", "requirepass", "s3cret"));
        Assert.Equal("*2\r\n$11\r\nrequirepass\r\n$6\r\ns3cret\r\n", await admin.CommandAsync("CONFIG", "GET", "requirepass"));
        await using (var c = await node.ConnectAsync())
        {
            Assert.Equal("-NOAUTH Authentication required.\r\n", await c.CommandAsync("PING"));
            Assert.Equal("+OK\r\n", await c.CommandAsync("AUTH", "s3cret"));
            Assert.Equal("+PONG\r\n", await c.CommandAsync("PING"));
        }
        Assert.Equal("+OK\r\n", await admin.CommandAsync("CONFIG", "SET", "requirepass", ""));
        await using var open = await node.ConnectAsync();
        Assert.Equal("+PONG\r\n", await open.CommandAsync("PING"));
    }

    [Fact]
    public async Task Config_resetstat_zeroes_the_counters()
    {
        await using var node = await fixture.StartNodeAsync();
        await using var c = await node.ConnectAsync();
        Assert.Equal("$-1\r\n", await c.CommandAsync("GET", "missing"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("CONFIG", "RESETSTAT"));
        var stats = Fields((await c.ReadValueAfterAsync("INFO", "stats")).AsString()!);
        Assert.Equal("0", stats["keyspace_misses"]);
        Assert.Equal("0", stats["keyspace_hits"]);
        Assert.Equal("0", stats["expired_keys"]);
        Assert.Equal("-ERR wrong number of arguments for 'config|resetstat' command\r\n", await c.CommandAsync("CONFIG", "RESETSTAT", "x"));
    }

    [Fact]
    public async Task Time_returns_seconds_and_microseconds()
    {
        await using var c = await fixture.ConnectAsync();
        var time = await c.ReadValueAfterAsync("TIME");
        Assert.Equal(2, time.Count);
        Assert.All(time.Items, item => Assert.Equal(RespType.BulkString, item.Type));
        Assert.InRange(time[0].AsInteger(), DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 5, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 5);
        Assert.InRange(time[1].AsInteger(), 0, 999_999);
        Assert.Equal("-ERR wrong number of arguments for 'time' command\r\n", await c.CommandAsync("TIME", "x"));
    }

    [Fact]
    public async Task Save_bgsave_and_lastsave()
    {
        await using var node = await fixture.StartNodeAsync();
        await using var c = await node.ConnectAsync();
        long before = (await c.ReadValueAfterAsync("LASTSAVE")).AsInteger();
        Assert.InRange(before, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "k", "v"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("SAVE"));
        long afterSave = (await c.ReadValueAfterAsync("LASTSAVE")).AsInteger();
        Assert.True(afterSave >= before);
        var persistence = Fields((await c.ReadValueAfterAsync("INFO", "persistence")).AsString()!);
        Assert.Equal("1", persistence["rdb_saves"]);
        Assert.Equal("ok", persistence["rdb_last_bgsave_status"]);

        // Pipelined in one send, the second BGSAVE runs in the same batch: it must see the first in progress.
        await c.SendAsync("BGSAVE\r\nBGSAVE\r\n");
        Assert.Equal("+Background saving started\r\n", await c.ReadFrameAsync());
        Assert.Equal("-ERR Background save already in progress\r\n", await c.ReadFrameAsync());
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((persistence = Fields((await c.ReadValueAfterAsync("INFO", "persistence")).AsString()!))["rdb_saves"] != "2"
               || persistence["rdb_bgsave_in_progress"] != "0")
        {
            Assert.True(DateTime.UtcNow < deadline, "BGSAVE did not finish");
            await Task.Delay(20);
        }
        Assert.Equal("2", persistence["rdb_saves"]);
        Assert.Equal("ok", persistence["rdb_last_bgsave_status"]);
        Assert.True((await c.ReadValueAfterAsync("LASTSAVE")).AsInteger() >= afterSave);
        // Redis's fork figures: the checkpoints begun, and how long the last one held writers while it began.
        var stats = Fields((await c.ReadValueAfterAsync("INFO", "stats")).AsString()!);
        Assert.Equal("2", stats["total_forks"]);
        Assert.InRange(long.Parse(stats["latest_fork_usec"]), 1, 10_000_000);
        Assert.Equal("-ERR syntax error\r\n", await c.CommandAsync("BGSAVE", "foo"));
        Assert.Equal("-ERR wrong number of arguments for 'save' command\r\n", await c.CommandAsync("SAVE", "x"));
        Assert.Equal("-ERR wrong number of arguments for 'lastsave' command\r\n", await c.CommandAsync("LASTSAVE", "x"));
    }

    [Fact]
    public async Task Command_lists_counts_and_describes_the_table()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal($":{CommandTable.All.Count}\r\n", await c.CommandAsync("COMMAND", "COUNT"));
        var all = await c.ReadValueAfterAsync("COMMAND");
        Assert.Equal(CommandTable.All.Count, all.Count);
        Assert.Equal(CommandTable.All.Select(s => s.Name.ToLowerInvariant()).Order(), all.Items.Select(i => i[0].AsString()!).Order());
        Assert.All(all.Items, info => Assert.Equal(10, info.Count));
        var list = await c.ReadValueAfterAsync("COMMAND", "LIST");
        Assert.Equal(CommandTable.All.Count + CommandTable.Subcommands.Count, list.Count);
        Assert.Contains("client|list", list.AsStringArray());
        var scripting = (await c.ReadValueAfterAsync("COMMAND", "LIST", "FILTERBY", "ACLCAT", "scripting")).AsStringArray();
        Assert.Contains("eval", scripting);
        Assert.Contains("script|kill", scripting);
        Assert.DoesNotContain("set", scripting);
        var config = (await c.ReadValueAfterAsync("COMMAND", "LIST", "FILTERBY", "PATTERN", "config*")).AsStringArray();
        Assert.Contains("config", config);
        Assert.Contains("config|get", config);
        Assert.DoesNotContain("client|list", config);
        Assert.Equal(new[] { "expire", "expireat", "expiretime" },
            (await c.ReadValueAfterAsync("COMMAND", "LIST", "FILTERBY", "PATTERN", "expire*")).AsStringArray().Order());

        Assert.StartsWith("*1\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@string\r\n+@fast\r\n",
            await c.CommandAsync("COMMAND", "INFO", "get"));
        Assert.StartsWith("*1\r\n*10\r\n$3\r\ndel\r\n:-2\r\n*1\r\n+write\r\n:1\r\n:-1\r\n:1\r\n*3\r\n+@keyspace\r\n+@write\r\n+@slow\r\n",
            await c.CommandAsync("COMMAND", "INFO", "DEL"));
        Assert.StartsWith("*1\r\n*10\r\n$4\r\nmset\r\n:-3\r\n", await c.CommandAsync("COMMAND", "INFO", "mset"));
        Assert.Equal("*1\r\n$-1\r\n", await c.CommandAsync("COMMAND", "INFO", "nosuch"));
        var two = await c.ReadValueAfterAsync("COMMAND", "INFO", "get", "nosuch");
        Assert.Equal("get", two[0][0].AsString());
        Assert.True(two[1].IsNull);

        var docs = await c.ReadValueAfterAsync("COMMAND", "DOCS", "get");
        var doc = docs.Pairs.Single(p => p.Key.AsString() == "get").Value.Pairs.ToDictionary(p => p.Key.AsString()!, p => p.Value);
        Assert.Equal("string", doc["group"].AsString());
        Assert.False(string.IsNullOrEmpty(doc["summary"].AsString()));
        Assert.Equal(1, doc["arguments"].Count);   // key; CommandDocsOracleTests compares every tree with Redis's
        Assert.Equal("*0\r\n", await c.CommandAsync("COMMAND", "DOCS", "nosuch"));
        Assert.Equal("COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", (await c.ReadValueAfterAsync("COMMAND", "HELP"))[0].AsString());
    }

    [Fact]
    public async Task Command_getkeys_extracts_keys()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("*2\r\n$1\r\na\r\n$1\r\nb\r\n", await c.CommandAsync("COMMAND", "GETKEYS", "mset", "a", "1", "b", "2"));
        Assert.Equal("*1\r\n$1\r\nk\r\n", await c.CommandAsync("COMMAND", "GETKEYS", "GET", "k"));
        Assert.Equal("*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n", await c.CommandAsync("COMMAND", "GETKEYS", "del", "a", "b", "c"));
        Assert.Equal("*2\r\n$1\r\ns\r\n$1\r\nd\r\n", await c.CommandAsync("COMMAND", "GETKEYS", "RENAME", "s", "d"));
        Assert.Equal("-ERR The command has no key arguments\r\n", await c.CommandAsync("COMMAND", "GETKEYS", "ping", "x"));
        Assert.Equal("-ERR Invalid number of arguments specified for command\r\n", await c.CommandAsync("COMMAND", "GETKEYS", "get", "a", "b"));
        Assert.Equal("-ERR Invalid command specified\r\n", await c.CommandAsync("COMMAND", "GETKEYS", "nosuch", "a"));
        Assert.Equal("-ERR wrong number of arguments for 'command|getkeys' command\r\n", await c.CommandAsync("COMMAND", "GETKEYS", "get"));
        Assert.Equal("-ERR wrong number of arguments for 'command|count' command\r\n", await c.CommandAsync("COMMAND", "COUNT", "x"));
        Assert.Equal("-ERR unknown subcommand 'foo'. Try COMMAND HELP.\r\n", await c.CommandAsync("COMMAND", "foo"));
    }

    [Fact]
    public async Task Unknown_commands_are_named_with_their_first_arguments()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("-ERR unknown command 'foo', with args beginning with: 'a' 'b' \r\n", await c.CommandAsync("foo", "a", "b"));
        Assert.Equal("-ERR unknown command 'foo', with args beginning with: \r\n", await c.CommandAsync("foo"));
        Assert.Equal("-ERR unknown command 'FOO', with args beginning with: 'a b' 'c' \r\n", await c.CommandAsync("FOO", "a b", "c"));
        Assert.Equal("+PONG\r\n", await c.CommandAsync("PING"));
    }

    [Fact]
    public async Task Shutdown_abort_and_bad_options_are_errors()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("-ERR No shutdown in progress.\r\n", await c.CommandAsync("SHUTDOWN", "ABORT"));
        Assert.Equal("-ERR syntax error\r\n", await c.CommandAsync("SHUTDOWN", "foo"));
        Assert.Equal("-ERR syntax error\r\n", await c.CommandAsync("SHUTDOWN", "NOSAVE", "SAVE"));
        Assert.Equal("+PONG\r\n", await c.CommandAsync("PING"));
    }

    [Fact]
    public async Task Maxclients_refuses_connections_over_the_limit()
    {
        await using var node = await fixture.StartNodeAsync(["--maxclients", "2"]);
        // The start-up probe's connection may still be counted for a moment: retry until two are in.
        var first = await AcceptedConnectionAsync(node);
        await using var _1 = first;
        var second = await AcceptedConnectionAsync(node);
        await using var _2 = second;
        await using var third = await node.ConnectAsync();
        Assert.Equal("-ERR max number of clients reached\r\n", await third.ReadFrameAsync());
        Assert.True(await third.IsClosedByServerAsync());
        Assert.Equal("+PONG\r\n", await first.CommandAsync("PING"));
        Assert.Contains("maxclients:2\r\n", (await second.ReadValueAfterAsync("INFO", "clients")).AsString());
    }

    private static async Task<RawConnection> AcceptedConnectionAsync(NodeProcess node)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (true)
        {
            var c = await node.ConnectAsync();
            string reply;
            try { reply = await c.CommandAsync("PING"); }
            catch (Exception ex) when (ex is IOException or SocketException) { reply = ex.Message; }
            if (reply == "+PONG\r\n")
                return c;
            await c.DisposeAsync();
            Assert.True(DateTime.UtcNow < deadline, "no connection slot freed up: " + reply);
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Shutdown_closes_the_connection_exits_zero_and_keeps_the_data()
    {
        await using var node = await fixture.StartNodeAsync();
        await using (var c = await node.ConnectAsync())
        {
            Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "shutdown:k", "kept"));
            await c.SendCommandAsync("SHUTDOWN");
            Assert.True(await c.IsClosedByServerAsync(TimeSpan.FromSeconds(30)));
        }
        Assert.Equal(0, await node.WaitForExitAsync());
        await node.RestartAsync();
        await using var again = await node.ConnectAsync();
        Assert.Equal("$4\r\nkept\r\n", await again.CommandAsync("GET", "shutdown:k"));
    }
}
