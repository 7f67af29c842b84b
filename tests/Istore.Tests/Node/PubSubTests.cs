using System.Text;
using Istore.Tests.Infrastructure;
using Istore.Tests.Net;
using StackExchange.Redis;

namespace Istore.Tests.Node;

/// <summary>
/// SUBSCRIBE PSUBSCRIBE UNSUBSCRIBE PUNSUBSCRIBE PUBLISH PUBSUB against a real node: replies and
/// messages byte for byte in RESP2 (arrays) and RESP3 (push frames), receiver counts, the RESP2
/// subscribed context, clean-up on disconnect, delivery across event loops, and a real client.
/// </summary>
public abstract class PubSubTests(NodeFixture fixture, RedisServerFixture redis)
{
    private static string Bulk(string value) => $"${Encoding.UTF8.GetByteCount(value)}\r\n{value}\r\n";

    private static string Frame(char kind, params string[] items) => $"{kind}{items.Length}\r\n" + string.Concat(items);

    private static string Message(char kind, string channel, string message) => Frame(kind, Bulk("message"), Bulk(channel), Bulk(message));

    private static string Subscription(char kind, string reply, string subject, int count) => Frame(kind, Bulk(reply), Bulk(subject), $":{count}\r\n");

    private static async Task<RawConnection> SubscribedAsync(Func<Task<RawConnection>> connect, params string[] channels)
    {
        var c = await connect();
        await c.SendCommandAsync(["SUBSCRIBE", .. channels]);
        for (int i = 0; i < channels.Length; i++)
            Assert.Equal(Subscription('*', "subscribe", channels[i], i + 1), await c.ReadFrameAsync());
        return c;
    }

    [Fact]
    public async Task Publish_reaches_every_subscriber_and_counts_them()
    {
        await using var a = await SubscribedAsync(fixture.ConnectAsync, "ps:news", "ps:other");
        await using var b = await SubscribedAsync(fixture.ConnectAsync, "ps:news");
        await using var publisher = await fixture.ConnectAsync();
        Assert.Equal(":2\r\n", await publisher.CommandAsync("PUBLISH", "ps:news", "hello"));
        Assert.Equal(":1\r\n", await publisher.CommandAsync("PUBLISH", "ps:other", "bin\0ary"));
        Assert.Equal(":0\r\n", await publisher.CommandAsync("PUBLISH", "ps:nobody", "x"));
        Assert.Equal(Message('*', "ps:news", "hello"), await a.ReadFrameAsync());
        Assert.Equal(Message('*', "ps:other", "bin\0ary"), await a.ReadFrameAsync());
        Assert.Equal(Message('*', "ps:news", "hello"), await b.ReadFrameAsync());
    }

    [Fact]
    public async Task Replies_match_redis_server_step_by_step()
    {
        await using var c = await fixture.ConnectAsync();
        await using var oracle = await RawConnection.ConnectAsync(redis.Port);
        await OracleScript.AssertSameRepliesAsync(c, oracle,
            "UNSUBSCRIBE", "PUNSUBSCRIBE", "UNSUBSCRIBE o:never", "PUBSUB NUMSUB o:a o:b", "PUBSUB NUMPAT extra", "PUBSUB HELP",
            "PUBSUB HELP x", "PUBSUB nope", "PUBSUB CHANNELS a b", "PUBSUB", "PUBLISH o:a", "SUBSCRIBE",
            "SUBSCRIBE o:a", "SUBSCRIBE o:b", "PSUBSCRIBE o:*", "SUBSCRIBE o:a",
            "GET x", "PING", "PING hi", "CONFIG GET maxmemory", "CLIENT LIST", "MULTI", "PUBLISH o:a x", "PUBSUB NUMSUB o:a",
            "UNSUBSCRIBE o:a", "UNSUBSCRIBE o:c", "PUNSUBSCRIBE o:*", "UNSUBSCRIBE", "UNSUBSCRIBE", "PING",
            "PUBSUB CHANNELS o:*");
        await c.ReadValueAfterAsync("HELLO", "3");
        await oracle.ReadValueAfterAsync("HELLO", "3");
        await OracleScript.AssertSameRepliesAsync(c, oracle,
            "SUBSCRIBE o:a", "PSUBSCRIBE o:*", "PING", "GET o:missing", "UNSUBSCRIBE o:a", "PUNSUBSCRIBE", "UNSUBSCRIBE");
    }

