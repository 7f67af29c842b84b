using System.Text;
using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node;

/// <summary>
/// Bitmaps and HyperLogLogs are strings; their writes are logged as the SET of the whole result,
/// or (SETBIT, BITFIELD SET, PFADD into a dense value) as the command itself: after kill -9 (log
/// replay, or RocksDB's WAL on disk) and after a graceful stop every value reads back byte for
/// byte, TTLs included. Each test runs its own node.
/// </summary>
public abstract class BitmapDurabilityTests(string engine)
{
    private static readonly string[] Keys = ["dur:bits", "dur:field", "dur:op", "dur:hll", "dur:merged", "dur:gone"];

    private static async Task<string> DumpAsync(RawConnection c)
    {
        var text = new StringBuilder();
        foreach (var key in Keys)
        {
            await c.SendCommandAsync("GET", key);
            text.Append(Convert.ToHexString(await c.ReadFrameBytesAsync())).Append('|');
            long ttl = long.Parse((await c.CommandAsync("TTL", key))[1..^2]);
            text.Append(ttl > 0 ? "ttl" : ttl.ToString()).Append('\n');
        }
        return text.ToString();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Bitmaps_and_hyperloglogs_survive_kill_and_restart(bool saveFirst)
    {
        await using var node = await NodeProcess.StartAsync(["--engine", engine, "--appendfsync", "always"]);
        await using (var c = await node.ConnectAsync())
        {
            Assert.Equal(":0\r\n", await c.CommandAsync("SETBIT", "dur:bits", "1000", "1"));
            Assert.Equal(":1\r\n", await c.CommandAsync("EXPIRE", "dur:bits", "100000"));
            if (saveFirst)
                Assert.Equal("+OK\r\n", await c.CommandAsync("SAVE"));
            Assert.Equal(":0\r\n", await c.CommandAsync("SETBIT", "dur:bits", "3", "1"));
            Assert.Equal(":1\r\n", await c.CommandAsync("SETBIT", "dur:bits", "1000", "0"));
            Assert.Equal("*2\r\n:0\r\n:-100\r\n", await c.CommandAsync("BITFIELD", "dur:field", "SET", "i8", "#2", "-100", "GET", "i8", "16"));
            Assert.Equal("*1\r\n:5\r\n", await c.CommandAsync("BITFIELD", "dur:field", "INCRBY", "u4", "100", "5"));
            Assert.Equal(":126\r\n", await c.CommandAsync("BITOP", "OR", "dur:op", "dur:field", "dur:bits"));
            Assert.Equal(":1\r\n", await c.CommandAsync(["PFADD", "dur:hll", .. Enumerable.Range(0, 5000).Select(i => $"e{i}")]));
            // Now dense: these adds are logged as PFADD, not as the value.
            Assert.Equal(":1\r\n", await c.CommandAsync(["PFADD", "dur:hll", .. Enumerable.Range(0, 500).Select(i => $"more{i}")]));
            Assert.Equal("*2\r\n:5\r\n:5\r\n", await c.CommandAsync("BITFIELD", "dur:field", "GET", "u4", "100", "SET", "u4", "100", "0"));
            Assert.Equal(":1\r\n", await c.CommandAsync("PFADD", "dur:merged", "a", "b"));
            Assert.Equal("+OK\r\n", await c.CommandAsync("PFMERGE", "dur:merged", "dur:hll"));
            Assert.Equal(":0\r\n", await c.CommandAsync("SETBIT", "dur:gone", "5", "1"));
            Assert.Equal(":0\r\n", await c.CommandAsync("BITOP", "AND", "dur:gone", "dur:missing"));
        }
        string before;
        await using (var c = await node.ConnectAsync())
        {
            Assert.Equal(":1\r\n", await c.CommandAsync("BITCOUNT", "dur:bits"));
            // PFCOUNT stores the cardinality it computed in the header: that write survives too.
            Assert.InRange(long.Parse((await c.CommandAsync("PFCOUNT", "dur:merged"))[1..^2]), 5400, 5600);
            Assert.InRange(long.Parse((await c.CommandAsync("PFCOUNT", "dur:hll"))[1..^2]), 5400, 5600);
            before = await DumpAsync(c);
            Assert.Contains("ttl", before);
        }
        await node.AssertSurvivesKillAndRestartAsync(DumpAsync, before);
    }
}

public sealed class BitmapDurabilityTestsOnMemory() : BitmapDurabilityTests("memory");
public sealed class BitmapDurabilityTestsOnDisk() : BitmapDurabilityTests("disk");

/// <summary>
/// Flipping bits in a large bitmap or adding to a dense HyperLogLog appends a record of the
/// command's size to the memory engine's log, not a copy of the value (1 MB here).
/// </summary>
public class BitmapLogSizeTests
{
    private static long LogBytes(NodeProcess node) =>
        new DirectoryInfo(Path.Combine(node.DataDirectory, "aof")).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);

    [Fact]
    public async Task Setbit_bitfield_set_and_dense_pfadd_log_small_records()
    {
        await using var node = await NodeProcess.StartAsync(["--appendfsync", "always"]);
        await using var c = await node.ConnectAsync();
        Assert.Equal(":0\r\n", await c.CommandAsync("SETBIT", "size:bits", "8388607", "1"));
        Assert.Equal(":1\r\n", await c.CommandAsync(["PFADD", "size:hll", .. Enumerable.Range(0, 5000).Select(i => $"e{i}")]));
        long before = LogBytes(node);
        for (int i = 0; i < 200; i++)
        {
            Assert.Equal(":0\r\n", await c.CommandAsync("SETBIT", "size:bits", (i * 40_000).ToString(), "1"));
            Assert.Equal("*1\r\n:0\r\n", await c.CommandAsync("BITFIELD", "size:bits", "SET", "u8", $"#{i * 5000 + 1}", "7"));
            await c.CommandAsync("PFADD", "size:hll", $"x{i}", $"y{i}");
        }
        long grown = LogBytes(node) - before;
        Assert.InRange(grown, 1, 200 * 1024);   // a copy per write would be 400 MB of bitmap and 2.4 MB of HLL
        Assert.Equal(":801\r\n", await c.CommandAsync("BITCOUNT", "size:bits", "0", "-1"));   // 200 single bits, 200 fields of 7 (3 bits), the first bit
    }
}
