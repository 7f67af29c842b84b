using System.Text;
using Istore.Tests.Infrastructure;
using Istore.Tests.Net;

namespace Istore.Tests.Node;

/// <summary>
/// Redis 7's shard channels on a node: SSUBSCRIBE SUNSUBSCRIBE SPUBLISH and PUBSUB
/// SHARDCHANNELS/SHARDNUMSUB, byte for byte against redis-server in RESP2 and RESP3 (errors and
/// the subscribed context included), and apart from ordinary channels and patterns.
/// </summary>
public abstract class ShardPubSubTests(NodeFixture fixture, RedisServerFixture redis)
{
    private static string Bulk(string value) => $"${Encoding.UTF8.GetByteCount(value)}\r\n{value}\r\n";

    private static string Frame(char kind, params string[] items) => $"{kind}{items.Length}\r\n" + string.Concat(items);

    [Fact]
    public async Task Replies_match_redis_server_step_by_step_in_resp2()
    {
        await using var c = await fixture.ConnectAsync();
        await using var oracle = await RawConnection.ConnectAsync(redis.Port);
        await OracleScript.AssertSameRepliesAsync(c, oracle,
            "SUNSUBSCRIBE", "SUNSUBSCRIBE so:never", "SSUBSCRIBE", "SPUBLISH so:a", "SPUBLISH so:a x y", "PUBSUB SHARDNUMSUB",
            "PUBSUB SHARDNUMSUB so:a so:b", "PUBSUB SHARDCHANNELS so:* extra", "COMMAND GETKEYS SPUBLISH so:a x",
            "COMMAND GETKEYS SSUBSCRIBE so:a so:b", "MULTI", "SSUBSCRIBE so:a", "SPUBLISH so:a x", "EXEC",
            "SSUBSCRIBE so:a", "SSUBSCRIBE so:b", "SSUBSCRIBE so:a", "SUBSCRIBE so:a", "PSUBSCRIBE so:*",
            "GET x", "SPUBLISH so:a x", "PING", "PUBSUB SHARDNUMSUB so:a", "SUNSUBSCRIBE so:a", "SUNSUBSCRIBE so:c",
            "SUNSUBSCRIBE", "SUNSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE", "PING", "PUBSUB SHARDCHANNELS");
    }

    [Fact]
    public async Task Replies_match_redis_server_step_by_step_in_resp3()
    {
        await using var c = await fixture.ConnectAsync();
        await using var oracle = await RawConnection.ConnectAsync(redis.Port);
        await c.ReadValueAfterAsync("HELLO", "3");
        await oracle.ReadValueAfterAsync("HELLO", "3");
        await OracleScript.AssertSameRepliesAsync(c, oracle,
            "SSUBSCRIBE s3:a", "SUBSCRIBE s3:b", "PING", "GET s3:missing", "SUNSUBSCRIBE s3:a", "SUNSUBSCRIBE", "UNSUBSCRIBE",
            "SUNSUBSCRIBE");
    }

    /// <summary>Several channels in one SSUBSCRIBE: one confirmation each, counting shard channels only.</summary>
    [Fact]
    public async Task Multi_channel_subscribe_and_unsubscribe_match_redis_server()
    {
        await using var c = await fixture.ConnectAsync();
        await using var oracle = await RawConnection.ConnectAsync(redis.Port);
        foreach (var (command, frames) in new[] { ("SUBSCRIBE sm:plain", 1), ("SSUBSCRIBE sm:a sm:b sm:a", 3), ("SUNSUBSCRIBE sm:b sm:x", 2) })
        {
            var args = command.Split(' ');
            await c.SendCommandAsync(args);
            await oracle.SendCommandAsync(args);
            for (int i = 0; i < frames; i++)
                Assert.Equal(await oracle.ReadFrameAsync(), await c.ReadFrameAsync());
        }
        Assert.Equal(Frame('*', Bulk("sunsubscribe"), Bulk("sm:a"), ":0\r\n"), await c.CommandAsync("SUNSUBSCRIBE"));
    }

