using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node.Disk;

/// <summary>A data set many times the block cache: every value reads back from SST files, and INFO shows the cache staying within its size.</summary>
public class DiskBlockCacheTests
{
    [Fact]
    public async Task A_data_set_larger_than_the_block_cache_reads_back_and_the_cache_stays_bounded()
    {
        const int count = 5000;
        // Random hex: values that compression cannot shrink below the cache many times over.
        string Value(int i)
        {
            var bytes = new byte[2000];
            new Random(i).NextBytes(bytes);
            return $"{i}:" + Convert.ToHexString(bytes);
        }
        await using var node = await NodeProcess.StartAsync(["--engine", "disk", "--rocksdb-block-cache", "1mb", "--rocksdb-write-buffer", "1mb"]);
        await DiskDurabilityTests.SetPipelinedAsync(node.Port, 0, count, chunk: 500, Value);

        await using var c = await node.ConnectAsync();
        for (int i = 0; i < count; i += 7)
            Assert.Equal(Value(i), (await c.ReadValueAfterAsync("GET", $"m:{i:D7}")).AsString());

        var info = InfoText.Fields((await c.ReadValueAfterAsync("INFO", "memory")).AsString()!);
        Assert.Equal("disk", InfoText.Fields((await c.ReadValueAfterAsync("INFO", "server")).AsString()!)["istore_engine"]);
        Assert.Equal(1L << 20, long.Parse(info["disk_engine_block_cache_capacity"]));
        Assert.InRange(long.Parse(info["disk_engine_block_cache_usage"]), 1, (1L << 20) + (1L << 18));
        Assert.True(long.Parse(info["disk_engine_sst_bytes"]) > 4L << 20, "the data should be in SST files, not the memtable");
        Assert.True(long.Parse(info["disk_engine_block_cache_misses"]) > 0);
        Assert.InRange(long.Parse(info["disk_engine_estimated_keys"]), count / 2, count * 2);
        Assert.True(info.ContainsKey("disk_engine_pending_compaction_bytes"));
    }
}
