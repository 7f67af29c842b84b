using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node.Disk;

/// <summary>A data set many times the block cache: every value reads back from SST files, INFO shows the cache staying within its size and resident memory stays bounded.</summary>
public class DiskBlockCacheTests
{
    [Fact]
    public async Task A_data_set_larger_than_the_block_cache_reads_back_and_the_cache_stays_bounded()
    {
        const int count = 5000;
        await using var node = await NodeProcess.StartAsync(["--engine", "disk", "--rocksdb-block-cache", "1mb", "--rocksdb-write-buffer", "1mb"]);
        await DiskDurabilityTests.SetPipelinedAsync(node.Port, 0, count, chunk: 500, RandomValue);

        await using var c = await node.ConnectAsync();
        for (int i = 0; i < count; i += 7)
            Assert.Equal(RandomValue(i), (await c.ReadValueAfterAsync("GET", $"m:{i:D7}")).AsString());

        var info = InfoText.Fields((await c.ReadValueAfterAsync("INFO", "memory")).AsString()!);
        Assert.Equal("disk", InfoText.Fields((await c.ReadValueAfterAsync("INFO", "server")).AsString()!)["istore_engine"]);
        Assert.Equal(1L << 20, long.Parse(info["disk_engine_block_cache_capacity"]));
        Assert.InRange(long.Parse(info["disk_engine_block_cache_usage"]), 1, (1L << 20) + (1L << 18));
        Assert.True(long.Parse(info["disk_engine_sst_bytes"]) > 4L << 20, "the data should be in SST files, not the memtable");
        Assert.True(long.Parse(info["disk_engine_block_cache_misses"]) > 0);
        Assert.InRange(long.Parse(info["disk_engine_estimated_keys"]), count / 2, count * 2);
        Assert.True(info.ContainsKey("disk_engine_pending_compaction_bytes"));
    }

    /// <summary>
    /// 256 MB of values through an 8 MiB block cache and 4 MiB memtables, then every value read back:
    /// the node's resident memory stays under the cache, the memtables (4 families × 2 × 4 MiB) and
    /// 150 MiB for the runtime, less than the data it has read (which an unbounded cache would keep).
    /// </summary>
    [Fact]
    public async Task Resident_memory_stays_bounded_by_the_block_cache_while_the_data_set_grows_past_it()
    {
        const int count = 64_000, eighth = count / 8;
        const long boundMiB = 8 + 4 * 2 * 4 + 150;
        await using var node = await NodeProcess.StartAsync(["--engine", "disk", "--rocksdb-block-cache", "8mb", "--rocksdb-write-buffer", "4mb"]);
        var rss = new List<long>();
        for (int from = 0; from < count; from += eighth)
        {
            await DiskDurabilityTests.SetPipelinedAsync(node.Port, from, eighth, chunk: 500, RandomValue);
            rss.Add(ResidentMiB(node.Pid));
        }
        await using var c = await node.ConnectAsync();
        for (int from = 0; from < count; from += 500)
        {
            var keys = Enumerable.Range(from, 500).ToArray();
            Assert.Equal(keys.Select(RandomValue), (await c.ReadValueAfterAsync(["MGET", .. keys.Select(i => $"m:{i:D7}")])).AsStringArray());
        }
        rss.Add(ResidentMiB(node.Pid));

        var info = InfoText.Fields((await c.ReadValueAfterAsync("INFO", "memory")).AsString()!);
        long sstMiB = long.Parse(info["disk_engine_sst_bytes"]) >> 20;
        Assert.True(sstMiB > 200, $"only {sstMiB} MiB of SST files: the data set should be far larger than the cache");
        Assert.True(rss.Max() < boundMiB, $"resident MiB after each eighth of the load and after reading it all: {string.Join(", ", rss)} (bound {boundMiB}, SST {sstMiB} MiB)");
    }

    /// <summary>4,000 hex characters from random bytes: compression cannot shrink them below the cache many times over.</summary>
    private static string RandomValue(int i)
    {
        var bytes = new byte[2000];
        new Random(i).NextBytes(bytes);
        return Convert.ToHexString(bytes);
    }

    internal static long ResidentMiB(int pid) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) >> 10;
}
