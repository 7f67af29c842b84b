using System.Text;
using Istore.Tests.Infrastructure;

namespace Istore.Tests.Replication;

/// <summary>
/// A disk replica applies each read of its master's stream as one batch, and stores the plain SETs
/// in it without reading whether their key existed (the key count is recounted when asked): its
/// DBSIZE and INFO keyspace must still be the master's, with overwrites, deletes of keys the same
/// pipeline made, and keys with an expiry (which the blind path must not skip over) in the mix.
/// </summary>
public sealed class DiskReplicaKeyCountTests
{
    [Fact]
    public async Task A_disk_replicas_counts_match_its_masters_after_a_pipeline_of_sets_overwrites_deletes_and_expiries()
    {
        await using var group = await ReplicationGroup.StartAsync("disk", replicas: 1);
        var replica = group.Replicas[0];
        await group.WaitInSyncAsync();
        Assert.Equal(":0\r\n", await replica.DbSizeAsync());   // a recount: the full sync's files left the count unknown
        var commands = new List<string[]>();
        for (int i = 0; i < 2000; i++)
            commands.Add(["SET", $"k:{i}", "v"]);
        for (int i = 0; i < 2000; i += 2)
            commands.Add(["SET", $"k:{i}", "overwritten"]);
        for (int i = 0; i < 2000; i += 3)
            commands.Add(["DEL", $"k:{i}"]);
        commands.Add(["SET", "volatile:1", "v", "PX", "600000"]);
        commands.Add(["SET", "volatile:1", "persistent now"]);   // a plain SET over a key with an expiry
        commands.Add(["SET", "volatile:2", "v", "PX", "600000"]);
        commands.Add(["SET", "k:5000", "after the expiries"]);

        await using (var c = await group.Master.ConnectAsync())
        {
            var text = new StringBuilder();
            foreach (var command in commands)
                text.Append(RespEncoding.CommandText(Encoding.ASCII, command));
            await c.SendAsync(text.ToString());
            foreach (var _ in commands)
            {
                string reply = await c.ReadFrameAsync();
                Assert.False(reply.StartsWith('-'), reply);
            }
        }
        await group.WaitInSyncAsync();

        // 2,000 keys, 667 deleted, volatile:1, volatile:2 and k:5000 added; one key expires.
        Assert.Equal(":1336\r\n", await group.Master.DbSizeAsync());
        Assert.Equal(":1336\r\n", await replica.DbSizeAsync());
        Assert.Equal("keys=1336,expires=1,avg_ttl=0", (await ReplicationGroup.InfoAsync(replica, "keyspace"))["db0"]);
        await group.AssertDigestsEqualAsync();
    }
}
