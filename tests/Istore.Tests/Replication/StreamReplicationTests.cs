using Istore.Tests.Infrastructure;
using Istore.Tests.Node.Streams;

namespace Istore.Tests.Replication;

/// <summary>
/// Streams with consumer groups reach a replica exactly, through the full sync (the checkpoint
/// form) and through the stream of logged effects (XADD with its ID, exact trims, group reads and
/// claims as XCLAIM/XGROUP SETID/XACK): the replica's DEBUG DIGEST and every XINFO STREAM FULL
/// field but consumers' seen times equal the master's.
/// </summary>
public sealed class StreamReplicationTests
{
    [Theory]
    [InlineData("memory")]
    [InlineData("disk")]
    public async Task A_replica_holds_the_masters_streams_groups_and_pels(string engine)
    {
        await using var group = await ReplicationGroup.StartAsync(engine, replicas: 0);
        await using (var c = await group.Master.ConnectAsync())
        {
            for (int i = 0; i < 150; i++)
                await c.CommandAsync("XADD", "sd:before", "MAXLEN", "~", "120", "*", "n", i.ToString());
            await c.CommandAsync("XGROUP", "CREATE", "sd:before", "g", "0");
            await c.ReadValueAfterAsync("XREADGROUP", "GROUP", "g", "early", "COUNT", "7", "STREAMS", "sd:before", ">");
        }
        await group.AddReplicaAsync();   // a full sync carries the streams above
        await using (var c = await group.Master.ConnectAsync())
            await StreamDurabilityTests.WriteAsync(group.Master, c, saveHalfway: false);
        await group.WaitInSyncAsync();
        string expected;
        await using (var c = await group.Master.ConnectAsync())
            expected = await StreamDurabilityTests.DumpAsync(c) + await c.CommandAsync("XINFO", "STREAM", "sd:before", "FULL");
        await using (var r = await group.Replicas[0].ConnectAsync())
        {
            string actual = await StreamDurabilityTests.DumpAsync(r) + await r.CommandAsync("XINFO", "STREAM", "sd:before", "FULL");
            Assert.Equal(MaskSeen(expected), MaskSeen(actual));
        }
        await group.AssertDigestsEqualAsync();
    }

    private static string MaskSeen(string dump) =>
        System.Text.RegularExpressions.Regex.Replace(dump, @"seen-time\r\n:\d+", "seen-time ?");
}
