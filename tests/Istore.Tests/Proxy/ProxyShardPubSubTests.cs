using System.Text;
using Istore.Tests.Infrastructure;

namespace Istore.Tests.Proxy;

/// <summary>
/// Shard channels through istore-proxy: SSUBSCRIBE and SPUBLISH go to the shard that owns the
/// channel's name (as a key would), the replies count the client's channels over all shards, and
/// a shard that goes away ends its subscriptions with an unsolicited "sunsubscribe" (Redis
/// Cluster's behaviour when a slot leaves its node), after which the client can subscribe again.
/// </summary>
public class ProxyShardPubSubTests(ProxyCluster cluster) : IClassFixture<ProxyCluster>
{
    private static string Bulk(string value) => $"${Encoding.UTF8.GetByteCount(value)}\r\n{value}\r\n";

    private static string Frame(char kind, params string[] items) => $"{kind}{items.Length}\r\n" + string.Concat(items);

    private static string Confirmation(char kind, string reply, string channel, int count) => Frame(kind, Bulk(reply), Bulk(channel), $":{count}\r\n");

    private static string Message(char kind, string channel, string message) => Frame(kind, Bulk("smessage"), Bulk(channel), Bulk(message));

    /// <summary>A channel named <paramref name="prefix"/>… that the proxy routes to <paramref name="shard"/>.</summary>
    private static string ChannelOn(int shard, string prefix) =>
        Enumerable.Range(0, 1000).Select(i => $"{prefix}{i}").First(name => ExpectedRoute.Shard(name, 3) == shard);

    [Fact]
    public async Task Subscriptions_live_on_the_shard_owning_the_channel_and_count_over_all_shards()
    {
        string onZero = ChannelOn(0, "sp0:"), onOne = ChannelOn(1, "sp1:");
        await using var c = await cluster.ConnectAsync();
        Assert.Equal(Confirmation('*', "ssubscribe", onZero, 1), await c.CommandAsync("SSUBSCRIBE", onZero));
        await c.SendCommandAsync("SSUBSCRIBE", onOne, onOne);
        Assert.Equal(Confirmation('*', "ssubscribe", onOne, 2), await c.ReadFrameAsync());
        Assert.Equal(Confirmation('*', "ssubscribe", onOne, 2), await c.ReadFrameAsync());

        await using var publisher = await cluster.ConnectAsync();
        Assert.Equal(":1\r\n", await publisher.CommandAsync("SPUBLISH", onZero, "via proxy"));
        Assert.Equal(Message('*', onZero, "via proxy"), await c.ReadFrameAsync());
        // Straight to the owning node, the subscriber is there; the other nodes never heard of it.
        await using (var owner = await cluster.Nodes[1].ConnectAsync())
            Assert.Equal(":1\r\n", await owner.CommandAsync("SPUBLISH", onOne, "on the node"));
        Assert.Equal(Message('*', onOne, "on the node"), await c.ReadFrameAsync());
        await using (var other = await cluster.Nodes[2].ConnectAsync())
            Assert.Equal(":0\r\n", await other.CommandAsync("SPUBLISH", onOne, "elsewhere"));

        // RESP2 subscribed context, as Redis: only subscription commands, PING, QUIT, RESET.
        Assert.Equal("-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n",
            await c.CommandAsync("GET", "x"));
        Assert.Equal("*2\r\n$4\r\npong\r\n$0\r\n\r\n", await c.CommandAsync("PING"));
        Assert.StartsWith("-CROSSSLOT", await c.CommandAsync("SSUBSCRIBE", onZero, onOne));

        Assert.Equal(Confirmation('*', "sunsubscribe", "never", 2), await c.CommandAsync("SUNSUBSCRIBE", "never"));
        await c.SendCommandAsync("SUNSUBSCRIBE");
        Assert.Equal(Confirmation('*', "sunsubscribe", onZero, 1), await c.ReadFrameAsync());
        Assert.Equal(Confirmation('*', "sunsubscribe", onOne, 0), await c.ReadFrameAsync());
        Assert.Equal(Frame('*', Bulk("sunsubscribe"), "$-1\r\n", ":0\r\n"), await c.CommandAsync("SUNSUBSCRIBE"));
        Assert.Equal("+PONG\r\n", await c.CommandAsync("PING"));
        // The links closed with the last channel: the shards forget the subscriber.
        await using var node = await cluster.Nodes[0].ConnectAsync();
        for (int attempt = 0; await node.CommandAsync("PUBSUB", "SHARDNUMSUB", onZero) != "*2\r\n" + Bulk(onZero) + ":0\r\n"; attempt++)
        {
            Assert.True(attempt < 100, "the shard still counts the proxy's subscriber");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task Resp3_clients_get_push_frames_and_keep_every_command()
    {
        string channel = ChannelOn(2, "sp3:");
        await using var c = await cluster.ConnectAsync();
        await c.ReadValueAfterAsync("HELLO", "3");
        Assert.Equal(Confirmation('>', "ssubscribe", channel, 1), await c.CommandAsync("SSUBSCRIBE", channel));
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "sp3:key", "v"));
        Assert.Equal(":1\r\n", await c.CommandAsync("SPUBLISH", channel, "own"));
        Assert.Equal(Message('>', channel, "own"), await c.ReadFrameAsync());
        Assert.Equal("$1\r\nv\r\n", await c.CommandAsync("GET", "sp3:key"));
        Assert.Equal(Confirmation('>', "sunsubscribe", channel, 0), await c.CommandAsync("SUNSUBSCRIBE", channel));
    }

    [Fact]
    public async Task A_shard_that_goes_away_ends_its_subscriptions_and_the_client_subscribes_again()
    {
        string lost = ChannelOn(2, "spk:"), kept = ChannelOn(0, "spk:");
        await using var c = await cluster.ConnectAsync();
        await c.CommandAsync("SSUBSCRIBE", lost);
        await c.CommandAsync("SSUBSCRIBE", kept);
        var victim = cluster.Nodes[2];
        victim.Kill();
        Assert.Equal(Confirmation('*', "sunsubscribe", lost, 1), await c.ReadFrameAsync());
        await using var publisher = await cluster.ConnectAsync();
        Assert.Equal(":1\r\n", await publisher.CommandAsync("SPUBLISH", kept, "still here"));
        Assert.Equal(Message('*', kept, "still here"), await c.ReadFrameAsync());

        await victim.RestartAsync();
        for (int attempt = 0; ; attempt++)
        {
            var reply = await c.CommandAsync("SSUBSCRIBE", lost);
            if (reply == Confirmation('*', "ssubscribe", lost, 2))
                break;
            Assert.True(attempt < 100, "never subscribed again: " + reply);
            await Task.Delay(50);
        }
        Assert.Equal(":1\r\n", await publisher.CommandAsync("SPUBLISH", lost, "back"));
        Assert.Equal(Message('*', lost, "back"), await c.ReadFrameAsync());
    }
}
