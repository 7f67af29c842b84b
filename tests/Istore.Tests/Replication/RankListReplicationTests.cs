using Istore.Tests.Infrastructure;
using Istore.Tests.Node.Disk;

namespace Istore.Tests.Replication;

public sealed class RankListReplicationTestsOnMemory() : RankListReplicationTests("memory");
public sealed class RankListReplicationTestsOnDisk() : RankListReplicationTests("disk");

/// <summary>
/// Ranklists and bloom filters through replication: a seeded random stream of their writes (and
/// COPY, RENAME, EXPIRE, DEL over them) leaves the replica with the master's digest and the same
/// lists and filters, through a full sync of what was there and the stream after it.
/// </summary>
public abstract class RankListReplicationTests(string engine)
{
    [Fact]
    public async Task A_replica_holds_the_masters_ranklists_and_bloom_filters_after_a_full_sync_and_the_stream()
    {
        var random = new Random(17);
        await using var group = await ReplicationGroup.StartAsync(engine, replicas: 0);
        await using (var c = await group.Master.ConnectAsync())
            for (int step = 0; step < 200; step++)
                await c.CommandAsync(DiskRankListOracleTests.RandomWrite(random));
        await group.AddReplicaAsync();   // a full sync of what is there
        await using (var c = await group.Master.ConnectAsync())
            for (int step = 0; step < 300; step++)
                await c.CommandAsync(DiskRankListOracleTests.RandomWrite(random));
        await group.WaitInSyncAsync();
        await group.AssertDigestsEqualAsync();
        foreach (var key in DiskRankListOracleTests.Lists.Append("o:copy"))
            Assert.Equal(await ReplicationGroup.CommandAsync(group.Master, "RL.RANGE", key, "0", "-1", "WITHSCORES"),
                await ReplicationGroup.CommandAsync(group.Replicas[0], "RL.RANGE", key, "0", "-1", "WITHSCORES"));
        Assert.Equal(await ReplicationGroup.CommandAsync(group.Master, "BF.INFO", "o:bf"), await ReplicationGroup.CommandAsync(group.Replicas[0], "BF.INFO", "o:bf"));
    }
}