    [Fact]
    public async Task Pattern_subscribers_get_pmessage_once_per_matching_pattern()
    {
        await using var p = await fixture.ConnectAsync();
        Assert.Equal(Subscription('*', "psubscribe", "pp:*", 1), await p.CommandAsync("PSUBSCRIBE", "pp:*"));
        await p.SendCommandAsync("PSUBSCRIBE", "pp:n?ws", "pp:[xy]");
        Assert.Equal(Subscription('*', "psubscribe", "pp:n?ws", 2), await p.ReadFrameAsync());
        Assert.Equal(Subscription('*', "psubscribe", "pp:[xy]", 3), await p.ReadFrameAsync());
        Assert.Equal(Subscription('*', "subscribe", "pp:news", 4), await p.CommandAsync("SUBSCRIBE", "pp:news"));
        await using var publisher = await fixture.ConnectAsync();
        Assert.Equal(":3\r\n", await publisher.CommandAsync("PUBLISH", "pp:news", "m"));
        Assert.Equal(":1\r\n", await publisher.CommandAsync("PUBLISH", "pp:z", "n"));
        var frames = new List<string>();
        for (int i = 0; i < 4; i++)
            frames.Add(await p.ReadFrameAsync());
        Assert.Equal(Message('*', "pp:news", "m"), frames[0]);
        Assert.Equal(
            new[] { "pp:*", "pp:n?ws" }.Select(pattern => Frame('*', Bulk("pmessage"), Bulk(pattern), Bulk("pp:news"), Bulk("m"))).Order(),
            frames[1..3].Order());
        Assert.Equal(Frame('*', Bulk("pmessage"), Bulk("pp:*"), Bulk("pp:z"), Bulk("n")), frames[3]);
    }

