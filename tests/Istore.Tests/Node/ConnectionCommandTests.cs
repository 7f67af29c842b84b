using Istore.Net.Resp;
using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node;

/// <summary>
/// Connection commands against a real node: PING ECHO HELLO AUTH SELECT QUIT RESET CLIENT.
/// Replies are compared byte for byte with Redis 7's; AUTH cases run on a node started with --requirepass.
/// </summary>
public abstract class ConnectionCommandTests(NodeFixture fixture)
{
    private const string NoAuth = "-NOAUTH Authentication required.\r\n";
    private const string WrongPass = "-WRONGPASS invalid username-password pair or user is disabled.\r\n";

    private static Dictionary<string, RespValue> Map(RespValue reply) =>
        reply.Pairs.ToDictionary(p => p.Key.AsString()!, p => p.Value);

    /// <summary>One "key=value" field of a CLIENT LIST / CLIENT INFO line.</summary>
    private static string Field(string line, string name) =>
        line.TrimEnd('\n').Split(' ').Select(f => f.Split('=', 2)).Single(f => f[0] == name)[1];

    [Fact]
    public async Task Ping_and_echo()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("+PONG\r\n", await c.CommandAsync("PING"));
        Assert.Equal("+PONG\r\n", await c.CommandAsync("ping"));
        Assert.Equal("$5\r\nhello\r\n", await c.CommandAsync("PING", "hello"));
        Assert.Equal("$0\r\n\r\n", await c.CommandAsync("PING", ""));
        Assert.Equal("-ERR wrong number of arguments for 'ping' command\r\n", await c.CommandAsync("PING", "a", "b"));
        Assert.Equal("$11\r\nhello world\r\n", await c.CommandAsync("ECHO", "hello world"));
        Assert.Equal("$0\r\n\r\n", await c.CommandAsync("ECHO", ""));
        Assert.Equal("-ERR wrong number of arguments for 'echo' command\r\n", await c.CommandAsync("ECHO"));
        Assert.Equal("-ERR wrong number of arguments for 'echo' command\r\n", await c.CommandAsync("ECHO", "a", "b"));
    }

    [Fact]
    public async Task Hello_3_switches_to_resp3_with_a_map_reply()
    {
        await using var c = await fixture.ConnectAsync();
        long id = (await c.ReadValueAfterAsync("CLIENT", "ID")).AsInteger();
        await c.SendCommandAsync("HELLO", "3");
        var frame = await c.ReadFrameAsync();
        Assert.StartsWith("%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n", frame);
        Assert.EndsWith($"$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:{id}\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n", frame);
        Assert.Equal("_\r\n", await c.CommandAsync("GET", "hello3:missing"));
        Assert.Equal("+PONG\r\n", await c.CommandAsync("PING"));

        var again = await c.ReadValueAfterAsync("HELLO");
        Assert.Equal(RespType.Map, again.Type);
        Assert.Equal(new[] { "server", "version", "proto", "id", "mode", "role", "modules" }, again.Pairs.Select(p => p.Key.AsString()));
        var fields = Map(again);
        Assert.Equal("redis", fields["server"].AsString());
        Assert.Matches(@"^7\.\d+\.\d+$", fields["version"].AsString());
        Assert.Equal(3, fields["proto"].AsInteger());
    }

    [Fact]
    public async Task Hello_2_replies_with_a_flat_array()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.StartsWith("%7\r\n", await c.CommandAsync("HELLO", "3"));
        var reply = await c.ReadValueAfterAsync("HELLO", "2");
        Assert.Equal(RespType.Array, reply.Type);
        Assert.Equal(14, reply.Count);
        Assert.Equal(2, Map(reply)["proto"].AsInteger());
        Assert.Equal("$-1\r\n", await c.CommandAsync("GET", "hello2:missing"));
    }

    [Fact]
    public async Task Hello_rejects_bad_versions_and_options()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("-NOPROTO unsupported protocol version\r\n", await c.CommandAsync("HELLO", "4"));
        Assert.Equal("-NOPROTO unsupported protocol version\r\n", await c.CommandAsync("HELLO", "1"));
        Assert.Equal("-ERR Protocol version is not an integer or out of range\r\n", await c.CommandAsync("HELLO", "x"));
        Assert.Equal("-ERR Syntax error in HELLO option 'foo'\r\n", await c.CommandAsync("HELLO", "3", "foo"));
        Assert.Equal("-ERR Syntax error in HELLO option 'AUTH'\r\n", await c.CommandAsync("HELLO", "3", "AUTH", "default"));
        Assert.Equal("-ERR Syntax error in HELLO option 'SETNAME'\r\n", await c.CommandAsync("HELLO", "3", "SETNAME"));
        Assert.Equal("-ERR Client names cannot contain spaces, newlines or special characters.\r\n", await c.CommandAsync("HELLO", "3", "SETNAME", "a b"));
        // Nothing changed: still RESP2.
        Assert.Equal("$-1\r\n", await c.CommandAsync("GET", "hellobad:missing"));
        Assert.Equal("*14\r\n", (await c.CommandAsync("HELLO", "2", "SETNAME", "h2"))[..5]);
        Assert.Equal("$2\r\nh2\r\n", await c.CommandAsync("CLIENT", "GETNAME"));
    }

    [Fact]
    public async Task Auth_without_a_configured_password_is_an_error()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\r\n",
            await c.CommandAsync("AUTH", "secret"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("AUTH", "default", "anything"));
        Assert.Equal(WrongPass, await c.CommandAsync("AUTH", "someone", "secret"));
        Assert.Equal("-ERR syntax error\r\n", await c.CommandAsync("AUTH", "a", "b", "c"));
        Assert.Equal("-ERR wrong number of arguments for 'auth' command\r\n", await c.CommandAsync("AUTH"));
    }

    [Fact]
    public async Task Requirepass_gates_commands_until_auth()
    {
        await using var node = await fixture.StartNodeAsync(["--requirepass", "secret"]);
        await using var c = await node.ConnectAsync();
        Assert.Equal(NoAuth, await c.CommandAsync("PING"));
        Assert.Equal(NoAuth, await c.CommandAsync("GET", "k"));
        Assert.Equal(NoAuth, await c.CommandAsync("SELECT", "0"));
        Assert.Equal(NoAuth, await c.CommandAsync("CLIENT", "ID"));
        Assert.Equal("-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time\r\n",
            await c.CommandAsync("HELLO", "3"));
        Assert.Equal(WrongPass, await c.CommandAsync("AUTH", "wrong"));
        Assert.Equal(WrongPass, await c.CommandAsync("AUTH", "default", "wrong"));
        Assert.Equal(WrongPass, await c.CommandAsync("AUTH", "nobody", "secret"));
        Assert.Equal(WrongPass, await c.CommandAsync("HELLO", "3", "AUTH", "default", "wrong"));
        Assert.Equal(NoAuth, await c.CommandAsync("PING"));

        Assert.Equal("+OK\r\n", await c.CommandAsync("AUTH", "secret"));
        Assert.Equal("+PONG\r\n", await c.CommandAsync("PING"));
        Assert.Equal("+RESET\r\n", await c.CommandAsync("RESET"));
        Assert.Equal(NoAuth, await c.CommandAsync("PING"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("AUTH", "default", "secret"));
        Assert.Equal("$-1\r\n", await c.CommandAsync("GET", "k"));

        await using var other = await node.ConnectAsync();
        Assert.Equal("+OK\r\n", await other.CommandAsync("QUIT"));
    }

    [Fact]
    public async Task Hello_can_authenticate_and_name_the_connection_at_once()
    {
        await using var node = await fixture.StartNodeAsync(["--requirepass", "secret"]);
        await using var c = await node.ConnectAsync();
        var hello = await c.ReadValueAfterAsync("HELLO", "3", "AUTH", "default", "secret", "SETNAME", "x");
        Assert.Equal(RespType.Map, hello.Type);
        Assert.Equal(3, Map(hello)["proto"].AsInteger());
        Assert.Equal("$1\r\nx\r\n", await c.CommandAsync("CLIENT", "GETNAME"));
        Assert.Equal("+PONG\r\n", await c.CommandAsync("PING"));
        Assert.Equal("_\r\n", await c.CommandAsync("GET", "missing"));
    }

    [Fact]
    public async Task Select_accepts_only_database_zero()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync("SELECT", "0"));
        Assert.Equal("-ERR DB index is out of range\r\n", await c.CommandAsync("SELECT", "1"));
        Assert.Equal("-ERR DB index is out of range\r\n", await c.CommandAsync("SELECT", "-1"));
        Assert.Equal("-ERR value is not an integer or out of range\r\n", await c.CommandAsync("SELECT", "x"));
        Assert.Equal("-ERR wrong number of arguments for 'select' command\r\n", await c.CommandAsync("SELECT", "0", "1"));
        Assert.Equal("-ERR wrong number of arguments for 'select' command\r\n", await c.CommandAsync("SELECT"));
    }

    [Fact]
    public async Task Quit_replies_ok_then_closes()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync("QUIT"));
        Assert.True(await c.IsClosedByServerAsync());
    }

    [Fact]
    public async Task Reset_restores_the_connection_defaults()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.StartsWith("%7\r\n", await c.CommandAsync("HELLO", "3"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("CLIENT", "SETNAME", "before-reset"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("CLIENT", "NO-EVICT", "on"));
        Assert.Equal("+RESET\r\n", await c.CommandAsync("RESET"));
        Assert.Equal("$-1\r\n", await c.CommandAsync("CLIENT", "GETNAME"));
        Assert.Equal("$-1\r\n", await c.CommandAsync("GET", "reset:missing"));
        var info = (await c.ReadValueAfterAsync("CLIENT", "INFO")).AsString()!;
        Assert.Equal("2", Field(info, "resp"));
        Assert.Equal("-ERR wrong number of arguments for 'reset' command\r\n", await c.CommandAsync("RESET", "x"));
    }

    [Fact]
    public async Task Client_id_setname_and_getname()
    {
        await using var c = await fixture.ConnectAsync();
        await using var d = await fixture.ConnectAsync();
        long id = (await c.ReadValueAfterAsync("CLIENT", "ID")).AsInteger();
        Assert.True(id > 0);
        Assert.NotEqual(id, (await d.ReadValueAfterAsync("CLIENT", "ID")).AsInteger());
        Assert.Equal("$-1\r\n", await c.CommandAsync("CLIENT", "GETNAME"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("CLIENT", "SETNAME", "my-conn"));
        Assert.Equal("$7\r\nmy-conn\r\n", await c.CommandAsync("client", "getname"));
        Assert.Equal("-ERR Client names cannot contain spaces, newlines or special characters.\r\n", await c.CommandAsync("CLIENT", "SETNAME", "a b"));
        Assert.Equal("-ERR Client names cannot contain spaces, newlines or special characters.\r\n", await c.CommandAsync("CLIENT", "SETNAME", "a\nb"));
        Assert.Equal("$7\r\nmy-conn\r\n", await c.CommandAsync("CLIENT", "GETNAME"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("CLIENT", "SETNAME", ""));
        Assert.Equal("$-1\r\n", await c.CommandAsync("CLIENT", "GETNAME"));
        Assert.Equal("-ERR wrong number of arguments for 'client|id' command\r\n", await c.CommandAsync("CLIENT", "ID", "x"));
        Assert.Equal("-ERR wrong number of arguments for 'client|setname' command\r\n", await c.CommandAsync("CLIENT", "SETNAME"));
        Assert.Equal("-ERR unknown subcommand 'foo'. Try CLIENT HELP.\r\n", await c.CommandAsync("CLIENT", "foo"));
        Assert.Equal("-ERR wrong number of arguments for 'client' command\r\n", await c.CommandAsync("CLIENT"));
    }

    [Fact]
    public async Task Client_list_and_info_describe_connections()
    {
        await using var c = await fixture.ConnectAsync();
        await using var d = await fixture.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync("CLIENT", "SETNAME", "lister"));
        long id = (await c.ReadValueAfterAsync("CLIENT", "ID")).AsInteger();
        long otherId = (await d.ReadValueAfterAsync("CLIENT", "ID")).AsInteger();

        var info = await c.ReadValueAfterAsync("CLIENT", "INFO");
        Assert.Equal(RespType.BulkString, info.Type);
        var line = info.AsString()!;
        Assert.EndsWith("\n", line);
        Assert.Equal(id.ToString(), Field(line, "id"));
        Assert.Equal("lister", Field(line, "name"));
        Assert.Equal("0", Field(line, "db"));
        Assert.Equal("N", Field(line, "flags"));
        Assert.Equal("client|info", Field(line, "cmd"));
        Assert.Equal("default", Field(line, "user"));
        Assert.Equal("2", Field(line, "resp"));
        Assert.Matches(@"^127\.0\.0\.1:\d+$", Field(line, "addr"));
        Assert.StartsWith($"id={id} addr=", line);

        var list = (await c.ReadValueAfterAsync("CLIENT", "LIST")).AsString()!.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(list, l => Field(l, "id") == id.ToString() && Field(l, "name") == "lister" && Field(l, "cmd") == "client|list");
        Assert.Contains(list, l => Field(l, "id") == otherId.ToString());
        var only = (await c.ReadValueAfterAsync("CLIENT", "LIST", "ID", otherId.ToString())).AsString()!;
        Assert.Equal(otherId.ToString(), Field(only, "id"));
        Assert.Equal(1, only.Count(ch => ch == '\n'));
        Assert.Contains($"id={id} ", (await c.ReadValueAfterAsync("CLIENT", "LIST", "TYPE", "normal")).AsString());
        Assert.Equal("-ERR Invalid client ID\r\n", await c.CommandAsync("CLIENT", "LIST", "ID", "x"));
        Assert.Equal("-ERR Unknown client type 'bogus'\r\n", await c.CommandAsync("CLIENT", "LIST", "TYPE", "bogus"));

        Assert.StartsWith("%7\r\n", await c.CommandAsync("HELLO", "3"));
        var verbatim = await c.ReadValueAfterAsync("CLIENT", "INFO");
        Assert.Equal(RespType.Verbatim, verbatim.Type);
        Assert.Equal("txt", verbatim.VerbatimFormat);
        Assert.Equal("3", Field(verbatim.AsString()!, "resp"));
    }

    [Fact]
    public async Task Client_kill_by_id_addr_and_the_old_form()
    {
        await using var c = await fixture.ConnectAsync();
        await using var byId = await fixture.ConnectAsync();
        await using var byAddr = await fixture.ConnectAsync();
        await using var oldForm = await fixture.ConnectAsync();
        long victimId = (await byId.ReadValueAfterAsync("CLIENT", "ID")).AsInteger();
        string addr = Field((await byAddr.ReadValueAfterAsync("CLIENT", "INFO")).AsString()!, "addr");
        string oldAddr = Field((await oldForm.ReadValueAfterAsync("CLIENT", "INFO")).AsString()!, "addr");

        Assert.Equal(":1\r\n", await c.CommandAsync("CLIENT", "KILL", "ID", victimId.ToString()));
        Assert.True(await byId.IsClosedByServerAsync());
        Assert.Equal(":0\r\n", await c.CommandAsync("CLIENT", "KILL", "ID", victimId.ToString()));

        Assert.Equal(":1\r\n", await c.CommandAsync("CLIENT", "KILL", "ADDR", addr));
        Assert.True(await byAddr.IsClosedByServerAsync());
        Assert.Equal(":0\r\n", await c.CommandAsync("CLIENT", "KILL", "ADDR", addr));

        Assert.Equal("+OK\r\n", await c.CommandAsync("CLIENT", "KILL", oldAddr));
        Assert.True(await oldForm.IsClosedByServerAsync());
        Assert.Equal("-ERR No such client\r\n", await c.CommandAsync("CLIENT", "KILL", oldAddr));

        // SKIPME yes (the default) spares the caller.
        long self = (await c.ReadValueAfterAsync("CLIENT", "ID")).AsInteger();
        Assert.Equal(":0\r\n", await c.CommandAsync("CLIENT", "KILL", "ID", self.ToString()));
        Assert.Equal("-ERR client-id should be greater than 0\r\n", await c.CommandAsync("CLIENT", "KILL", "ID", "0"));
        Assert.Equal("-ERR client-id should be greater than 0\r\n", await c.CommandAsync("CLIENT", "KILL", "ID", "x"));
        Assert.Equal("-ERR syntax error\r\n", await c.CommandAsync("CLIENT", "KILL", "FOO", "bar"));
        Assert.Equal("-ERR syntax error\r\n", await c.CommandAsync("CLIENT", "KILL", "SKIPME", "maybe"));
        Assert.Equal("+PONG\r\n", await c.CommandAsync("PING"));
    }

    [Fact]
    public async Task Client_kill_of_itself_with_skipme_no_replies_then_closes()
    {
        await using var c = await fixture.ConnectAsync();
        long self = (await c.ReadValueAfterAsync("CLIENT", "ID")).AsInteger();
        Assert.Equal(":1\r\n", await c.CommandAsync("CLIENT", "KILL", "ID", self.ToString(), "SKIPME", "no"));
        Assert.True(await c.IsClosedByServerAsync());
    }

    [Fact]
    public async Task Client_no_evict_and_no_touch_set_flags()
    {
        await using var c = await fixture.ConnectAsync();
        async Task<string> Flags() => Field((await c.ReadValueAfterAsync("CLIENT", "INFO")).AsString()!, "flags");
        Assert.Equal("+OK\r\n", await c.CommandAsync("CLIENT", "NO-EVICT", "on"));
        Assert.Equal("e", await Flags());
        Assert.Equal("+OK\r\n", await c.CommandAsync("CLIENT", "NO-TOUCH", "ON"));
        Assert.Equal("eT", await Flags());
        Assert.Equal("+OK\r\n", await c.CommandAsync("CLIENT", "NO-EVICT", "off"));
        Assert.Equal("T", await Flags());
        Assert.Equal("+OK\r\n", await c.CommandAsync("client", "no-touch", "off"));
        Assert.Equal("N", await Flags());
        Assert.Equal("-ERR syntax error\r\n", await c.CommandAsync("CLIENT", "NO-EVICT", "maybe"));
        Assert.Equal("-ERR syntax error\r\n", await c.CommandAsync("CLIENT", "NO-TOUCH", "yes"));
        Assert.Equal("-ERR wrong number of arguments for 'client|no-evict' command\r\n", await c.CommandAsync("CLIENT", "NO-EVICT"));
    }
}
