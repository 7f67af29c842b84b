using Istore.Tests.Infrastructure;

namespace Istore.Tests.Replication;

public sealed class NewFamiliesReplicationTestsOnMemory() : NewFamiliesReplicationTests("memory");
public sealed class NewFamiliesReplicationTestsOnDisk() : NewFamiliesReplicationTests("disk");

/// <summary>
/// Bitmaps, HyperLogLogs, GEO and SORT STORE through replication: a seeded random stream of their
/// writes on the master leaves the replica with the master's digest (through a full sync and the
/// stream), and a replica answers PFCOUNT without writing the cache back into its own data.
/// </summary>
public abstract class NewFamiliesReplicationTests(string engine)
{
    private static string[] RandomWrite(Random random, int step)
    {
        string bits = $"nb:bits{random.Next(3)}", hll = $"nb:hll{random.Next(3)}", geo = $"nb:geo{random.Next(2)}";
        return random.Next(10) switch
        {
            0 => ["SETBIT", bits, random.Next(0, 5000).ToString(), random.Next(2).ToString()],
            1 => ["BITFIELD", bits, "OVERFLOW", random.Next(2) == 0 ? "SAT" : "WRAP", "INCRBY", "i7", $"#{random.Next(50)}", random.Next(-100, 100).ToString()],
            2 => ["BITFIELD", bits, "SET", "u9", random.Next(0, 3000).ToString(), random.Next(512).ToString()],
            3 => ["BITOP", "OR", $"nb:bits{random.Next(3)}", bits, $"nb:bits{random.Next(3)}"],
            4 => ["PFADD", hll, .. Enumerable.Range(0, random.Next(1, random.Next(2) == 0 ? 5 : 800)).Select(i => $"{step}:{i}")],
            5 => ["PFCOUNT", hll],
            6 => ["PFMERGE", $"nb:hll{random.Next(3)}", hll],
            7 => ["GEOADD", geo, (random.NextDouble() * 20).ToString("0.0000"), (30 + random.NextDouble() * 20).ToString("0.0000"), $"m{random.Next(200)}"],
            8 => ["GEOSEARCHSTORE", $"nb:near{random.Next(2)}", geo, "FROMLONLAT", "10", "40", "BYRADIUS", random.Next(50, 1500).ToString(), "km", "STOREDIST"],
            _ => ["SORT", geo, "BY", "nosort", "LIMIT", "0", random.Next(1, 20).ToString(), "STORE", $"nb:sorted{random.Next(2)}"],
        };
    }

    [Fact]
    public async Task A_replica_reaches_the_masters_digest_after_random_writes_of_the_new_families()
    {
        var random = new Random(41);
        await using var group = await ReplicationGroup.StartAsync(engine, replicas: 0);
        await using (var c = await group.Master.ConnectAsync())
            for (int step = 0; step < 300; step++)
                Assert.False((await c.CommandAsync(RandomWrite(random, step))).StartsWith('-'));
        await group.AddReplicaAsync();   // a full sync of what is there
        await using (var c = await group.Master.ConnectAsync())
            for (int step = 300; step < 900; step++)
                Assert.False((await c.CommandAsync(RandomWrite(random, step))).StartsWith('-'));
        await group.WaitInSyncAsync();
        await group.AssertDigestsEqualAsync();

        // PFADD leaves the cached count stale; the replica computes it but does not store it.
        await using (var c = await group.Master.ConnectAsync())
            Assert.Equal(":1\r\n", await c.CommandAsync("PFADD", "nb:fresh", "a", "b", "c"));
        await group.WaitInSyncAsync();
        string onReplica = await ReplicationGroup.CommandAsync(group.Replicas[0], "PFCOUNT", "nb:fresh");
        await group.AssertDigestsEqualAsync();
        Assert.Equal(onReplica, await ReplicationGroup.CommandAsync(group.Master, "PFCOUNT", "nb:fresh"));
        await group.WaitInSyncAsync();
        await group.AssertDigestsEqualAsync();
    }
}
