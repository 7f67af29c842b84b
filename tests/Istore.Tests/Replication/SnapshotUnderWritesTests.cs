using Istore.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Istore.Tests.Replication;

/// <summary>
/// The memory engine writes its collections out while writes go on (copy-on-write per collection).
/// Writes that are not idempotent (HINCRBY, LPUSH, RPOPLPUSH, RENAME) run against big hashes and
/// lists during checkpoints and during a full sync: a collection captured after it changed would
/// apply those writes twice on replay, so the restarted node's digest, or the replica's, would differ.
/// </summary>
public sealed class SnapshotUnderWritesTests(ITestOutputHelper output)
{
    private const int Hashes = 100, Fields = 2000, Lists = 50;

    private static async Task FillAsync(NodeProcess node)
    {
        await using var c = await node.ConnectAsync();
        for (int h = 0; h < Hashes; h++)
        {
            var args = new List<string> { "HSET", $"h{h}" };
            for (int f = 0; f < Fields; f++)
                args.AddRange([$"f{f}", "1"]);
            Assert.Equal($":{Fields}\r\n", await c.CommandAsync([.. args]));
        }
        for (int l = 0; l < Lists; l++)
            Assert.StartsWith(":", await c.CommandAsync(["RPUSH", $"l{l}", .. Enumerable.Range(0, 200).Select(i => i.ToString())]));
    }

    /// <summary>Pipelined rounds of non-idempotent collection writes until stopped; returns the rounds done.</summary>
    private static async Task<long> WriteAsync(int port, CancellationToken stop)
    {
        await using var c = await RawConnection.ConnectAsync(port);
        long round = 0;
        for (; !stop.IsCancellationRequested; round++)
        {
            int h = (int)(round * 7 % Hashes), l = (int)(round % Lists);
            await c.SendCommandAsync("HINCRBY", $"h{h}", $"f{round % Fields}", "1");
            await c.SendCommandAsync("LPUSH", $"l{l}", round.ToString());
            await c.SendCommandAsync("RPOPLPUSH", $"l{l}", $"l{(l + 1) % Lists}");
            await c.SendCommandAsync("HSET", $"new{round % 500}", "f", round.ToString());
            await c.SendCommandAsync("RENAME", $"new{round % 500}", $"moved{round % 500}");
            for (int i = 0; i < 5; i++)
                Assert.DoesNotContain("ERR", await c.ReadFrameAsync());
        }
        return round;
    }

    private static async Task<string> InfoFieldAsync(NodeProcess node, string section, string field) =>
        (await ReplicationGroup.InfoAsync(node, section))[field];

    [Fact]
    public async Task Checkpoints_taken_during_collection_writes_replay_to_the_same_digest_after_kill9()
    {
        await using var node = await NodeProcess.StartAsync(["--appendfsync", "always"]);
        await FillAsync(node);
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(() => WriteAsync(node.Port, stop.Token));
        await using (var admin = await node.ConnectAsync())
        {
            for (int save = 0; save < 3; save++)
            {
                await Task.Delay(100);
                Assert.Equal("+Background saving started\r\n", await admin.CommandAsync("BGSAVE"));
                var deadline = DateTime.UtcNow.AddSeconds(60);
                while (await InfoFieldAsync(node, "persistence", "rdb_bgsave_in_progress") != "0" && DateTime.UtcNow < deadline)
                    await Task.Delay(20);
                Assert.Equal("ok", await InfoFieldAsync(node, "persistence", "rdb_last_bgsave_status"));
            }
        }
        await Task.Delay(100);
        stop.Cancel();
        long rounds = await writer;
        string before = await ReplicationGroup.DigestAsync(node);

        node.Kill();
        await node.RestartAsync();
        Assert.Equal(before, await ReplicationGroup.DigestAsync(node));
        output.WriteLine($"{rounds} rounds of 5 writes ran during three checkpoints");
        Assert.True(rounds > 0);
    }

    [Fact]
    public async Task A_full_sync_during_collection_writes_converges()
    {
        await using var group = await ReplicationGroup.StartAsync("memory", replicas: 0);
        await FillAsync(group.Master);
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(() => WriteAsync(group.Master.Port, stop.Token));
        var replica = await group.AddReplicaAsync();
        await ReplicationGroup.WaitForInfoAsync(replica, i => i["master_link_status"] == "up", timeout: TimeSpan.FromSeconds(60));
        await Task.Delay(200);
        stop.Cancel();
        long rounds = await writer;
        await group.AssertDigestsEqualAsync();
        output.WriteLine($"{rounds} rounds of 5 writes ran during the full sync");
        Assert.True(rounds > 0);
    }
}