    [Fact]
    public async Task Unsubscribe_replies_per_subject_and_a_null_subject_when_there_was_none()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(Frame('*', Bulk("unsubscribe"), "$-1\r\n", ":0\r\n"), await c.CommandAsync("UNSUBSCRIBE"));
        Assert.Equal(Frame('*', Bulk("punsubscribe"), "$-1\r\n", ":0\r\n"), await c.CommandAsync("PUNSUBSCRIBE"));
        Assert.Equal(Subscription('*', "unsubscribe", "un:never", 0), await c.CommandAsync("UNSUBSCRIBE", "un:never"));
        await c.SendCommandAsync("SUBSCRIBE", "un:a", "un:a", "un:b");
        Assert.Equal(Subscription('*', "subscribe", "un:a", 1), await c.ReadFrameAsync());
        Assert.Equal(Subscription('*', "subscribe", "un:a", 1), await c.ReadFrameAsync());
        Assert.Equal(Subscription('*', "subscribe", "un:b", 2), await c.ReadFrameAsync());
        Assert.Equal(Subscription('*', "psubscribe", "un:*", 3), await c.CommandAsync("PSUBSCRIBE", "un:*"));
        Assert.Equal(Subscription('*', "unsubscribe", "un:a", 2), await c.CommandAsync("UNSUBSCRIBE", "un:a"));
        Assert.Equal(Subscription('*', "unsubscribe", "un:b", 1), await c.CommandAsync("UNSUBSCRIBE"));
        Assert.Equal(Subscription('*', "punsubscribe", "un:*", 0), await c.CommandAsync("PUNSUBSCRIBE"));
        // Out of the subscribed context: ordinary commands again.
        Assert.Equal("+PONG\r\n", await c.CommandAsync("PING"));
    }

    [Fact]
    public async Task Resp2_subscribed_context_allows_only_subscription_commands_ping_quit_reset()
    {
        await using var c = await SubscribedAsync(fixture.ConnectAsync, "ctx:a");
        const string tail = "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n";
        Assert.Equal("-ERR Can't execute 'get" + tail, await c.CommandAsync("GET", "x"));
        Assert.Equal("-ERR Can't execute 'config|get" + tail, await c.CommandAsync("CONFIG", "GET", "maxmemory"));
        Assert.Equal("-ERR Can't execute 'multi" + tail, await c.CommandAsync("MULTI"));
        Assert.Equal("-ERR Can't execute 'publish" + tail, await c.CommandAsync("PUBLISH", "ctx:a", "x"));
        Assert.Equal("*2\r\n$4\r\npong\r\n$0\r\n\r\n", await c.CommandAsync("PING"));
        Assert.Equal("*2\r\n$4\r\npong\r\n$2\r\nhi\r\n", await c.CommandAsync("PING", "hi"));
        Assert.Equal("+RESET\r\n", await c.CommandAsync("RESET"));
        Assert.Equal("$-1\r\n", await c.CommandAsync("GET", "ctx:missing"));
        await using var publisher = await fixture.ConnectAsync();
        Assert.Equal(":0\r\n", await publisher.CommandAsync("PUBLISH", "ctx:a", "after reset"));
    }

    [Fact]
    public async Task Resp3_uses_push_frames_allows_every_command_and_delivers_own_messages_before_the_reply()
    {
        await using var c = await fixture.ConnectAsync();
        await c.ReadValueAfterAsync("HELLO", "3");
        Assert.Equal(Subscription('>', "subscribe", "r3:a", 1), await c.CommandAsync("SUBSCRIBE", "r3:a"));
        Assert.Equal(Frame('>', Bulk("psubscribe"), Bulk("r3:*"), ":2\r\n"), await c.CommandAsync("PSUBSCRIBE", "r3:*"));
        Assert.Equal("+PONG\r\n", await c.CommandAsync("PING"));
        Assert.Equal("_\r\n", await c.CommandAsync("GET", "r3:missing"));
        await c.SendCommandAsync("PUBLISH", "r3:a", "self");
        Assert.Equal(Message('>', "r3:a", "self"), await c.ReadFrameAsync());
        Assert.Equal(Frame('>', Bulk("pmessage"), Bulk("r3:*"), Bulk("r3:a"), Bulk("self")), await c.ReadFrameAsync());
        Assert.Equal(":2\r\n", await c.ReadFrameAsync());
        await using var publisher = await fixture.ConnectAsync();
        Assert.Equal(":1\r\n", await publisher.CommandAsync("PUBLISH", "r3:b", "other"));
        Assert.Equal(Frame('>', Bulk("pmessage"), Bulk("r3:*"), Bulk("r3:b"), Bulk("other")), await c.ReadFrameAsync());
        Assert.Equal(Frame('>', Bulk("unsubscribe"), Bulk("r3:a"), ":1\r\n"), await c.CommandAsync("UNSUBSCRIBE"));
        Assert.Equal(Frame('>', Bulk("unsubscribe"), "_\r\n", ":1\r\n"), await c.CommandAsync("UNSUBSCRIBE"));
    }

    [Fact]
    public async Task Pubsub_introspection_counts_channels_subscribers_and_patterns()
    {
        await using var node = await fixture.StartNodeAsync();
        await using var a = await SubscribedAsync(node.ConnectAsync, "news.tech", "news.art");
        await using var b = await SubscribedAsync(node.ConnectAsync, "news.tech", "sport");
        await using var p = await node.ConnectAsync();
        await p.SendCommandAsync("PSUBSCRIBE", "news.*", "news.*", "s*");
        for (int i = 0; i < 3; i++)
            await p.ReadFrameAsync();
        await using var q = await node.ConnectAsync();
        await q.CommandAsync("PSUBSCRIBE", "news.*");
        await using var c = await node.ConnectAsync();
        Assert.Equal(new[] { "news.art", "news.tech", "sport" }, Sorted(await c.ReadValueAfterAsync("PUBSUB", "CHANNELS")));
        Assert.Equal(new[] { "news.art", "news.tech" }, Sorted(await c.ReadValueAfterAsync("PUBSUB", "channels", "news.*")));
        Assert.Equal("*0\r\n", await c.CommandAsync("PUBSUB", "CHANNELS", "none*"));
        Assert.Equal("*6\r\n" + Bulk("news.tech") + ":2\r\n" + Bulk("sport") + ":1\r\n" + Bulk("news.*") + ":0\r\n",
            await c.CommandAsync("PUBSUB", "NUMSUB", "news.tech", "sport", "news.*"));
        Assert.Equal("*0\r\n", await c.CommandAsync("PUBSUB", "NUMSUB"));
        Assert.Equal(":2\r\n", await c.CommandAsync("PUBSUB", "NUMPAT"));
        Assert.Equal(":4\r\n", await c.CommandAsync("PUBLISH", "news.tech", "x"));
        Assert.Equal("-ERR wrong number of arguments for 'pubsub|numpat' command\r\n", await c.CommandAsync("PUBSUB", "NUMPAT", "x"));
        Assert.Equal("-ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP.\r\n",
            await c.CommandAsync("PUBSUB", "CHANNELS", "a", "b"));
        Assert.Equal("-ERR unknown subcommand 'nope'. Try PUBSUB HELP.\r\n", await c.CommandAsync("PUBSUB", "nope"));
        Assert.Equal("-ERR wrong number of arguments for 'pubsub' command\r\n", await c.CommandAsync("PUBSUB"));
        Assert.Equal("-ERR wrong number of arguments for 'publish' command\r\n", await c.CommandAsync("PUBLISH", "x"));
        Assert.Equal("-ERR wrong number of arguments for 'subscribe' command\r\n", await c.CommandAsync("SUBSCRIBE"));
        Assert.Equal(14, (await c.ReadValueAfterAsync("PUBSUB", "HELP")).Count);

        // A disconnected subscriber is gone from every count.
        await b.DisposeAsync();
        await q.DisposeAsync();
        await WaitUntilAsync(async () => await c.CommandAsync("PUBSUB", "NUMSUB", "news.tech") == "*2\r\n" + Bulk("news.tech") + ":1\r\n");
        Assert.Equal(new[] { "news.art", "news.tech" }, Sorted(await c.ReadValueAfterAsync("PUBSUB", "CHANNELS")));
        Assert.Equal(":2\r\n", await c.CommandAsync("PUBSUB", "NUMPAT"));
        Assert.Equal(":2\r\n", await c.CommandAsync("PUBLISH", "news.tech", "y"));
    }

    [Fact]
    public async Task Client_list_shows_subscription_counts()
    {
        await using var c = await fixture.ConnectAsync();
        await using var other = await fixture.ConnectAsync();
        string id = (await c.ReadValueAfterAsync("CLIENT", "ID")).AsInteger().ToString();
        await c.CommandAsync("SUBSCRIBE", "cl:a");
        await c.CommandAsync("PSUBSCRIBE", "cl:*");
        await c.CommandAsync("PSUBSCRIBE", "cl:?");
        string line = (await other.ReadValueAfterAsync("CLIENT", "LIST", "ID", id)).AsString()!;
        Assert.Contains(" flags=P ", line);
        Assert.Contains(" sub=1 psub=2 ", line);
    }

    private static string[] Sorted(Istore.Net.Resp.RespValue array) => [.. array.AsStringArray().Select(s => s!).Order(StringComparer.Ordinal)];

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached within 5 s");
            await Task.Delay(20);
        }
    }

    /// <summary>Subscribers spread over both event loops all get every message, in publish order.</summary>
    [Fact]
    public async Task Messages_cross_event_loops_in_order()
    {
        await using var node = await fixture.StartNodeAsync(["--threads", "2"]);
        var subscribers = new List<RawConnection>();
        for (int i = 0; i < 4; i++)
            subscribers.Add(await SubscribedAsync(node.ConnectAsync, "loop:ch"));
        await using var publisher = await node.ConnectAsync();
        for (int m = 0; m < 50; m++)
            Assert.Equal(":4\r\n", await publisher.CommandAsync("PUBLISH", "loop:ch", $"m{m}"));
        foreach (var subscriber in subscribers)
        {
            for (int m = 0; m < 50; m++)
                Assert.Equal(Message('*', "loop:ch", $"m{m}"), await subscriber.ReadFrameAsync());
            await subscriber.DisposeAsync();
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task StackExchange_redis_subscriber_receives_channel_and_pattern_messages(int protocol)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(NodeFixture.Options(fixture.Node.Port, protocol));
        var received = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnMessage(RedisChannel channel, RedisValue value)
        {
            received.Enqueue($"{channel}={value}");
            if (received.Count == 3)
                all.TrySetResult();
        }
        var subscriber = redis.GetSubscriber();
        await subscriber.SubscribeAsync(RedisChannel.Literal($"se{protocol}:orders"), OnMessage);
        await subscriber.SubscribeAsync(RedisChannel.Pattern($"se{protocol}:o*"), OnMessage);
        Assert.Equal(2, await fixture.Db.PublishAsync(RedisChannel.Literal($"se{protocol}:orders"), "42"));
        Assert.Equal(1, await fixture.Db.PublishAsync(RedisChannel.Literal($"se{protocol}:other"), "7"));
        await all.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(new[] { $"se{protocol}:orders=42", $"se{protocol}:orders=42", $"se{protocol}:other=7" }, received.Order());
        await subscriber.UnsubscribeAllAsync();
        Assert.Equal(0, await fixture.Db.PublishAsync(RedisChannel.Literal($"se{protocol}:orders"), "gone"));
    }
}
