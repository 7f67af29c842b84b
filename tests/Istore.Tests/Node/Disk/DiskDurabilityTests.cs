using System.Net.Sockets;
using System.Text;
using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node.Disk;

/// <summary>
/// What the disk engine keeps across a crash (SIGKILL) and a graceful restart, at a million keys,
/// and that SAVE leaves a RocksDB checkpoint another node can open.
/// </summary>
public class DiskDurabilityTests
{
    private static readonly string[] Disk = ["--engine", "disk"];

    private static string Key(int i) => $"m:{i:D7}";

    private static string Value(int i) => $"value-{i}";

    [Fact]
    public async Task A_million_keys_survive_kill_9_and_a_graceful_restart()
    {
        const int count = 1_000_000;
        await using var node = await NodeProcess.StartAsync(Disk);
        await SetPipelinedAsync(node.Port, 0, count, chunk: 20_000);
        node.Kill();

        await node.RestartAsync();
        await AssertAllAsync(node, count);
        Assert.Equal(0, await node.TerminateAsync());

        await node.RestartAsync();
        await AssertAllAsync(node, count);
    }

    [Fact]
    public async Task Save_leaves_a_checkpoint_that_a_node_opens_with_the_data()
    {
        await using var node = await NodeProcess.StartAsync(Disk);
        await using (var c = await node.ConnectAsync())
        {
            Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "cp:a", "1"));
            Assert.Equal("+OK\r\n", await c.CommandAsync("SAVE"));
            Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "cp:after", "2"));
        }
        string copy = Path.Combine(Path.GetTempPath(), "istore-tests", Guid.NewGuid().ToString("N"));
        CopyDirectory(Path.Combine(node.DataDirectory, "disk", "checkpoints", "latest"), Path.Combine(copy, "disk", "db"));
        var restored = await NodeProcess.StartAsync(Disk, copy);
        try
        {
            await using var c = await restored.ConnectAsync();
            Assert.Equal("$1\r\n1\r\n", await c.CommandAsync("GET", "cp:a"));
            Assert.Equal("$-1\r\n", await c.CommandAsync("GET", "cp:after"));
            Assert.Equal(":1\r\n", await c.CommandAsync("DBSIZE"));
        }
        finally
        {
            await restored.DisposeAsync();
            Directory.Delete(copy, recursive: true);
        }
    }

    [Theory]
    [InlineData("always")]
    [InlineData("everysec")]
    [InlineData("no")]
    public async Task Appendfsync_decides_when_rocksdbs_wal_is_synced(string policy)
    {
        await using var node = await NodeProcess.StartAsync([.. Disk, "--appendfsync", policy]);
        await using var c = await node.ConnectAsync();
        long initial = await WalSyncsAsync(c);
        for (int i = 0; i < 20; i++)
            Assert.Equal("+OK\r\n", await c.CommandAsync("SET", $"sync:{i}", "v"));
        long afterWrites = await WalSyncsAsync(c) - initial;
        if (policy == "always")
        {
            // Before every reply: each SET was its own batch.
            Assert.True(afterWrites >= 20, $"{afterWrites} WAL syncs for 20 acknowledged writes");
            return;
        }
        Assert.True(afterWrites < 10, $"{afterWrites} WAL syncs for 20 writes under {policy}");
        var deadline = DateTime.UtcNow.AddSeconds(policy == "everysec" ? 5 : 1.5);
        long later;
        while ((later = await WalSyncsAsync(c) - initial) == 0 && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        // everysec: the housekeeping thread syncs within about a second; no: nobody does.
        Assert.Equal(policy == "everysec", later > 0);
    }

    private static async Task<long> WalSyncsAsync(RawConnection c) =>
        long.Parse(InfoText.Fields((await c.ReadValueAfterAsync("INFO", "memory")).AsString()!)["disk_engine_wal_syncs"]);

    /// <summary>SETs keys [from, from + count) over one socket, <paramref name="chunk"/> commands per round trip.</summary>
    internal static async Task SetPipelinedAsync(int port, int from, int count, int chunk, Func<int, string>? value = null)
    {
        value ??= Value;
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync("127.0.0.1", port);
        var replies = new byte[5 * chunk];
        for (int start = from; start < from + count; start += chunk)
        {
            int n = Math.Min(chunk, from + count - start);
            var text = new StringBuilder();
            for (int i = start; i < start + n; i++)
                text.Append(RespEncoding.CommandText(Encoding.ASCII, "SET", Key(i), value(i)));
            await socket.SendAsync(Encoding.ASCII.GetBytes(text.ToString()));
            int read = 0;
            while (read < 5 * n)
            {
                int got = await socket.ReceiveAsync(replies.AsMemory(read, 5 * n - read));
                if (got == 0)
                    throw new IOException("the node closed the connection");
                read += got;
            }
            Assert.Equal(string.Concat(Enumerable.Repeat("+OK\r\n", n)), Encoding.ASCII.GetString(replies, 0, read));
        }
    }

    /// <summary>DBSIZE is exact and every value reads back (MGET in slices).</summary>
    private static async Task AssertAllAsync(NodeProcess node, int count)
    {
        Assert.Equal($":{count}\r\n", await node.DbSizeAsync());
        await using var c = await node.ConnectAsync();
        const int slice = 10_000;
        for (int start = 0; start < count; start += slice)
        {
            var keys = Enumerable.Range(start, Math.Min(slice, count - start)).ToArray();
            var values = (await c.ReadValueAfterAsync(["MGET", .. keys.Select(Key)])).AsStringArray();
            Assert.Equal(keys.Select(Value), values);
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
    }
}
