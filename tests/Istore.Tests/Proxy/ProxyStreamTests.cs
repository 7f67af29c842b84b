using Istore.Tests.Infrastructure;

namespace Istore.Tests.Proxy;

/// <summary>
/// Streams through istore-proxy: keyed stream commands route by their key like any collection
/// (XGROUP and XINFO by the key after the subcommand); XREAD and XREADGROUP, which may block, get
/// the same clear error as the other blocking commands until the proxy has dedicated connections.
/// </summary>
public class ProxyStreamTests(ProxyCluster cluster) : IClassFixture<ProxyCluster>
{
    [Fact]
    public async Task Stream_commands_route_by_key_and_blocking_reads_are_refused()
    {
        await using var c = await cluster.ConnectAsync();
        var keys = Enumerable.Range(0, 12).Select(i => $"ps:{i}").ToArray();
        Assert.Equal(3, keys.Select(k => ExpectedRoute.Shard(k, 3)).Distinct().Count());
        foreach (var key in keys)
        {
            Assert.Equal("$3\r\n1-1\r\n", await c.CommandAsync("XADD", key, "1-1", "f", key));
            Assert.Equal("+OK\r\n", await c.CommandAsync("XGROUP", "CREATE", key, "g", "0"));
        }
        foreach (var key in keys)
        {
            Assert.Equal(key, (await c.ReadValueAfterAsync("XRANGE", key, "-", "+"))[0][1][1].AsString());
            Assert.Equal(1, (await c.ReadValueAfterAsync("XINFO", "GROUPS", key)).Count);
            Assert.Equal(1, (await c.ReadValueAfterAsync("XCLAIM", key, "g", "c", "0", "1-1", "FORCE", "JUSTID")).Count);
            Assert.Equal(":1\r\n", await c.CommandAsync("XACK", key, "g", "1-1"));
        }
        Assert.StartsWith("-ERR 'XREAD' needs a dedicated backend connection", await c.CommandAsync("XREAD", "STREAMS", keys[0], "0"));
        Assert.StartsWith("-ERR 'XREADGROUP' needs a dedicated backend connection",
            await c.CommandAsync("XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", keys[0], ">"));
    }
}
