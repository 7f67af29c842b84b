using Istore.Tests.Infrastructure;
using StackExchange.Redis;

namespace Istore.Tests.Node.Streams;

/// <summary>
/// Streams through a real client library (StackExchange.Redis) against the node binary — the AOT
/// executable in CI's smoke run — and a stream with a consumer group through kill -9 after a checkpoint.
/// </summary>
public abstract class StreamNodeSmokeTests(NodeFixture fixture)
{
    [Fact]
    public async Task A_client_library_adds_reads_in_a_group_acknowledges_and_inspects()
    {
        var db = fixture.Db;
        var first = await db.StreamAddAsync("smoke:x", [new NameValueEntry("sensor", "a"), new NameValueEntry("value", "1")]);
        await db.StreamAddAsync("smoke:x", "sensor", "b");
        Assert.Equal(2, await db.StreamLengthAsync("smoke:x"));
        Assert.True(await db.StreamCreateConsumerGroupAsync("smoke:x", "workers", StreamPosition.Beginning));
        var read = await db.StreamReadGroupAsync("smoke:x", "workers", "alice", StreamPosition.NewMessages, count: 10);
        Assert.Equal(2, read.Length);
        Assert.Equal(first, read[0].Id);
        Assert.Equal("a", read[0]["sensor"]);
        var pending = await db.StreamPendingAsync("smoke:x", "workers");
        Assert.Equal(2, pending.PendingMessageCount);
        Assert.Equal("alice", pending.Consumers.Single().Name);
        Assert.Equal(1, await db.StreamAcknowledgeAsync("smoke:x", "workers", first));
        var info = await db.StreamInfoAsync("smoke:x");
        Assert.Equal(2, info.Length);
        Assert.Equal(1, info.ConsumerGroupCount);
        var groups = await db.StreamGroupInfoAsync("smoke:x");
        Assert.Equal(1, groups.Single().PendingMessageCount);
        var range = await db.StreamRangeAsync("smoke:x", "-", "+", messageOrder: Order.Descending);
        Assert.Equal("b", range[0]["sensor"]);
        Assert.Equal(1, await db.StreamTrimAsync("smoke:x", 1));
    }

    [Fact]
    public async Task A_stream_and_its_group_survive_kill_9_after_a_checkpoint()
    {
        await using var node = await fixture.StartNodeAsync();
        await using (var c = await node.ConnectAsync())
        {
            await c.CommandAsync("XADD", "keep:x", "1-1", "f", "v");
            await c.CommandAsync("XGROUP", "CREATE", "keep:x", "g", "0");
            Assert.Equal("+OK\r\n", await c.CommandAsync("SAVE"));
            await c.CommandAsync("XADD", "keep:x", "2-1", "f", "w");
            await c.ReadValueAfterAsync("XREADGROUP", "GROUP", "g", "c", "STREAMS", "keep:x", ">");
        }
        node.Kill();
        await node.RestartAsync();
        await using var check = await node.ConnectAsync();
        Assert.Equal(":2\r\n", await check.CommandAsync("XLEN", "keep:x"));
        Assert.Equal("*4\r\n:2\r\n$3\r\n1-1\r\n$3\r\n2-1\r\n*1\r\n*2\r\n$1\r\nc\r\n$1\r\n2\r\n", await check.CommandAsync("XPENDING", "keep:x", "g"));
    }
}
