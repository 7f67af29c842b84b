using Istore.Tests.Infrastructure;

namespace Istore.Tests.Proxy;

/// <summary>
/// SCAN through the proxy returns every key exactly once whatever the shard count, including the
/// memory engine's collection phase, whose backend cursor (1 &lt;&lt; 62 | n) leaves no room for a shard.
/// </summary>
public class ProxyScanTests(ProxyScanTests.Nodes nodes) : IClassFixture<ProxyScanTests.Nodes>
{
    public sealed class Nodes : IAsyncLifetime
    {
        public NodeProcess[] All { get; private set; } = [];

        public async Task InitializeAsync() =>
            All = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => NodeProcess.StartAsync()));

        public async Task DisposeAsync()
        {
            foreach (var node in All)
                await node.DisposeAsync();
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public async Task Every_key_of_every_type_is_returned_exactly_once(int shards)
    {
        await using var proxy = await StartProxyAsync(shards);
        await using var c = await proxy.ConnectAsync("t1", "p1");
        var keys = new List<string>();
        for (int i = 0; i < 12; i++)
        {
            await Write(c, keys, $"s:{i}", "SET", "v");
            await Write(c, keys, $"h:{i}", "HSET", "f", "v");
            await Write(c, keys, $"l:{i}", "RPUSH", "a", "b");
            await Write(c, keys, $"set:{i}", "SADD", "m");
            await Write(c, keys, $"z:{i}", "ZADD", "1", "m");
        }

        var scanned = new List<string>();
        string cursor = "0";
        bool ticketSeen = false;
        for (int calls = 0; ; calls++)
        {
            Assert.True(calls < 500, "SCAN did not finish");
            var reply = await c.ReadValueAfterAsync("SCAN", cursor, "COUNT", "5");
            Assert.False(reply.IsError, reply.IsError ? reply.AsString() : null);
            cursor = reply[0].AsString()!;
            scanned.AddRange(reply[1].AsStringArray()!);
            ticketSeen |= ulong.Parse(cursor) >= 1UL << 63;
            if (cursor == "0")
                break;
        }
        Assert.Equal(keys.Order(), scanned.Order());
        // With one shard the backend cursor is the client's; with more, the collection phase needs a ticket.
        Assert.Equal(shards > 1, ticketSeen);
    }

    [Fact]
    public async Task A_ticket_this_proxy_never_issued_is_refused_clearly()
    {
        await using var proxy = await StartProxyAsync(4);
        await using var c = await proxy.ConnectAsync("t1", "p1");
        Assert.StartsWith("-ERR SCAN cursor unknown to this proxy", await c.CommandAsync("SCAN", (1UL << 63 | 12345).ToString()));
        Assert.StartsWith("*2\r\n", await c.CommandAsync("SCAN", "0"));
    }

    /// <summary>A fresh proxy with tenant t1 on the first <paramref name="shards"/> nodes, emptied.</summary>
    private async Task<ProxyProcess> StartProxyAsync(int shards)
    {
        foreach (var node in nodes.All)
        {
            await using var direct = await node.ConnectAsync();
            Assert.Equal("+OK\r\n", await direct.CommandAsync("FLUSHALL"));
        }
        var masters = string.Join(", ", nodes.All.Take(shards).Select(n => $$"""{"master": "127.0.0.1:{{n.Port}}"}"""));
        return await ProxyProcess.StartAsync($$"""[{"name": "t1", "password": "p1", "shards": [{{masters}}]}]""");
    }

    private static async Task Write(RawConnection c, List<string> keys, string key, string command, params string[] args)
    {
        Assert.DoesNotContain("-", (await c.CommandAsync([command, key, .. args]))[..1]);
        keys.Add(key);
    }
}
