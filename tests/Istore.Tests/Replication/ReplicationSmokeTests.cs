using Istore.Tests.Infrastructure;

namespace Istore.Tests.Replication;

public sealed class ReplicationSmokeTestsOnMemory() : ReplicationSmokeTests("memory");
public sealed class ReplicationSmokeTestsOnDisk() : ReplicationSmokeTests("disk");

/// <summary>
/// One master → replica pair end to end. With ISTORE_NODE_BINARY set (CI does, after publishing),
/// this is the AOT smoke test of replication: full sync, stream, WAIT, semi-sync, promotion.
/// </summary>
public abstract class ReplicationSmokeTests(string engine)
{
    [Fact]
    public async Task A_master_and_replica_sync_stream_acknowledge_and_fail_over()
    {
        await using var group = await ReplicationGroup.StartAsync(engine, replicas: 0, masterArgs: ["--sync-replicas", "1"]);
        await using (var c = await group.Master.ConnectAsync())
        {
            await c.SendCommandAsync("CONFIG", "SET", "sync-replicas", "0");
            Assert.Equal("+OK\r\n", await c.ReadFrameAsync());
        }
        await ReplicationWorkload.WriteAsync(group.Master, "before", 20);
        var replica = await group.AddReplicaAsync();
        await group.AssertDigestsEqualAsync();
        Assert.Equal("+OK\r\n", await ReplicationGroup.CommandAsync(group.Master, "CONFIG", "SET", "sync-replicas", "1"));
        await ReplicationWorkload.WriteAsync(group.Master, "after", 20);
        Assert.Equal(":1\r\n", await ReplicationGroup.CommandAsync(group.Master, "WAIT", "1", "5000"));
        string digest = await ReplicationGroup.DigestAsync(group.Master);
        group.Master.Kill();
        Assert.Equal("+OK\r\n", await ReplicationGroup.CommandAsync(replica, "REPLICAOF", "NO", "ONE"));
        Assert.Equal(digest, await ReplicationGroup.DigestAsync(replica));
        Assert.Equal("+OK\r\n", await ReplicationGroup.CommandAsync(replica, "SET", "promoted", "yes"));
    }
}
