using System.Text;
using Istore.Tests.Infrastructure;

namespace Istore.Tests.Proxy;

/// <summary>
/// PUBSUB through istore-proxy answers for the tenant's whole fleet: CHANNELS and SHARDCHANNELS
/// list what any of its shards has, once; NUMSUB, SHARDNUMSUB and NUMPAT add up the shards' counts;
/// HELP and errors are one shard's. Another tenant's shards are not asked.
/// </summary>
public class ProxyPubSubIntrospectionTests(ProxyCluster cluster) : IClassFixture<ProxyCluster>
{
    private static string Bulk(string value) => $"${Encoding.UTF8.GetByteCount(value)}\r\n{value}\r\n";

    private static string ChannelOn(int shard, string prefix) =>
        Enumerable.Range(0, 1000).Select(i => $"{prefix}{i}").First(name => ExpectedRoute.Shard(name, 3) == shard);

    private static async Task<string[]> SortedAsync(RawConnection c, params string[] args) =>
        [.. (await c.ReadValueAfterAsync(args)).Items.Select(i => i.AsString()!).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Pubsub_introspection_sums_and_unites_the_tenants_shards()
    {
        await using var onZero = await cluster.Nodes[0].ConnectAsync();
        await onZero.ReadValueAfterAsync("SUBSCRIBE", "pi:news");
        await onZero.ReadValueAfterAsync("SUBSCRIBE", "pi:only0");
        await onZero.ReadValueAfterAsync("PSUBSCRIBE", "pi:*");
        await using var onOne = await cluster.Nodes[1].ConnectAsync();
        await onOne.ReadValueAfterAsync("SUBSCRIBE", "pi:news");
        string shard0 = ChannelOn(0, "pis:"), shard1 = ChannelOn(1, "pis:");
        await using var shardSubscriber = await cluster.ConnectAsync();
        await shardSubscriber.ReadValueAfterAsync("SSUBSCRIBE", shard0);
        await shardSubscriber.ReadValueAfterAsync("SSUBSCRIBE", shard1);

        await using var c = await cluster.ConnectAsync();
        Assert.Equal(["pi:news", "pi:only0"], await SortedAsync(c, "PUBSUB", "CHANNELS", "pi:*"));
        Assert.Equal("*6\r\n" + Bulk("pi:news") + ":2\r\n" + Bulk("pi:only0") + ":1\r\n" + Bulk("pi:none") + ":0\r\n",
            await c.CommandAsync("PUBSUB", "NUMSUB", "pi:news", "pi:only0", "pi:none"));
        Assert.Equal("*0\r\n", await c.CommandAsync("PUBSUB", "NUMSUB"));
        Assert.Equal(":1\r\n", await c.CommandAsync("PUBSUB", "NUMPAT"));
        Assert.Equal(new[] { shard0, shard1 }.Order(StringComparer.Ordinal), await SortedAsync(c, "PUBSUB", "SHARDCHANNELS", "pis:*"));
        Assert.Equal("*4\r\n" + Bulk(shard1) + ":1\r\n" + Bulk("pis:none") + ":0\r\n", await c.CommandAsync("PUBSUB", "SHARDNUMSUB", shard1, "pis:none"));

        Assert.Equal("-ERR unknown subcommand 'nope'. Try PUBSUB HELP.\r\n", await c.CommandAsync("PUBSUB", "nope"));
        Assert.Equal("-ERR wrong number of arguments for 'pubsub|numpat' command\r\n", await c.CommandAsync("PUBSUB", "NUMPAT", "x"));
        Assert.Equal("-ERR wrong number of arguments for 'pubsub' command\r\n", await c.CommandAsync("PUBSUB"));
        Assert.Equal(14, (await c.ReadValueAfterAsync("PUBSUB", "HELP")).Count);

        await using var other = await cluster.ConnectAsync("t2", "p2");
        Assert.Equal("*0\r\n", await other.CommandAsync("PUBSUB", "CHANNELS", "pi*"));
        Assert.Equal(":0\r\n", await other.CommandAsync("PUBSUB", "NUMPAT"));
    }
}
