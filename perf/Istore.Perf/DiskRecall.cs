using System.Globalization;
using Istore.Net.Client;
using Istore.Net.Resp;

namespace Istore.Perf;

/// <summary>
/// Issue 19's disk-engine target: RL.RECALL with DEPTH 1000 on a disk node, data in the block
/// cache (p99 ≤ 5 ms), against the same recall on a memory node. The issue's data set scaled by
/// the arguments (lists × members drawn from 5 × members ids, random scores, an exclusion set of
/// 1,000 ids), loaded into both nodes; the full replies (WITHSCORES) must be identical. The disk
/// node is timed twice: right after the load (the data in RocksDB's memtable) and after a BGSAVE
/// flushed it to SST files (the data in the block cache, the target's case); its block cache hits
/// and misses over each timed run show where the reads went.
/// </summary>
public static class DiskRecall
{
    private const int Excluded = 1_000, Count = 100;

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    public static async Task<int> Run(int diskPort, int diskPid, int memoryPort, int memoryPid, int lists, int members, int rounds)
    {
        await using var disk = await RespClient.ConnectAsync("127.0.0.1", diskPort);
        await using var memory = await RespClient.ConnectAsync("127.0.0.1", memoryPort);
        var random = new Random(42);
        int ids = members * 5;
        var weights = await RanklistCompare.LoadListsAsync(random, lists, members, ids, (disk, "RL.ADD"), (memory, "RL.ADD"));
        var excluded = Enumerable.Range(0, Excluded).Select(_ => $"item:{random.Next(ids)}").Distinct().ToArray();
        await disk.ExecuteAsync(["SADD", "seen", .. excluded]);
        await memory.ExecuteAsync(["SADD", "seen", .. excluded]);

        var listArgs = Enumerable.Range(0, lists).SelectMany(l => new[] { $"list:{l}", F(weights[l]) }).ToArray();
        string[] recall = ["RL.RECALL", $"{Count}", "LISTS", $"{lists}", .. listArgs, "EXCLUDE", "1", "seen", "WITHSCORES", "DEPTH", "1000"];
        bool same = true;
        for (int warm = 0; warm < 20; warm++)   // the windows and the exclusions into the block cache
            same &= (await disk.ExecuteAsync(recall)).ToString() == (await memory.ExecuteAsync(recall)).ToString();
        Console.WriteLine($"{lists} lists x {members} members, top {Count} DEPTH 1000, {Excluded} exclusions: replies identical on both engines: {same}");

        // Just written, the data is still in RocksDB's memtable (a skiplist); a BGSAVE's checkpoint
        // flushes it to SST files, whose blocks the warm-up then brings into the block cache.
        await TimeDisk(disk, diskPid, recall, rounds, "in the memtable");
        await disk.ExecuteAsync("BGSAVE");
        while ((await disk.ExecuteAsync("INFO", "persistence")).AsString()!.Contains("rdb_bgsave_in_progress:1"))
            await Task.Delay(100);
        for (int warm = 0; warm < 20; warm++)
            same &= (await disk.ExecuteAsync(recall)).ToString() == (await memory.ExecuteAsync(recall)).ToString();
        await TimeDisk(disk, diskPid, recall, rounds, "in the block cache");
        var (memoryTimes, memoryCpu) = await RanklistCompare.Time(memoryPid, rounds, () => memory.ExecuteAsync(recall));
        Console.WriteLine($"memory RL.RECALL DEPTH 1000: {RanklistCompare.Summary(memoryTimes)}, server CPU {memoryCpu:F2} ms each");
        return same ? 0 : 1;
    }

    private static async Task TimeDisk(RespClient disk, int diskPid, string[] recall, int rounds, string where)
    {
        var before = await CacheCounts(disk);
        var (times, cpu) = await RanklistCompare.Time(diskPid, rounds, () => disk.ExecuteAsync(recall));
        var after = await CacheCounts(disk);
        Console.WriteLine($"disk   RL.RECALL DEPTH 1000, data {where}: {RanklistCompare.Summary(times)}, server CPU {cpu:F2} ms each; " +
            $"block cache {after.Hits - before.Hits} hits, {after.Misses - before.Misses} misses");
    }

    private static async Task<(long Hits, long Misses)> CacheCounts(RespClient disk)
    {
        var fields = (await disk.ExecuteAsync("INFO", "memory")).AsString()!.Split("\r\n")
            .Select(line => line.Split(':', 2)).Where(pair => pair.Length == 2).ToDictionary(pair => pair[0], pair => pair[1]);
        return (long.Parse(fields["disk_engine_block_cache_hits"]), long.Parse(fields["disk_engine_block_cache_misses"]));
    }
}
