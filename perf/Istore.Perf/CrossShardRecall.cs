using System.Globalization;
using Istore.Net.Client;
using Istore.Net.Resp;

namespace Istore.Perf;

/// <summary>
/// Issue 19's cross-shard recall targets: the same 10 lists × <c>members</c> (ids drawn from 5 ×
/// members, random scores and weights) and a 1,000-id exclusion set written to a tenant of 3
/// shards through istore-proxy and to one istore-node; the top 100 timed three ways: RL.RECALL
/// through the proxy (the lists on different shards), RL.RECALL on the single node, and the lists
/// fetched whole through the proxy (RL.RANGE … WITHSCORES, SMEMBERS) and merged in the client.
/// The three answers are compared; the ratios of the p99s are the targets (≤ 3×, ≥ 20×).
/// </summary>
public static class CrossShardRecall
{
    private const int Lists = 10, Excluded = 1_000, Count = 100;

    public static async Task<int> Run(int proxyPort, int proxyPid, int nodePort, int nodePid, int members, int rounds)
    {
        await using var proxy = await RespClient.ConnectAsync("127.0.0.1", proxyPort);
        await using var node = await RespClient.ConnectAsync("127.0.0.1", nodePort);
        await proxy.ExecuteAsync("AUTH", "t1", "p1");
        var random = new Random(42);
        var weights = new double[Lists];
        for (int l = 0; l < Lists; l++)
        {
            weights[l] = Math.Round(0.5 + random.NextDouble() * 1.5, 3);
            var ids = new HashSet<int>();
            while (ids.Count < members)
                ids.Add(random.Next(5 * members));
            var pending = new List<Task<RespValue>>();
            foreach (var chunk in ids.Chunk(1000))
            {
                var pairs = chunk.SelectMany(id => new[] { RanklistCompare.F(Math.Round(random.NextDouble() * 1000, 4)), $"item:{id}" }).ToArray();
                pending.Add(proxy.ExecuteAsync(["RL.ADD", $"list:{l}", .. pairs]));
                pending.Add(node.ExecuteAsync(["RL.ADD", $"list:{l}", .. pairs]));
            }
            await Task.WhenAll(pending);
        }
        var excluded = Enumerable.Range(0, Excluded).Select(_ => $"item:{random.Next(5 * members)}").Distinct().ToArray();
        await proxy.ExecuteAsync(["SADD", "seen", .. excluded]);
        await node.ExecuteAsync(["SADD", "seen", .. excluded]);

        string[] Recall(double shift) => ["RL.RECALL", $"{Count}", "LISTS", $"{Lists}", .. Enumerable.Range(0, Lists).SelectMany(l => new[] { $"list:{l}", RanklistCompare.F(weights[l] + shift) }),
            "EXCLUDE", "1", "seen", "WITHSCORES"];
        var recall = Recall(0);
        string single = (await node.ExecuteAsync(recall)).ToString();
        string crossShard = (await proxy.ExecuteAsync(recall)).ToString();
        var merged = await MergeInClient(proxy, weights);
        var recalled = await proxy.ExecuteAsync(recall);
        bool same = single == crossShard && merged.SequenceEqual(Enumerable.Range(0, Count).Select(i => recalled[2 * i].AsString()!));
        Console.WriteLine($"{Lists} lists x {members} members on 3 shards, top {Count}, {excluded.Length} exclusions: answers agree: {same}");

        // Consecutive recalls differ in every weight, as different users' recalls do: a shard keeps one
        // recall's merge for that recall's next round, and must not be timed reusing the last recall's.
        string[][] variants = [recall, Recall(0.001)];
        int sent = 0;
        var (crossTimes, proxyCpu) = await RanklistCompare.Time(proxyPid, rounds, () => proxy.ExecuteAsync(variants[sent++ % 2]));
        var (singleTimes, nodeCpu) = await RanklistCompare.Time(nodePid, rounds, () => node.ExecuteAsync(variants[sent++ % 2]));
        var (clientTimes, _) = await RanklistCompare.Time(proxyPid, Math.Max(3, rounds / 10), () => MergeInClient(proxy, weights));
        Console.WriteLine($"RL.RECALL through the proxy:  {RanklistCompare.Summary(crossTimes)}, proxy CPU {proxyCpu:F2} ms each");
        Console.WriteLine($"RL.RECALL on one node:        {RanklistCompare.Summary(singleTimes)}, node CPU {nodeCpu:F2} ms each");
        Console.WriteLine($"fetch and merge in client:    {RanklistCompare.Summary(clientTimes)}");
        Console.WriteLine($"p99 cross-shard / single node: {P99(crossTimes) / P99(singleTimes):F2}x (target <= 3x); client merge / cross-shard: {P99(clientTimes) / P99(crossTimes):F1}x (target >= 20x)");
        return same ? 0 : 1;
    }

    private static double P99(List<double> sorted) => sorted[(int)Math.Ceiling(sorted.Count * 0.99) - 1];

    /// <summary>Every list and the exclusion set fetched whole, summed by member, filtered and cut: the top members.</summary>
    private static async Task<List<string>> MergeInClient(RespClient proxy, double[] weights)
    {
        var fetches = Enumerable.Range(0, Lists).Select(l => proxy.ExecuteAsync("RL.RANGE", $"list:{l}", "0", "-1", "WITHSCORES")).ToArray();
        var seen = (await proxy.ExecuteAsync("SMEMBERS", "seen")).Items.Select(i => i.AsString()!).ToHashSet(StringComparer.Ordinal);
        var totals = new Dictionary<string, double>(StringComparer.Ordinal);
        for (int l = 0; l < Lists; l++)
        {
            var rows = await fetches[l];
            for (int i = 0; i + 1 < rows.Count; i += 2)
            {
                string member = rows[i].AsString()!;
                totals[member] = totals.GetValueOrDefault(member) + weights[l] * double.Parse(rows[i + 1].AsString()!, CultureInfo.InvariantCulture);
            }
        }
        return [.. totals.Where(t => !seen.Contains(t.Key)).OrderByDescending(t => t.Value).ThenBy(t => t.Key, StringComparer.Ordinal).Take(Count).Select(t => t.Key)];
    }
}
