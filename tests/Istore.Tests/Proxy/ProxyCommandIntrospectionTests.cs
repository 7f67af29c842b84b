using System.Text;
using Istore.Net.Resp;
using Istore.Tests.Infrastructure;

namespace Istore.Tests.Proxy;

/// <summary>
/// COMMAND through istore-proxy lists the commands the proxy serves and describes each one as its
/// istore-node backends do, field for field, in RESP2 and RESP3: COUNT, the full listing, LIST,
/// INFO, DOCS and GETKEYS agree on one set, every command left out is one the proxy refuses, and
/// bad input gets the node's (Redis's) errors.
/// </summary>
public class ProxyCommandIntrospectionTests(ProxyCluster cluster) : IClassFixture<ProxyCluster>
{
    /// <summary>A client of the proxy and one of a backend node, both speaking the same protocol.</summary>
    private sealed record Clients(RawConnection Proxy, RawConnection Node) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Proxy.DisposeAsync();
            await Node.DisposeAsync();
        }
    }

    private async Task<Clients> ConnectBothAsync(int protocol)
    {
        var clients = new Clients(await cluster.ConnectAsync(), await cluster.Nodes[0].ConnectAsync());
        foreach (var connection in new[] { clients.Proxy, clients.Node })
            await connection.ReadValueAfterAsync("HELLO", protocol.ToString());
        return clients;
    }

    private static async Task<byte[]> FrameAsync(RawConnection c, params string[] args)
    {
        await c.SendCommandAsync(args);
        return await c.ReadFrameBytesAsync();
    }

    /// <summary>The names COMMAND LIST gives, in order.</summary>
    private static async Task<string[]> ListAsync(RawConnection c, params string[] filter) =>
        (await c.ReadValueAfterAsync(["COMMAND", "LIST", .. filter])).AsStringArray()!;

    /// <summary>Asserts the proxy's reply to <paramref name="args"/> is the node's, naming the first field that differs.</summary>
    private static async Task AssertSameAsNodeAsync(RawConnection proxy, RawConnection node, params string[] args)
    {
        byte[] expected = await FrameAsync(node, args), actual = await FrameAsync(proxy, args);
        if (expected.AsSpan().SequenceEqual(actual))
            return;
        var (want, got) = (RespValue.Parse(expected), RespValue.Parse(actual));
        string call = string.Join(' ', args);
        Assert.True(want.IsAggregate && got.IsAggregate, $"{call}: node {want}, proxy {got}");
        Assert.True(want.Count == got.Count, $"{call}: node has {want.Count} fields, proxy {got.Count}");
        for (int field = 0; field < want.Count; field++)
            Assert.True(want[field].ToString() == got[field].ToString(), $"{call} field {field}: node {want[field]}, proxy {got[field]}");
        Assert.Fail($"{call}: the same fields in other bytes: node {Encoding.UTF8.GetString(expected)}, proxy {Encoding.UTF8.GetString(actual)}");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Count_listing_list_and_docs_name_the_same_commands(int protocol)
    {
        await using var clients = await ConnectBothAsync(protocol);
        var (proxy, node) = clients;
        string[] listed = [.. (await ListAsync(proxy)).Where(name => !name.Contains('|'))];
        var all = (await proxy.ReadValueAfterAsync("COMMAND")).Items;
        var docs = await proxy.ReadValueAfterAsync("COMMAND", "DOCS");

        Assert.Equal(listed.Length, (await proxy.ReadValueAfterAsync("COMMAND", "COUNT")).AsInteger());
        Assert.Equal(listed, all.Select(info => info[0].AsString()));
        Assert.Equal(listed, docs.Pairs.Select(p => p.Key.AsString()));
        Assert.Equal(all.Count, (await proxy.ReadValueAfterAsync("COMMAND", "INFO")).Count);
        Assert.Contains("get", listed);
        Assert.Contains("mget", listed);
        Assert.Contains("command", listed);
        Assert.DoesNotContain("config", listed);
        Assert.DoesNotContain("blpop", listed);
        Assert.True(listed.Length < (await node.ReadValueAfterAsync("COMMAND", "COUNT")).AsInteger());
    }

    /// <summary>The proxy lists what it serves: every command the node has and the proxy leaves out is refused by the proxy's routing, and none it lists is.</summary>
    [Fact]
    public async Task The_listed_commands_are_exactly_those_the_proxy_does_not_refuse()
    {
        string[] proxyList, nodeList;
        await using (var proxy = await cluster.ConnectAsync())
            proxyList = await ListAsync(proxy);
        await using (var node = await cluster.Nodes[0].ConnectAsync())
            nodeList = await ListAsync(node);
        var infos = new Dictionary<string, long>();
        await using (var node = await cluster.Nodes[0].ConnectAsync())
            foreach (var info in (await node.ReadValueAfterAsync("COMMAND")).Items)
                infos[info[0].AsString()!] = info[1].AsInteger();
        foreach (var name in nodeList.Where(name => !name.Contains('|')))
        {
            long arity = infos[name];
            string[] call = [name, .. Enumerable.Repeat("x", (int)Math.Abs(arity) - 1)];
            await using var c = await cluster.ConnectAsync();   // a fresh client each: QUIT, SSUBSCRIBE and RESET change one
            string reply = await c.CommandAsync(call);
            bool refused = reply.StartsWith($"-ERR '{name.ToUpperInvariant()}' ", StringComparison.Ordinal)
                && reply.Contains("istore-proxy", StringComparison.Ordinal);
            Assert.True(refused != proxyList.Contains(name), $"{name}: listed {proxyList.Contains(name)}, reply {reply}");
        }
        // A listed container's subcommands: listed exactly when the proxy does not refuse them (CLIENT LIST, SCRIPT KILL are refused).
        foreach (var name in nodeList.Where(name => name.Contains('|') && proxyList.Contains(name.Split('|')[0])))
        {
            await using var c = await cluster.ConnectAsync();
            string reply = await c.CommandAsync(name.Split('|'));
            bool refused = reply.StartsWith("-ERR", StringComparison.Ordinal) && reply.Contains("istore-proxy", StringComparison.Ordinal);
            Assert.True(refused != proxyList.Contains(name), $"{name}: listed {proxyList.Contains(name)}, reply {reply}");
        }
        Assert.Contains("client|setname", proxyList);
        Assert.DoesNotContain("client|list", proxyList);
        Assert.DoesNotContain("script|kill", proxyList);
        Assert.Equal(nodeList.Where(name => proxyList.Contains(name.Split('|')[0]) && (!name.Contains('|') || proxyList.Contains(name))), proxyList);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Info_and_docs_of_every_served_command_are_the_nodes(int protocol)
    {
        await using var clients = await ConnectBothAsync(protocol);
        var (proxy, node) = clients;
        string[] listed = await ListAsync(proxy);
        string[] nodeListed = await ListAsync(node);
        foreach (var name in listed)
        {
            if (!name.Contains('|'))
                await AssertSameAsNodeAsync(proxy, node, "COMMAND", "INFO", name);
            if (nodeListed.Any(n => n.StartsWith(name + "|", StringComparison.Ordinal) && !listed.Contains(n)))
            {
                // Served in part (CLIENT, SCRIPT): their docs list the subcommands the proxy serves (each compared on its own).
                var entry = (await proxy.ReadValueAfterAsync("COMMAND", "DOCS", name)).Pairs.Single().Value;
                var subcommands = entry.Pairs.Single(p => p.Key.AsString() == "subcommands").Value;
                Assert.Equal(listed.Where(n => n.StartsWith(name + "|", StringComparison.Ordinal)), subcommands.Pairs.Select(p => p.Key.AsString()));
            }
            else
                await AssertSameAsNodeAsync(proxy, node, "COMMAND", "DOCS", name);
        }
        var infos = await proxy.ReadValueAfterAsync("COMMAND", "INFO", "get", "NOSUCH", "zadd", "blpop");
        Assert.Equal(["get", null, "zadd", null], infos.Items.Select(i => i.IsNull ? null : i[0].AsString()));
        var docs = await proxy.ReadValueAfterAsync("COMMAND", "DOCS", "get", "NOSUCH", "zadd", "blpop", "client|setname", "client|list", "config|get");
        Assert.Equal(["get", "zadd", "client|setname"], docs.Pairs.Select(p => p.Key.AsString()));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task List_filters_getkeys_and_help_are_the_nodes_for_served_commands(int protocol)
    {
        await using var clients = await ConnectBothAsync(protocol);
        var (proxy, node) = clients;
        string[] served = await ListAsync(proxy);
        foreach (var filter in new[] { new[] { "PATTERN", "z*" }, ["pattern", "CLIENT|*"], ["ACLCAT", "read"], ["ACLCAT", "dangerous"] })
        {
            string[] fromNode = await ListAsync(node, ["FILTERBY", .. filter]);
            string[] fromProxy = await ListAsync(proxy, ["FILTERBY", .. filter]);
            Assert.NotEmpty(fromProxy);
            Assert.Equal(fromNode.Where(served.Contains), fromProxy);
        }
        Assert.Empty(await ListAsync(proxy, "FILTERBY", "MODULE", "json"));
        foreach (var call in new[] { "GETKEYS mset a 1 b 2", "GETKEYSANDFLAGS set k v get", "GETKEYSANDFLAGS zunionstore d 2 a b",
            "GETKEYS eval s 2 a b", "GETKEYS get", "GETKEYS ping x", "GETKEYS nosuch k", "HELP" })
            await AssertSameAsNodeAsync(proxy, node, ["COMMAND", .. call.Split(' ')]);
        // BLPOP is no command of the proxy's: it does not know its keys either.
        Assert.Equal("-ERR Invalid command specified\r\n", await proxy.CommandAsync("COMMAND", "GETKEYS", "blpop", "a", "0"));
        Assert.StartsWith("*1\r\n", await node.CommandAsync("COMMAND", "GETKEYS", "blpop", "a", "0"));
    }

    public static TheoryData<string, string> BadCalls() => new()
    {
        { "COMMAND nope", "-ERR unknown subcommand 'nope'. Try COMMAND HELP.\r\n" },
        { "COMMAND COUNT x", "-ERR wrong number of arguments for 'command|count' command\r\n" },
        { "COMMAND HELP x", "-ERR wrong number of arguments for 'command|help' command\r\n" },
        { "COMMAND GETKEYS", "-ERR wrong number of arguments for 'command|getkeys' command\r\n" },
        { "COMMAND GETKEYSANDFLAGS get", "-ERR wrong number of arguments for 'command|getkeysandflags' command\r\n" },
        { "COMMAND GETKEYS get a b", "-ERR Invalid number of arguments specified for command\r\n" },
        { "COMMAND LIST x", "-ERR syntax error\r\n" },
        { "COMMAND LIST FILTERBY NOPE x", "-ERR syntax error\r\n" },
        { "COMMAND LIST FILTERBY PATTERN", "-ERR syntax error\r\n" },
        { "COMMAND INFO NOSUCH", "*1\r\n$-1\r\n" },
        { "COMMAND DOCS NOSUCH", "*0\r\n" },
        { "CLIENT SETNAME", "-ERR wrong number of arguments for 'client|setname' command\r\n" },
        { "CLIENT GETNAME x", "-ERR wrong number of arguments for 'client|getname' command\r\n" },
    };

    [Theory]
    [MemberData(nameof(BadCalls))]
    public async Task Bad_input_gets_the_nodes_error(string call, string expected)
    {
        await using var proxy = await cluster.ConnectAsync();
        await using var node = await cluster.Nodes[0].ConnectAsync();
        string[] args = call.Split(' ');
        Assert.Equal(expected, await proxy.CommandAsync(args));
        Assert.Equal(expected, await node.CommandAsync(args));
    }
}
