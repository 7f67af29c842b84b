using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node.Disk;

/// <summary>
/// The disk engine writes a multi-key string command (MSET, MSETNX, DEL k1 k2 …, an EXEC of SETs)
/// as one RocksDB write batch, so its WAL holds all of the command or none of it (a crash cannot
/// keep half an MSET): counted through INFO's disk_engine_wal_writes, one per command where it
/// was one per key.
/// </summary>
public class MultiKeyWriteBatchTests
{
    private const int Keys = 50;

    private static string[] Pairs(string prefix) =>
        Enumerable.Range(0, Keys).SelectMany(i => new[] { $"{prefix}:{i}", "value" }).ToArray();

    private static string[] Names(string prefix) => Enumerable.Range(0, Keys).Select(i => $"{prefix}:{i}").ToArray();

    [Fact]
    public async Task Each_multi_key_write_is_one_WAL_write()
    {
        await using var node = await NodeProcess.StartAsync(["--engine", "disk"]);
        await using var c = await node.ConnectAsync();

        Assert.Equal(1, await WalWritesAsync(c, () => c.CommandAsync(["MSET", .. Pairs("a")]), "+OK\r\n"));
        Assert.Equal(1, await WalWritesAsync(c, () => c.CommandAsync(["MSETNX", .. Pairs("b")]), ":1\r\n"));
        Assert.Equal(1, await WalWritesAsync(c, () => c.CommandAsync(["DEL", .. Names("a")]), $":{Keys}\r\n"));
        Assert.Equal(1, await WalWritesAsync(c, async () =>
        {
            Assert.Equal("+OK\r\n", await c.CommandAsync("MULTI"));
            foreach (var key in Names("c"))
                Assert.Equal("+QUEUED\r\n", await c.CommandAsync("SET", key, "value"));
            return (await c.ReadValueAfterAsync("EXEC")).Items.Count.ToString();
        }, Keys.ToString()));
        Assert.Equal($":{2 * Keys}\r\n", await c.CommandAsync("DBSIZE"));
    }

    /// <summary>How many WAL writes <paramref name="command"/> made; it answers <paramref name="expected"/>.</summary>
    private static async Task<long> WalWritesAsync(RawConnection c, Func<Task<string>> command, string expected)
    {
        long before = await WalWritesAsync(c);
        Assert.Equal(expected, await command());
        return await WalWritesAsync(c) - before;
    }

    private static async Task<long> WalWritesAsync(RawConnection c) =>
        long.Parse(InfoText.Fields((await c.ReadValueAfterAsync("INFO", "memory")).AsString()!)["disk_engine_wal_writes"]);
}
