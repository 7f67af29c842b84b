using Istore.Tests.Infrastructure;

namespace Istore.Tests.Replication;

public sealed class PublishReplicationTestsOnMemory() : PublishReplicationTests("memory");
public sealed class PublishReplicationTestsOnDisk() : PublishReplicationTests("disk");

/// <summary>
/// PUBLISH and SPUBLISH reach a replica's subscribers as in Redis: a master propagates them (alone,
/// inside MULTI, from a script) and its offset moves — once it keeps a backlog; a replica's own
/// publish stays local; a restart does not trip over (or re-send) the logged messages.
/// </summary>
public abstract class PublishReplicationTests(string engine)
{
    private static string Message(string kind, string channel, string payload) =>
        $"*3\r\n${kind.Length}\r\n{kind}\r\n${channel.Length}\r\n{channel}\r\n${payload.Length}\r\n{payload}\r\n";

    /// <summary>A message crosses the replication link: a busy machine may take a while.</summary>
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    private static async Task<long> OffsetAsync(NodeProcess node) =>
        long.Parse((await ReplicationGroup.InfoAsync(node))["master_repl_offset"]);

    [Fact]
    public async Task A_replicas_subscribers_hear_what_the_master_publishes()
    {
        await using var group = await ReplicationGroup.StartAsync(engine, replicas: 1);
        var replica = group.Replicas[0];
        await group.WaitInSyncAsync();
        await using var subscriber = await replica.ConnectAsync();
        await subscriber.ReadValueAfterAsync("SUBSCRIBE", "pr:news");
        await subscriber.ReadValueAfterAsync("SSUBSCRIBE", "pr:shard");
        await using var master = await group.Master.ConnectAsync();
        long before = await OffsetAsync(group.Master);

        Assert.Equal(":0\r\n", await master.CommandAsync("PUBLISH", "pr:news", "alone"));
        Assert.Equal(Message("message", "pr:news", "alone"), await subscriber.ReadFrameAsync(Generous));
        Assert.Equal(":0\r\n", await master.CommandAsync("SPUBLISH", "pr:shard", "sharded"));
        Assert.Equal(Message("smessage", "pr:shard", "sharded"), await subscriber.ReadFrameAsync(Generous));
        Assert.True(await OffsetAsync(group.Master) > before, "the master's offset did not move for PUBLISH");

        await master.CommandAsync("MULTI");
        await master.CommandAsync("PUBLISH", "pr:news", "in-multi");
        await master.CommandAsync("SET", "pr:key", "v");
        Assert.Equal("*2\r\n:0\r\n+OK\r\n", await master.CommandAsync("EXEC"));
        Assert.Equal(Message("message", "pr:news", "in-multi"), await subscriber.ReadFrameAsync(Generous));
        Assert.Equal(":0\r\n", await master.CommandAsync("EVAL", "return redis.call('publish', ARGV[1], ARGV[2])", "0", "pr:news", "scripted"));
        Assert.Equal(Message("message", "pr:news", "scripted"), await subscriber.ReadFrameAsync(Generous));
        await group.WaitInSyncAsync();
        Assert.Equal("$1\r\nv\r\n", await ReplicationGroup.CommandAsync(replica, "GET", "pr:key"));

        // The replica's own publish reaches its subscribers but is not written to its stream.
        long replicaOffset = await OffsetAsync(replica);
        Assert.Equal(":1\r\n", await ReplicationGroup.CommandAsync(replica, "PUBLISH", "pr:news", "local"));
        Assert.Equal(Message("message", "pr:news", "local"), await subscriber.ReadFrameAsync(Generous));
        Assert.Equal(replicaOffset, await OffsetAsync(replica));
        await group.AssertDigestsEqualAsync();
    }

    [Fact]
    public async Task A_restart_replays_the_writes_around_logged_messages_without_sending_them_again()
    {
        await using var group = await ReplicationGroup.StartAsync(engine, replicas: 0);
        var node = group.Master;
        await using (var c = await node.ConnectAsync())
        {
            // No replica has attached yet: as Redis, a publish is not even counted in the offset.
            long offset = await OffsetAsync(node);
            Assert.Equal(":0\r\n", await c.CommandAsync("PUBLISH", "pr:news", "unlogged"));
            Assert.Equal(offset, await OffsetAsync(node));
            await group.AddReplicaAsync();
            await group.WaitInSyncAsync();
            Assert.Equal(":0\r\n", await c.CommandAsync("PUBLISH", "pr:news", "before"));
            Assert.Equal(":0\r\n", await c.CommandAsync("spublish", "pr:shard", "before"));
            Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "pr:after", "kept"));
        }
        node.Kill();
        await node.RestartAsync();
        await using var subscriber = await node.ConnectAsync();
        await subscriber.ReadValueAfterAsync("SUBSCRIBE", "pr:news");
        await using var c2 = await node.ConnectAsync();
        Assert.Equal("$4\r\nkept\r\n", await c2.CommandAsync("GET", "pr:after"));
        Assert.Equal(":1\r\n", await c2.CommandAsync("PUBLISH", "pr:news", "after"));
        Assert.Equal(Message("message", "pr:news", "after"), await subscriber.ReadFrameAsync(Generous));
        Assert.DoesNotContain("answered an error", node.Output);
        Assert.DoesNotContain("truncating", node.Output);
    }
}
