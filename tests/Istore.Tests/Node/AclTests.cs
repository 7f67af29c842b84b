using System.Security.Cryptography;
using System.Text;
using Istore.Net.Resp;
using Istore.Tests.Infrastructure;
using Istore.Tests.Net;

namespace Istore.Tests.Node;

/// <summary>
/// Redis 7 ACLs on a real node: users and their rules, AUTH/HELLO as a user, NOPERM for commands,
/// keys and channels (at top level, in MULTI/EXEC and from scripts), DELUSER closing connections,
/// ACL LOG/CAT/DRYRUN/GENPASS, requirepass as the default user's password, SLOWLOG redaction, and
/// replies compared with a real redis-server's. Every test names its own users: the node is shared.
/// </summary>
public abstract class AclTests(NodeFixture fixture, RedisServerFixture redis)
{
    private const string WrongPass = "-WRONGPASS invalid username-password pair or user is disabled.\r\n";

    private async Task<RawConnection> LoginAsync(string user, string password)
    {
        var c = await fixture.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync("AUTH", user, password));
        return c;
    }

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public async Task Default_user_is_on_nopass_with_everything()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("$7\r\ndefault\r\n", await c.CommandAsync("ACL", "WHOAMI"));
        var list = (await c.ReadValueAfterAsync("ACL", "LIST")).AsStringArray();
        Assert.Contains("user default on nopass ~* &* +@all", list);
        Assert.Contains("default", (await c.ReadValueAfterAsync("ACL", "USERS")).AsStringArray());
        Assert.Contains(" user=default ", (await c.ReadValueAfterAsync("CLIENT", "INFO")).AsString());
    }

    [Fact]
    public async Task Setuser_rules_show_in_getuser_and_list()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync("ACL", "SETUSER", "acl-show", "on", ">pw1", "~obj:*", "%R~ro:*", "&news.*", "-@all", "+get", "+@hash"));
        var user = (await c.ReadValueAfterAsync("ACL", "GETUSER", "acl-show")).Pairs.ToDictionary(p => p.Key.AsString()!, p => p.Value);
        Assert.Equal(["flags", "passwords", "commands", "keys", "channels", "selectors"], user.Keys);
        Assert.Equal(new string?[] { "on" }, user["flags"].AsStringArray());
        Assert.Equal(new string?[] { Sha256("pw1") }, user["passwords"].AsStringArray());
        Assert.Equal("-@all +@hash +get", user["commands"].AsString());
        Assert.Equal("~obj:* %R~ro:*", user["keys"].AsString());
        Assert.Equal("&news.*", user["channels"].AsString());
        Assert.Contains($"user acl-show on #{Sha256("pw1")} ~obj:* %R~ro:* resetchannels &news.* -@all +@hash +get",
            (await c.ReadValueAfterAsync("ACL", "LIST")).AsStringArray());
        Assert.Equal("$-1\r\n", await c.CommandAsync("ACL", "GETUSER", "acl-nobody"));
    }

    [Fact]
    public async Task Bad_rules_change_nothing_and_get_redis_errors()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("-ERR Error in ACL SETUSER modifier 'bogus': Syntax error\r\n", await c.CommandAsync("ACL", "SETUSER", "acl-bad", "on", "bogus"));
        Assert.Equal("$-1\r\n", await c.CommandAsync("ACL", "GETUSER", "acl-bad"));   // all or nothing: not even created
        Assert.Equal("-ERR Error in ACL SETUSER modifier '+nosuch': Unknown command or category name in ACL\r\n", await c.CommandAsync("ACL", "SETUSER", "acl-bad", "+nosuch"));
        Assert.Equal("-ERR Error in ACL SETUSER modifier '-@nosuch': Unknown command or category name in ACL\r\n", await c.CommandAsync("ACL", "SETUSER", "acl-bad", "-@nosuch"));
        Assert.Equal("-ERR Error in ACL SETUSER modifier '#abc': The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters\r\n",
            await c.CommandAsync("ACL", "SETUSER", "acl-bad", "#abc"));
        Assert.Equal("-ERR Error in ACL SETUSER modifier '<nope': The password you are trying to remove from the user does not exist\r\n", await c.CommandAsync("ACL", "SETUSER", "acl-bad", "<nope"));
        Assert.StartsWith("-ERR Error in ACL SETUSER modifier '~x': Adding a pattern after the * pattern (or the 'allkeys' flag)", await c.CommandAsync("ACL", "SETUSER", "acl-bad", "~*", "~x"));
        Assert.StartsWith("-ERR Error in ACL SETUSER modifier '&x': Adding a pattern after the * pattern (or the 'allchannels' flag)", await c.CommandAsync("ACL", "SETUSER", "acl-bad", "&*", "&x"));
        Assert.Equal("-ERR Error in ACL SETUSER modifier '%X~k': Syntax error\r\n", await c.CommandAsync("ACL", "SETUSER", "acl-bad", "%X~k"));
        Assert.Equal("-ERR Error in ACL SETUSER modifier '+get|': Syntax error\r\n", await c.CommandAsync("ACL", "SETUSER", "acl-bad", "+get|"));
        Assert.Equal("-ERR Error in ACL SETUSER modifier '+config|get|x': Allowing first-arg of a subcommand is not supported\r\n", await c.CommandAsync("ACL", "SETUSER", "acl-bad", "+config|get|x"));
        Assert.Equal("-ERR Usernames can't contain spaces or null characters\r\n", await c.CommandAsync("ACL", "SETUSER", "acl bad"));
        Assert.Equal("$-1\r\n", await c.CommandAsync("ACL", "GETUSER", "acl-bad"));

        Assert.Equal("+OK\r\n", await c.CommandAsync("ACL", "SETUSER", "acl-bad2", "on", "nopass", "+get"));
        Assert.StartsWith("-ERR Error in ACL SETUSER modifier", await c.CommandAsync("ACL", "SETUSER", "acl-bad2", "+set", "bogus"));
        Assert.Contains("user acl-bad2 on nopass resetchannels -@all +get", (await c.ReadValueAfterAsync("ACL", "LIST")).AsStringArray());

        Assert.Equal("-ERR wrong number of arguments for 'acl|getuser' command\r\n", await c.CommandAsync("ACL", "GETUSER"));
        Assert.Equal("-ERR wrong number of arguments for 'acl|help' command\r\n", await c.CommandAsync("ACL", "HELP", "x"));
        Assert.Equal("-ERR unknown subcommand 'NOSUCH'. Try ACL HELP.\r\n", await c.CommandAsync("ACL", "NOSUCH"));
        Assert.Equal("-ERR wrong number of arguments for 'acl' command\r\n", await c.CommandAsync("ACL"));
        Assert.Equal("+PONG\r\n", await c.CommandAsync("PING"));
    }

    [Fact]
    public async Task Auth_and_hello_log_in_as_a_user()
    {
        await using var admin = await fixture.ConnectAsync();
        Assert.Equal("+OK\r\n", await admin.CommandAsync("ACL", "SETUSER", "acl-login", "on", ">secret", "+@all", "~*"));
        Assert.Equal("+OK\r\n", await admin.CommandAsync("ACL", "SETUSER", "acl-off", "off", ">secret", "+@all"));

        await using var c = await fixture.ConnectAsync();
        Assert.Equal(WrongPass, await c.CommandAsync("AUTH", "acl-login", "wrong"));
        Assert.Equal(WrongPass, await c.CommandAsync("AUTH", "acl-off", "secret"));
        Assert.Equal(WrongPass, await c.CommandAsync("AUTH", "acl-nobody", "secret"));
        Assert.Equal("$7\r\ndefault\r\n", await c.CommandAsync("ACL", "WHOAMI"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("AUTH", "acl-login", "secret"));
        Assert.Equal("$9\r\nacl-login\r\n", await c.CommandAsync("ACL", "WHOAMI"));
        Assert.Contains(" user=acl-login ", (await c.ReadValueAfterAsync("CLIENT", "INFO")).AsString());
        Assert.Equal("-ERR syntax error\r\n", await c.CommandAsync("AUTH", "a", "b", "c"));

        await using var h = await fixture.ConnectAsync();
        Assert.Equal(WrongPass, await h.CommandAsync("HELLO", "3", "AUTH", "acl-login", "wrong"));
        var hello = await h.ReadValueAfterAsync("HELLO", "3", "AUTH", "acl-login", "secret");
        Assert.Equal(RespType.Map, hello.Type);
        Assert.Equal("$9\r\nacl-login\r\n", await h.CommandAsync("ACL", "WHOAMI"));
        Assert.Equal("+RESET\r\n", await h.CommandAsync("RESET"));
        Assert.Equal("$7\r\ndefault\r\n", await h.CommandAsync("ACL", "WHOAMI"));
    }

    [Fact]
    public async Task Commands_keys_and_channels_outside_the_rules_get_noperm()
    {
        await using var admin = await fixture.ConnectAsync();
        Assert.Equal("+OK\r\n", await admin.CommandAsync("ACL", "SETUSER", "acl-perm", "on", ">p", "-@all", "+get", "+set", "+publish", "+subscribe",
            "+config|get", "+select|0", "~perm:*", "%R~ro:*", "&news.*"));
        await using var c = await LoginAsync("acl-perm", "p");
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "perm:1", "v"));
        Assert.Equal("$1\r\nv\r\n", await c.CommandAsync("GET", "perm:1"));
        Assert.Equal("-NOPERM this user has no permissions to run the 'del' command\r\n", await c.CommandAsync("DEL", "perm:1"));
        Assert.Equal("-NOPERM this user has no permissions to access one of the keys used as arguments\r\n", await c.CommandAsync("GET", "other"));
        Assert.Equal("$-1\r\n", await c.CommandAsync("GET", "ro:1"));
        Assert.Equal("-NOPERM this user has no permissions to access one of the keys used as arguments\r\n", await c.CommandAsync("SET", "ro:1", "v"));
        Assert.Equal(":0\r\n", await c.CommandAsync("PUBLISH", "news.today", "m"));
        Assert.Equal("-NOPERM this user has no permissions to access one of the channels used as arguments\r\n", await c.CommandAsync("PUBLISH", "sports", "m"));
        Assert.Equal("-NOPERM this user has no permissions to access one of the channels used as arguments\r\n", await c.CommandAsync("SUBSCRIBE", "news.a", "sports"));
        Assert.Equal("-NOPERM this user has no permissions to run the 'config|set' command\r\n", await c.CommandAsync("CONFIG", "SET", "maxmemory", "0"));
        Assert.Equal(2, (await c.ReadValueAfterAsync("CONFIG", "GET", "maxmemory")).Count);
        Assert.Equal("+OK\r\n", await c.CommandAsync("SELECT", "0"));
        Assert.Equal("-NOPERM this user has no permissions to run the 'select' command\r\n", await c.CommandAsync("SELECT", "1"));
        Assert.Equal("-NOPERM this user has no permissions to run the 'ping' command\r\n", await c.CommandAsync("PING"));
        Assert.Equal("$-1\r\n", await admin.CommandAsync("GET", "ro:1"));   // the refused SET wrote nothing
    }

    [Fact]
    public async Task Transactions_check_at_queue_time_and_again_at_exec()
    {
        await using var admin = await fixture.ConnectAsync();
        Assert.Equal("+OK\r\n", await admin.CommandAsync("ACL", "SETUSER", "acl-multi", "on", ">p", "-@all", "+multi", "+exec", "+get", "+set", "~*"));
        await using var c = await LoginAsync("acl-multi", "p");
        Assert.Equal("+OK\r\n", await c.CommandAsync("MULTI"));
        Assert.Equal("-NOPERM this user has no permissions to run the 'incr' command\r\n", await c.CommandAsync("INCR", "multi:n"));
        Assert.Equal("-EXECABORT Transaction discarded because of previous errors.\r\n", await c.CommandAsync("EXEC"));

        Assert.Equal("+OK\r\n", await c.CommandAsync("MULTI"));
        Assert.Equal("+QUEUED\r\n", await c.CommandAsync("SET", "multi:k", "v"));
        Assert.Equal("+QUEUED\r\n", await c.CommandAsync("GET", "multi:k"));
        Assert.Equal("+OK\r\n", await admin.CommandAsync("ACL", "SETUSER", "acl-multi", "-set"));
        Assert.Equal("*2\r\n-NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This command is no longer allowed for the following reason: no permission to execute the command or subcommand\r\n$-1\r\n",
            await c.CommandAsync("EXEC"));
        var log = (await admin.ReadValueAfterAsync("ACL", "LOG", "1"))[0].Pairs.ToDictionary(p => p.Key.AsString()!, p => p.Value.AsString());
        Assert.Equal("multi", log["context"]);
        Assert.Equal("set", log["object"]);
    }

    [Fact]
    public async Task Scripts_run_with_the_callers_permissions()
    {
        await using var admin = await fixture.ConnectAsync();
        Assert.Equal("+OK\r\n", await admin.CommandAsync("ACL", "SETUSER", "acl-lua", "on", ">p", "-@all", "+eval", "+get", "~lua:*"));
        await using var c = await LoginAsync("acl-lua", "p");
        Assert.Equal("$-1\r\n", await c.CommandAsync("EVAL", "return redis.call('get', KEYS[1])", "1", "lua:1"));
        Assert.StartsWith("-ERR The user executing the script can't run this command or subcommand", await c.CommandAsync("EVAL", "return redis.call('set', KEYS[1], 'x')", "1", "lua:1"));
        Assert.StartsWith("-ERR The user executing the script can't access at least one of the keys mentioned in the command arguments",
            await c.CommandAsync("EVAL", "return redis.call('get', 'other')", "0"));
        Assert.Equal("-NOPERM this user has no permissions to access one of the keys used as arguments\r\n", await c.CommandAsync("EVAL", "return 1", "1", "other"));
        Assert.Equal(":1\r\n", await c.CommandAsync("EVAL", "return redis.acl_check_cmd('get', 'lua:1')", "0"));
        Assert.Equal("$-1\r\n", await c.CommandAsync("EVAL", "return redis.acl_check_cmd('set', 'lua:1', 'x')", "0"));
        Assert.StartsWith("-ERR Invalid command passed to redis.acl_check_cmd()", await c.CommandAsync("EVAL", "return redis.acl_check_cmd('nosuch')", "0"));
        var log = (await admin.ReadValueAfterAsync("ACL", "LOG", "1"))[0].Pairs.ToDictionary(p => p.Key.AsString()!, p => p.Value.AsString());
        Assert.Equal("toplevel", log["context"]);
        Assert.Equal("other", log["object"]);
        Assert.Equal("$-1\r\n", await admin.CommandAsync("GET", "lua:1"));
    }

    [Fact]
    public async Task Deleting_a_user_closes_its_connections()
    {
        await using var admin = await fixture.ConnectAsync();
        Assert.Equal("+OK\r\n", await admin.CommandAsync("ACL", "SETUSER", "acl-gone", "on", ">p", "+@all", "~*"));
        await using var victim = await LoginAsync("acl-gone", "p");
        await using var self = await LoginAsync("acl-gone", "p");
        Assert.Equal("-ERR The 'default' user cannot be removed\r\n", await admin.CommandAsync("ACL", "DELUSER", "acl-gone", "default"));
        Assert.Equal("+PONG\r\n", await victim.CommandAsync("PING"));
        Assert.Equal(":1\r\n", await self.CommandAsync("ACL", "DELUSER", "acl-gone", "acl-never-existed"));
        Assert.True(await self.IsClosedByServerAsync(TimeSpan.FromSeconds(10)));
        Assert.True(await victim.IsClosedByServerAsync(TimeSpan.FromSeconds(10)));
        Assert.DoesNotContain("user=acl-gone", (await admin.ReadValueAfterAsync("CLIENT", "LIST")).AsString());
        Assert.Equal(WrongPass, await admin.CommandAsync("AUTH", "acl-gone", "p"));
    }

    [Fact]
    public async Task Revoking_a_channel_closes_its_subscribers()
    {
        await using var admin = await fixture.ConnectAsync();
        Assert.Equal("+OK\r\n", await admin.CommandAsync("ACL", "SETUSER", "acl-sub", "on", ">p", "+@all", "resetchannels", "&feed:1", "&feed:2"));
        await using var sub = await LoginAsync("acl-sub", "p");
        await sub.SendCommandAsync("SUBSCRIBE", "feed:1");
        Assert.Equal("subscribe", (await sub.ReadValueAsync())[0].AsString());
        Assert.Equal("+OK\r\n", await admin.CommandAsync("ACL", "SETUSER", "acl-sub", "resetchannels", "&feed:1"));   // feed:1 kept: stays
        Assert.Equal("+OK\r\n", await admin.CommandAsync("ACL", "SETUSER", "acl-sub", "resetchannels", "&feed:3"));
        Assert.True(await sub.IsClosedByServerAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Acl_log_records_refusals_and_failed_logins()
    {
        await using var admin = await fixture.ConnectAsync();
        Assert.Equal("+OK\r\n", await admin.CommandAsync("ACL", "SETUSER", "acl-log", "on", ">p", "-@all", "+get", "~log:*"));
        Assert.Equal("+OK\r\n", await admin.CommandAsync("ACL", "LOG", "RESET"));
        Assert.Equal("*0\r\n", await admin.CommandAsync("ACL", "LOG"));
        await using var c = await LoginAsync("acl-log", "p");
        Assert.StartsWith("-NOPERM", await c.CommandAsync("SET", "log:1", "v"));
        Assert.StartsWith("-NOPERM", await c.CommandAsync("SET", "log:1", "v"));
        Assert.StartsWith("-NOPERM", await c.CommandAsync("GET", "elsewhere"));
        Assert.Equal(WrongPass, await c.CommandAsync("AUTH", "acl-log", "bad"));
        var entries = (await admin.ReadValueAfterAsync("ACL", "LOG")).Items
            .Select(e => e.Pairs.ToDictionary(p => p.Key.AsString()!, p => p.Value)).ToList();
        Assert.Equal(3, entries.Count);
        Assert.Equal(["auth", "key", "command"], entries.Select(e => e["reason"].AsString()));
        Assert.Equal(["AUTH", "elsewhere", "set"], entries.Select(e => e["object"].AsString()));
        Assert.Equal(2, entries[2]["count"].AsInteger());   // the same refusal twice: one entry
        Assert.All(entries, e => Assert.Equal("acl-log", e["username"].AsString()));
        Assert.All(entries, e => Assert.Equal("toplevel", e["context"].AsString()));
        Assert.Contains("user=acl-log", entries[2]["client-info"].AsString());
        Assert.Equal(["count", "reason", "context", "object", "username", "age-seconds", "client-info"], entries[0].Keys);
        Assert.Equal(1, (await admin.ReadValueAfterAsync("ACL", "LOG", "1")).Count);
        Assert.Equal("*0\r\n", await admin.CommandAsync("ACL", "LOG", "-1"));
        Assert.Equal("-ERR value is not an integer or out of range\r\n", await admin.CommandAsync("ACL", "LOG", "many"));
    }

    [Fact]
    public async Task Acl_cat_genpass_and_dryrun()
    {
        await using var c = await fixture.ConnectAsync();
        var categories = (await c.ReadValueAfterAsync("ACL", "CAT")).AsStringArray();
        Assert.Equal(21, categories.Length);
        Assert.Equal("keyspace", categories[0]);
        var hash = (await c.ReadValueAfterAsync("ACL", "CAT", "hash")).AsStringArray();
        Assert.Contains("hset", hash);
        Assert.DoesNotContain("get", hash);
        Assert.Contains("config|set", (await c.ReadValueAfterAsync("ACL", "CAT", "dangerous")).AsStringArray());
        Assert.Equal("-ERR Unknown category 'nosuch'\r\n", await c.CommandAsync("ACL", "CAT", "nosuch"));

        Assert.Matches("^[0-9a-f]{64}$", (await c.ReadValueAfterAsync("ACL", "GENPASS")).AsString());
        Assert.Matches("^[0-9a-f]{2}$", (await c.ReadValueAfterAsync("ACL", "GENPASS", "5")).AsString());
        Assert.Equal("-ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096\r\n", await c.CommandAsync("ACL", "GENPASS", "0"));

        Assert.Equal("+OK\r\n", await c.CommandAsync("ACL", "SETUSER", "acl-dry", "on", "nopass", "-@all", "+get", "+publish", "~dry:*", "&ch"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("ACL", "DRYRUN", "acl-dry", "GET", "dry:1"));
        Assert.Equal("$53\r\nThis user has no permissions to run the 'set' command\r\n", await c.CommandAsync("ACL", "DRYRUN", "acl-dry", "SET", "dry:1", "v"));
        Assert.Equal("$54\r\nThis user has no permissions to access the 'other' key\r\n", await c.CommandAsync("ACL", "DRYRUN", "acl-dry", "GET", "other"));
        Assert.Equal("$57\r\nThis user has no permissions to access the 'news' channel\r\n", await c.CommandAsync("ACL", "DRYRUN", "acl-dry", "PUBLISH", "news", "m"));
        Assert.Equal("-ERR User 'acl-none' not found\r\n", await c.CommandAsync("ACL", "DRYRUN", "acl-none", "GET", "k"));
        Assert.Equal("-ERR Command 'nosuch' not found\r\n", await c.CommandAsync("ACL", "DRYRUN", "acl-dry", "nosuch", "k"));
        Assert.Equal("-ERR wrong number of arguments for 'get' command\r\n", await c.CommandAsync("ACL", "DRYRUN", "acl-dry", "GET", "a", "b"));
    }

    [Fact]
    public async Task Requirepass_is_the_default_users_password()
    {
        await using var admin = await fixture.ConnectAsync();
        Assert.Equal("+OK\r\n", await admin.CommandAsync("CONFIG", "SET", "requirepass", "acl-secret"));
        try
        {
            await using var c = await fixture.ConnectAsync();
            Assert.Equal("-NOAUTH Authentication required.\r\n", await c.CommandAsync("GET", "k"));
            Assert.Equal(WrongPass, await c.CommandAsync("AUTH", "wrong"));
            Assert.Equal("+OK\r\n", await c.CommandAsync("AUTH", "acl-secret"));
            Assert.Equal("+OK\r\n", await c.CommandAsync("AUTH", "default", "acl-secret"));
            var user = (await c.ReadValueAfterAsync("ACL", "GETUSER", "default")).Pairs.ToDictionary(p => p.Key.AsString()!, p => p.Value);
            Assert.Equal(new string?[] { Sha256("acl-secret") }, user["passwords"].AsStringArray());
            Assert.Equal(new string?[] { "on" }, user["flags"].AsStringArray());
            Assert.Equal("+OK\r\n", await admin.CommandAsync("AUTH", "acl-secret"));   // the admin connection was authenticated when it opened
        }
        finally
        {
            Assert.Equal("+OK\r\n", await admin.CommandAsync("CONFIG", "SET", "requirepass", ""));
        }
        await using var after = await fixture.ConnectAsync();
        Assert.Equal("+PONG\r\n", await after.CommandAsync("PING"));
        Assert.Equal("-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\r\n",
            await after.CommandAsync("AUTH", "x"));
    }

    [Fact]
    public async Task Slowlog_redacts_setuser_rules()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync("CONFIG", "SET", "slowlog-log-slower-than", "0"));
        try
        {
            Assert.Equal("+OK\r\n", await c.CommandAsync("SLOWLOG", "RESET"));
            Assert.Equal("+OK\r\n", await c.CommandAsync("ACL", "SETUSER", "acl-slow", "on", ">hidden"));
            Assert.Equal(WrongPass, await c.CommandAsync("AUTH", "acl-slow", "wrong"));
            var entries = (await c.ReadValueAfterAsync("SLOWLOG", "GET")).Items.Select(e => string.Join(" ", e[3].AsStringArray())).ToList();
            Assert.Contains("ACL SETUSER (redacted) (redacted) (redacted)", entries);
            Assert.DoesNotContain(entries, e => e.Contains("hidden") || e.StartsWith("AUTH"));
        }
        finally
        {
            Assert.Equal("+OK\r\n", await c.CommandAsync("CONFIG", "SET", "slowlog-log-slower-than", "10000"));
        }
    }

    /// <summary>ACL replies that depend on no command ordering, sent to the node and to redis-server alike.</summary>
    [Fact]
    public async Task Acl_replies_match_redis_server()
    {
        string[][] script =
        [
            ["ACL", "SETUSER", "oracle-1"],
            ["ACL", "GETUSER", "oracle-1"],
            ["ACL", "SETUSER", "oracle-2", "on", ">a", ">b", "<a", "~k:*", "%W~w:*", "%R~r:*", "&c:*", "-@all", "+get"],
            ["ACL", "GETUSER", "oracle-2"],
            ["ACL", "SETUSER", "oracle-3", "reset", "on", "nopass", "+@all", "-@dangerous", "allkeys", "allchannels"],
            ["ACL", "GETUSER", "oracle-3"],
            ["ACL", "SETUSER", "oracle-4", "on", "nopass", "+@all", "-debug", "resetkeys", "~a", "~b"],
            ["ACL", "GETUSER", "oracle-4"],
            ["ACL", "DRYRUN", "oracle-2", "GET", "k:1"],
            ["ACL", "DRYRUN", "oracle-2", "GET", "w:1"],
            ["ACL", "DRYRUN", "oracle-2", "SET", "k:1", "v"],
            ["ACL", "DRYRUN", "oracle-2", "CONFIG", "SET", "maxmemory", "0"],
            ["ACL", "DRYRUN", "oracle-2", "SELECT", "1"],
            ["ACL", "DRYRUN", "oracle-3", "FLUSHALL"],
            ["ACL", "DRYRUN", "oracle-3", "CLIENT", "KILL", "ID", "1"],
            ["ACL", "DRYRUN", "oracle-3", "CLIENT", "ID"],
            ["ACL", "SETUSER", "oracle-5", "on", "foo"],
            ["ACL", "SETUSER", "oracle-5", "+@bogus"],
            ["ACL", "SETUSER", "oracle-5", "!0123"],
            ["ACL", "SETUSER", "oracle-5", "%RX~x"],
            ["ACL", "GETUSER", "oracle-5"],
            ["ACL", "CAT"],
            ["ACL", "CAT", "NoSuch"],
            ["ACL", "DELUSER", "oracle-1", "oracle-1", "oracle-nobody"],
            ["ACL", "WHOAMI"],
            ["ACL", "HELP"],
            ["ACL", "LOAD"],
            ["ACL", "GENPASS", "-1"],
            ["ACL", "LOG", "x"],
            ["AUTH", "oracle-2", "b"],
            ["ACL", "WHOAMI"],
            ["GET", "nokey"],
            ["AUTH", "oracle-3", "anything"],
            ["FLUSHALL"],
            ["CLIENT", "KILL", "USER", "oracle-nobody"],
        ];
        await using var node = await fixture.ConnectAsync();
        await using var oracle = await RawConnection.ConnectAsync(redis.Port);
        foreach (var command in script)
            Assert.Equal(await oracle.CommandAsync(command), await node.CommandAsync(command));
    }
}
