using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node.Disk;

/// <summary>
/// The disk engine on a full file system (a 16 MiB tmpfs). Whichever RocksDB file meets the full disk
/// first, the node says so clearly and never acknowledges a write it could not keep: a write RocksDB
/// refuses (it stops taking writes after a background error) is answered with an error while reads go
/// on, and when a flush met the full disk writes resume by themselves once space is freed; a
/// write-ahead log that cannot reach the OS before a batch's replies stops the node with exit code 1
/// and no reply. After a restart, every acknowledged write is there.
/// </summary>
public class DiskFullTests
{
    private static string Key(int i) => $"full:{i:D6}";

    /// <summary>4,000 characters that LZ4 cannot shrink much, so the disk fills after a few thousand keys.</summary>
    private static string Value(int i)
    {
        var bytes = new byte[2000];
        new Random(i).NextBytes(bytes);
        return Convert.ToHexString(bytes);
    }

    [Theory]
    [InlineData("1mb")]    // memtables flushed every few hundred writes: an SST file usually meets the full disk first
    [InlineData("64mb")]   // nothing flushed: the write-ahead log meets it
    public async Task A_full_disk_gets_a_clear_error_or_a_clean_stop_and_every_acknowledged_write_survives_a_restart(string writeBuffer)
    {
        using var disk = TmpfsMount.Create(16);
        await using var node = await NodeProcess.StartAsync(["--engine", "disk", "--rocksdb-write-buffer", writeBuffer], Path.Combine(disk.Path, "data"));
        int acknowledged = 0;
        string? refusal = null;
        await using (var c = await node.ConnectAsync())
        {
            try
            {
                while ((refusal = await c.CommandAsync("SET", Key(acknowledged), Value(acknowledged))) == "+OK\r\n")
                    acknowledged++;
            }
            catch (IOException)
            {
                refusal = null;   // the connection closed: the node stopped without replying to the write it could not log
            }
            if (refusal is not null)
            {
                Assert.StartsWith("-ERR the disk engine cannot write (RocksDB: IO error: No space left on device", refusal);
                Assert.StartsWith("-ERR the disk engine cannot write", await c.CommandAsync("SET", "another", "x"));
                Assert.Equal(Value(0), (await c.ReadValueAfterAsync("GET", Key(0))).AsString());
                var info = InfoText.Fields((await c.ReadValueAfterAsync("INFO", "memory")).AsString()!);
                Assert.True(long.Parse(info["disk_engine_background_errors"]) > 0, "INFO should count RocksDB's background error");
            }
        }
        Assert.True(acknowledged > 100, $"only {acknowledged} writes before the disk was full:\n{node.Output}");
        if (refusal is null)
        {
            Assert.Equal(1, await node.WaitForExitAsync());
            Assert.Contains("Stopping: an event loop failed", node.Output);
            Assert.Contains("No space left on device", node.Output);
        }
        else
        {
            // A flush or compaction that met the full disk is not fatal to RocksDB: writes resume by themselves.
            if (refusal.Contains("writes resume once disk space is freed"))
                await AssertWritesResumeAsync(node, disk, acknowledged);
            await node.TerminateAsync();
        }
        Assert.DoesNotContain("Unhandled exception", node.Output);

        disk.Resize(64);
        await node.RestartAsync();
        await using var after = await node.ConnectAsync();
        // A write that was never answered may or may not have reached the log before the disk filled.
        Assert.InRange((await after.ReadValueAfterAsync("DBSIZE")).AsInteger(), acknowledged, acknowledged + 1);
        for (int i = 0; i < acknowledged; i++)
            Assert.Equal(Value(i), (await after.ReadValueAfterAsync("GET", Key(i))).AsString());
    }

    private static async Task AssertWritesResumeAsync(NodeProcess node, TmpfsMount disk, int acknowledged)
    {
        disk.Resize(64);
        await using var c = await node.ConnectAsync();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        string reply;
        while ((reply = await c.CommandAsync("SET", "another", "x")) != "+OK\r\n")
        {
            Assert.True(DateTime.UtcNow < deadline, "writes did not resume after space was freed: " + reply);
            await Task.Delay(100);
        }
        Assert.Equal(Value(acknowledged - 1), (await c.ReadValueAfterAsync("GET", Key(acknowledged - 1))).AsString());
    }
}
