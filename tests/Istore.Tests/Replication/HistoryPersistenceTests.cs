using System.Text;
using Istore.Tests.Infrastructure;

namespace Istore.Tests.Replication;

/// <summary>
/// A memory-engine replica makes a full sync's history durable with a checkpoint after the load.
/// When that checkpoint fails (a full disk) and the replica is then re-pointed to another node of
/// the same history (HA does so right after a full sync), the retries must go on: once space
/// returns the history is durable, and a kill -9 restart continues incrementally with every
/// acknowledged write.
/// </summary>
public sealed class HistoryPersistenceTests
{
    private const int Keys = 100_000;

    [Fact]
    public async Task A_replica_re_pointed_after_its_history_checkpoint_failed_persists_it_once_space_returns()
    {
        using var disk = TmpfsMount.Create(5);
        await using var master = await NodeProcess.StartAsync(["--engine", "memory"]);
        await using var sibling = await NodeProcess.StartAsync(["--engine", "memory", "--replicaof", $"127.0.0.1:{master.Port}"]);
        // The snapshot the master sends (3–4 MB, spooled by the replica) fits in 5 MB; the checkpoint
        // after its load (6–7 MB: FASTER's records, 40 bytes a key, and its index) does not.
        long acknowledged = await WriteAsync(master);
        await ReplicationGroup.WaitInSyncAsync(master, [sibling]);

        await using var replica = await NodeProcess.StartAsync(["--engine", "memory", "--replicaof", $"127.0.0.1:{master.Port}"],
            Path.Combine(disk.Path, "data"));
        await ReplicationGroup.WaitForInfoAsync(replica, i => i["master_link_status"] == "up" && i["slave_repl_offset"] == i["master_repl_offset"]);
        await ReplicationGroup.WaitForInfoAsync(replica, i => i["rdb_last_bgsave_status"] == "err", "persistence");
        Assert.Equal("0", (await ReplicationGroup.InfoAsync(replica))["repl_history_persisted"]);

        Assert.Equal("+OK\r\n", await ReplicationGroup.CommandAsync(replica, "REPLICAOF", "127.0.0.1", sibling.Port.ToString()));
        await ReplicationGroup.WaitForInfoAsync(replica, i => i["master_port"] == sibling.Port.ToString() && i["master_link_status"] == "up");
        disk.Resize(512);
        await ReplicationGroup.WaitInSyncAsync(sibling, [replica]);   // includes repl_history_persisted:1

        // Restarted with its --replicaof, it goes back to the master: same history, so it continues.
        var before = await ReplicationGroup.InfoAsync(master, "stats");
        replica.Kill();
        await replica.RestartAsync();
        await ReplicationGroup.WaitInSyncAsync(master, [replica]);
        var after = await ReplicationGroup.InfoAsync(master, "stats");
        Assert.Equal(long.Parse(before["sync_partial_ok"]) + 1, long.Parse(after["sync_partial_ok"]));
        Assert.Equal(before["sync_full"], after["sync_full"]);
        Assert.Equal($":{acknowledged}\r\n", await ReplicationGroup.CommandAsync(replica, "DBSIZE"));
        await ReplicationGroup.AssertSameDataAsync(master, replica);
    }

    /// <summary>Writes <see cref="Keys"/> 16-byte strings, pipelined; returns how many the master acknowledged.</summary>
    private static async Task<long> WriteAsync(NodeProcess master)
    {
        await using var c = await master.ConnectAsync();
        string value = new('v', 16);
        var text = new StringBuilder();
        for (int i = 0; i < Keys; i++)
            text.Append(RespEncoding.CommandText(Encoding.ASCII, ["SET", $"key:{i}", value]));
        await c.SendAsync(text.ToString());
        long acknowledged = 0;
        for (int i = 0; i < Keys; i++)
        {
            Assert.Equal("+OK\r\n", await c.ReadFrameAsync());
            acknowledged++;
        }
        return acknowledged;
    }
}
