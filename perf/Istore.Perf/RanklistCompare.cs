using System.Diagnostics;
using System.Globalization;
using Istore.Net.Client;
using Istore.Net.Resp;

namespace Istore.Perf;

/// <summary>
/// The issue's recall benchmark against two running servers: 10 lists × 100,000 members drawn
/// from 500,000 ids with random scores, an exclusion set of 1,000 ids; the top 100 by weighted
/// SUM as RL.RECALL on istore-node (without and with DEPTH 1000) and the usual Redis way on
/// redis-server (ZUNIONSTORE WEIGHTS into a temp key, ZREVRANGE of count + exclusions, SMISMEMBER,
/// filter). Times are client round trips on loopback (an upper bound of server time); the two
/// full answers are compared by score. Memory per member from the servers' RSS growth.
/// </summary>
public static class RanklistCompare
{
    private const int Lists = 10, Members = 100_000, Ids = 500_000, Excluded = 1_000, Count = 100;
    internal static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    public static async Task<int> Run(int istorePort, int istorePid, int redisPort, int redisPid, int rounds)
    {
        await using var istore = await RespClient.ConnectAsync("127.0.0.1", istorePort);
        await using var redis = await RespClient.ConnectAsync("127.0.0.1", redisPort);
        var random = new Random(42);
        long istoreRss = Rss(istorePid), redisRss = Rss(redisPid);
        var weights = await LoadListsAsync(random, Lists, Members, Ids, (istore, "RL.ADD"), (redis, "ZADD"));
        Console.WriteLine($"memory per member: istore {(Rss(istorePid) - istoreRss) / (double)(Lists * Members):F1} B, redis {(Rss(redisPid) - redisRss) / (double)(Lists * Members):F1} B (RSS growth)");
        var excluded = Enumerable.Range(0, Excluded).Select(_ => $"item:{random.Next(Ids)}").Distinct().ToArray();
        await istore.ExecuteAsync(["SADD", "seen", .. excluded]);
        await redis.ExecuteAsync(["SADD", "seen", .. excluded]);

        var listArgs = Enumerable.Range(0, Lists).SelectMany(l => new[] { $"list:{l}", F(weights[l]) }).ToArray();
        string[] recall = ["RL.RECALL", $"{Count}", "LISTS", $"{Lists}", .. listArgs, "EXCLUDE", "1", "seen", "WITHSCORES"];
        string[] recallDepth = [.. recall, "DEPTH", "1000"];
        var full = await istore.ExecuteAsync(recall);
        var redisAnswer = await RedisWay(redis, weights);
        var istoreScores = Enumerable.Range(0, Count).Select(i => double.Parse(full[2 * i + 1].AsString()!, CultureInfo.InvariantCulture)).ToArray();
        bool same = istoreScores.Zip(redisAnswer).All(p => Math.Abs(p.First - p.Second) <= 1e-9 * Math.Abs(p.Second));
        Console.WriteLine($"answers agree (top {Count} scores): {same}");

        var (istoreFull, istoreFullCpu) = await Time(istorePid, rounds, () => istore.ExecuteAsync(recall));
        // A DEPTH recall takes a fraction of a millisecond: enough of them that p99 is not just the worst one.
        var (istoreDepth, istoreDepthCpu) = await Time(istorePid, rounds * 50, () => istore.ExecuteAsync(recallDepth));
        var (redisTimes, redisCpu) = await Time(redisPid, Math.Max(3, rounds / 10), () => RedisWay(redis, weights));
        Console.WriteLine($"RL.RECALL top {Count}:             {Summary(istoreFull)}, server CPU {istoreFullCpu:F2} ms each");
        Console.WriteLine($"RL.RECALL top {Count} DEPTH 1000:  {Summary(istoreDepth)}, server CPU {istoreDepthCpu:F2} ms each");
        Console.WriteLine($"redis ZUNIONSTORE way:          {Summary(redisTimes)}, server CPU {redisCpu:F2} ms each");
        Console.WriteLine($"speed-up (median): {Median(redisTimes) / Median(istoreFull):F1}x without DEPTH, {Median(redisTimes) / Median(istoreDepth):F1}x with DEPTH 1000");
        return same ? 0 : 1;
    }

