using System.Text;
using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node;

/// <summary>
/// A memory-engine checkpoint that runs out of disk while FASTER writes its snapshot: FASTER only
/// logs the failed writes and completes anyway, so the node must notice, refuse the checkpoint
/// (keeping the previous one and the log), and after space returns and a kill -9 recover every
/// acknowledged write, not a snapshot with holes.
/// </summary>
public sealed class CheckpointDiskFullTests
{
    private const int Keys = 3_000;

    [Fact]
    public async Task A_checkpoint_that_hits_a_full_disk_fails_and_a_restart_loses_nothing()
    {
        using var disk = TmpfsMount.Create(64);
        await using var node = await NodeProcess.StartAsync(["--engine", "memory"], Path.Combine(disk.Path, "data"));
        string value = new('v', 2048);
        await using (var c = await node.ConnectAsync())
        {
            var pipeline = new StringBuilder();
            for (int i = 0; i < Keys; i++)
                pipeline.Append(RespEncoding.CommandText(Encoding.ASCII, ["SET", $"key:{i}", $"{i}:{value}"]));
            await c.SendAsync(pipeline.ToString());
            for (int i = 0; i < Keys; i++)
                Assert.Equal("+OK\r\n", await c.ReadFrameAsync());
        }
        string before = await ReplicationGroup.DigestAsync(node);

        // Leave less room than the snapshot of ~6 MB of strings needs, but enough for the checkpoint's small files.
        string filler = Path.Combine(disk.Path, "filler");
        long room = new DriveInfo(disk.Path).AvailableFreeSpace - 1024 * 1024;
        await File.WriteAllBytesAsync(filler, new byte[Math.Max(0, room)]);

        string saved = await ReplicationGroup.CommandAsync(node, "SAVE");
        Assert.StartsWith("-ERR checkpoint failed", saved);

        File.Delete(filler);
        node.Kill();
        await node.RestartAsync();
        Assert.Equal($":{Keys}\r\n", await ReplicationGroup.CommandAsync(node, "DBSIZE"));
        Assert.Equal(before, await ReplicationGroup.DigestAsync(node));
        string resaved = await ReplicationGroup.CommandAsync(node, "SAVE");   // with room again, checkpoints work
        Assert.True(resaved == "+OK\r\n", resaved + node.Output);
        node.Kill();
        await node.RestartAsync();
        Assert.Equal(before, await ReplicationGroup.DigestAsync(node));
    }
}