    [Fact]
    public async Task Spublish_reaches_shard_subscribers_only_and_counts_them()
    {
        await using var node = await fixture.StartNodeAsync(["--threads", "2"]);
        await using var shard = await node.ConnectAsync();
        await using var other = await node.ConnectAsync();
        await using var plain = await node.ConnectAsync();
        await using var pattern = await node.ConnectAsync();
        string id = (await shard.ReadValueAfterAsync("CLIENT", "ID")).AsInteger().ToString();
        Assert.Equal(Frame('*', Bulk("ssubscribe"), Bulk("sp:ch"), ":1\r\n"), await shard.CommandAsync("SSUBSCRIBE", "sp:ch"));
        Assert.Equal(Frame('*', Bulk("ssubscribe"), Bulk("sp:ch"), ":1\r\n"), await other.CommandAsync("SSUBSCRIBE", "sp:ch"));
        await plain.CommandAsync("SUBSCRIBE", "sp:ch");
        await pattern.CommandAsync("PSUBSCRIBE", "sp:*");
        await using var publisher = await node.ConnectAsync();
        Assert.Equal(":2\r\n", await publisher.CommandAsync("SPUBLISH", "sp:ch", "hi"));
        Assert.Equal(":2\r\n", await publisher.CommandAsync("PUBLISH", "sp:ch", "plain"));
        foreach (var subscriber in new[] { shard, other })
            Assert.Equal(Frame('*', Bulk("smessage"), Bulk("sp:ch"), Bulk("hi")), await subscriber.ReadFrameAsync());
        Assert.Equal(Frame('*', Bulk("message"), Bulk("sp:ch"), Bulk("plain")), await plain.ReadFrameAsync());
        Assert.Equal(Frame('*', Bulk("pmessage"), Bulk("sp:*"), Bulk("sp:ch"), Bulk("plain")), await pattern.ReadFrameAsync());
        Assert.Equal("*1\r\n" + Bulk("sp:ch"), await publisher.CommandAsync("PUBSUB", "SHARDCHANNELS", "sp:*"));
        Assert.Equal("*2\r\n" + Bulk("sp:ch") + ":2\r\n", await publisher.CommandAsync("PUBSUB", "SHARDNUMSUB", "sp:ch"));
        Assert.Contains("pubsubshard_channels:1", (await publisher.ReadValueAfterAsync("INFO", "stats")).AsString());

        // A disconnected shard subscriber is gone from every count.
        await other.DisposeAsync();
        await WaitUntilAsync(async () => await publisher.CommandAsync("PUBSUB", "SHARDNUMSUB", "sp:ch") == "*2\r\n" + Bulk("sp:ch") + ":1\r\n");
        Assert.Equal(":1\r\n", await publisher.CommandAsync("SPUBLISH", "sp:ch", "again"));
        Assert.Equal(Frame('*', Bulk("smessage"), Bulk("sp:ch"), Bulk("again")), await shard.ReadFrameAsync());
        Assert.Contains(" ssub=1 ", (await publisher.ReadValueAfterAsync("CLIENT", "LIST", "ID", id)).AsString());
    }

    [Fact]
    public async Task Own_message_comes_before_the_spublish_reply_in_resp3()
    {
        await using var c = await fixture.ConnectAsync();
        await c.ReadValueAfterAsync("HELLO", "3");
        Assert.Equal(Frame('>', Bulk("ssubscribe"), Bulk("own:ch"), ":1\r\n"), await c.CommandAsync("SSUBSCRIBE", "own:ch"));
        await c.SendCommandAsync("SPUBLISH", "own:ch", "self");
        Assert.Equal(Frame('>', Bulk("smessage"), Bulk("own:ch"), Bulk("self")), await c.ReadFrameAsync());
        Assert.Equal(":1\r\n", await c.ReadFrameAsync());
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached within 5 s");
            await Task.Delay(20);
        }
    }
}
