using Istore.Tests.Infrastructure;
using StackExchange.Redis;

namespace Istore.Tests.Node;

/// <summary>
/// One command of each collection type, a transaction and pub/sub against the node binary (the AOT
/// executable in CI's smoke run, where serializers and generic code paths must work without JIT),
/// and the collections' survival of a restart.
/// </summary>
public abstract class CollectionNodeSmokeTests(NodeFixture fixture)
{
    [Fact]
    public async Task Serves_every_collection_type_a_transaction_and_pub_sub()
    {
        var db = fixture.Db;
        Assert.True(await db.HashSetAsync("smoke:h", "f", "v"));
        Assert.Equal(2, await db.ListRightPushAsync("smoke:l", ["a", "b"]));
        Assert.Equal(1, await db.SetAddAsync("smoke:s", ["m"]));
        Assert.True(await db.SortedSetAddAsync("smoke:z", "m", 1.5));
        Assert.Equal("v", await db.HashGetAsync("smoke:h", "f"));
        Assert.Equal("a", await db.ListLeftPopAsync("smoke:l"));
        Assert.True(await db.SetContainsAsync("smoke:s", "m"));
        Assert.Equal(1.5, await db.SortedSetScoreAsync("smoke:z", "m"));
        foreach (var (key, type) in new[] { ("smoke:h", "hash"), ("smoke:l", "list"), ("smoke:s", "set"), ("smoke:z", "zset") })
            Assert.Equal(type, (string?)await db.ExecuteAsync("TYPE", key));

        var transaction = db.CreateTransaction();
        var incremented = transaction.StringIncrementAsync("smoke:tx");
        var pushed = transaction.ListRightPushAsync("smoke:tx:l", "x");
        Assert.True(await transaction.ExecuteAsync());
        Assert.Equal(1, await incremented);
        Assert.Equal(1, await pushed);

        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var subscriber = fixture.Redis.GetSubscriber();
        await subscriber.SubscribeAsync(RedisChannel.Literal("smoke:channel"), (_, message) => received.TrySetResult(message!));
        Assert.Equal(1, await subscriber.PublishAsync(RedisChannel.Literal("smoke:channel"), "hello"));
        Assert.Equal("hello", await received.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Collections_survive_kill_9_and_a_checkpoint()
    {
        await using var node = await fixture.StartNodeAsync();
        await using (var c = await node.ConnectAsync())
        {
            await c.CommandAsync("HSET", "keep:h", "f", "v");
            await c.CommandAsync("RPUSH", "keep:l", "a", "b");
            Assert.Equal("+OK\r\n", await c.CommandAsync("SAVE"));
            await c.CommandAsync("SADD", "keep:s", "m");
            await c.CommandAsync("ZADD", "keep:z", "2", "m");
        }
        node.Kill();
        await node.RestartAsync();
        await using var check = await node.ConnectAsync();
        Assert.Equal("$1\r\nv\r\n", await check.CommandAsync("HGET", "keep:h", "f"));
        Assert.Equal("*2\r\n$1\r\na\r\n$1\r\nb\r\n", await check.CommandAsync("LRANGE", "keep:l", "0", "-1"));
        Assert.Equal(":1\r\n", await check.CommandAsync("SISMEMBER", "keep:s", "m"));
        Assert.Equal("$1\r\n2\r\n", await check.CommandAsync("ZSCORE", "keep:z", "m"));
    }
}