    /// <summary>
    /// The lists list:0 … list:{lists - 1}, each of <paramref name="members"/> distinct ids below
    /// <paramref name="ids"/> with random scores, written to every target with its add command;
    /// returns a random weight per list.
    /// </summary>
    internal static async Task<double[]> LoadListsAsync(Random random, int lists, int members, int ids, params (RespClient Client, string Add)[] targets)
    {
        var weights = new double[lists];
        for (int l = 0; l < lists; l++)
        {
            weights[l] = Math.Round(0.5 + random.NextDouble() * 1.5, 3);
            var chosen = new HashSet<int>();
            while (chosen.Count < members)
                chosen.Add(random.Next(ids));
            var pending = new List<Task<RespValue>>();
            foreach (var chunk in chosen.Chunk(1000))
            {
                var pairs = chunk.SelectMany(id => new[] { F(Math.Round(random.NextDouble() * 1000, 4)), $"item:{id}" }).ToArray();
                foreach (var (client, add) in targets)
                    pending.Add(client.ExecuteAsync([add, $"list:{l}", .. pairs]));
            }
            await Task.WhenAll(pending);
        }
        return weights;
    }

    /// <summary>ZUNIONSTORE with WEIGHTS into a temp key, ZREVRANGE of count + exclusions, SMISMEMBER, filter: the top scores.</summary>
    private static async Task<double[]> RedisWay(RespClient redis, double[] weights)
    {
        await redis.ExecuteAsync(["ZUNIONSTORE", "tmp", $"{Lists}", .. Enumerable.Range(0, Lists).Select(l => $"list:{l}"), "WEIGHTS", .. weights.Select(F)]);
        var range = await redis.ExecuteAsync("ZREVRANGE", "tmp", "0", $"{Count + Excluded - 1}", "WITHSCORES");
        var members = Enumerable.Range(0, range.Count / 2).Select(i => range[2 * i].AsString()!).ToArray();
        var seen = await redis.ExecuteAsync(["SMISMEMBER", "seen", .. members]);
        await redis.ExecuteAsync("DEL", "tmp");
        return Enumerable.Range(0, members.Length).Where(i => seen[i].AsInteger() == 0).Take(Count)
            .Select(i => double.Parse(range[2 * i + 1].AsString()!, CultureInfo.InvariantCulture)).ToArray();
    }

    /// <summary>Sorted round-trip times, and the server's CPU time per round (user + system, in clock ticks: a load-independent measure).</summary>
    internal static async Task<(List<double> Times, double CpuMs)> Time<T>(int serverPid, int rounds, Func<Task<T>> action)
    {
        var times = new List<double>(rounds);
        double cpuBefore = CpuMs(serverPid);
        for (int i = 0; i < rounds; i++)
        {
            long start = Stopwatch.GetTimestamp();
            await action();
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        double cpu = (CpuMs(serverPid) - cpuBefore) / rounds;
        times.Sort();
        return (times, cpu);
    }

    /// <summary>utime + stime of a process from /proc/pid/stat (fields 14 and 15, in ticks of 1/100 s).</summary>
    private static double CpuMs(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11]) + long.Parse(fields[12])) * 10.0;
    }

    internal static double Median(List<double> sorted) => sorted[sorted.Count / 2];

    internal static string Summary(List<double> sorted) =>
        $"p50 {Median(sorted):F2} ms, p99 {sorted[(int)Math.Ceiling(sorted.Count * 0.99) - 1]:F2} ms ({sorted.Count} runs)";   // nearest rank

    private static long Rss(int pid) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
}
