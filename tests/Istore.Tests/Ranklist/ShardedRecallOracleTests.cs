using System.Text;
using Istore.Ranklist;

namespace Istore.Tests.Ranklist;

/// <summary>
/// <see cref="ShardedRecall"/> in process, its steps answered from plain list models the way
/// RL.WINDOW, RL.WINDOWSCORE and RL.EXCLUDED answer them, against the brute-force
/// <see cref="RecallOracle"/>: thousands of random cases (ties, negative, zero and infinite
/// weights, infinite scores, SUM and MAX, DEPTH small enough to read whole or not, exclusions
/// over several keys, counts above the number of members) must agree member for member and bit
/// for bit; and the threshold must really leave most of long lists unread.
/// </summary>
public class ShardedRecallOracleTests
{
    private static readonly double[] Weights = [-2, -1, -0.5, 0, 0.25, 1, 1, 2, 3, 0.1];

    /// <summary>Answers a recall's steps from the models, as the nodes would.</summary>
    private sealed class ModelHost(IReadOnlyList<(RecallOracle.ListModel List, double Weight)> lists, int depth, IReadOnlyList<HashSet<string>> exclusions,
        RecallAggregate aggregate)
    {
        public List<RecallEntry> Run(ShardedRecall recall) => Run(recall.Start, recall.Next, () => recall.Error, () => recall.Result);

        public List<RecallEntry> Run(ClusterRecall recall) => Run(recall.Start, recall.Next, () => recall.Error, () => recall.Result);

        private List<RecallEntry> Run(Func<IReadOnlyList<RecallStep>> start, Func<IReadOnlyList<RecallStep>?> next, Func<string?> error, Func<List<RecallEntry>> result)
        {
            for (var steps = start(); steps is not null; steps = next())
                foreach (var step in steps)
                    Answer(step);
            Assert.Null(error());
            return result();
        }

        private void Answer(RecallStep step)
        {
            switch (step.Kind)
            {
                case RecallStepKind.Rows:
                    var (list, weight) = lists[step.Target];
                    var window = list.Window(depth);
                    if (weight < 0)
                        window.Reverse();
                    step.WindowLength = window.Count;
                    foreach (var (member, score) in window.Skip(step.Offset).Take(step.Limit))
                    {
                        if ((weight == 0 ? 0 : weight * score) < step.Min)
                            break;
                        step.Rows.Add((Encoding.UTF8.GetBytes(member), score));
                    }
                    break;
                case RecallStepKind.Scores:
                    var scores = lists[step.Target].List.Window(depth).ToDictionary(e => e.Key, e => e.Value);
                    step.Scores = [.. step.Members.Select(m => scores.TryGetValue(Encoding.UTF8.GetString(m), out double s) ? s : (double?)null)];
                    break;
                case RecallStepKind.Excluded:
                    step.ExcludedFlags = [.. step.Members.Select(m => exclusions[step.Target].Contains(Encoding.UTF8.GetString(m)))];
                    break;
                default:
                    AnswerPartial(step);
                    break;
            }
        }

        /// <summary>RL.PARTIAL over the step's lists: partials folded in query order over the group alone, as the node folds them.</summary>
        private void AnswerPartial(RecallStep step)
        {
            var windows = step.Lists.Select(i => lists[i].List.Window(depth).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal)).ToList();
            step.NonNegative = step.Lists.Select((i, k) => windows[k].Values.All(score => Contribution(lists[i].Weight, score) >= 0)).All(ok => ok);
            var partials = windows.SelectMany(w => w.Keys).Distinct(StringComparer.Ordinal).Select(m => new KeyValuePair<string, double>(m, Partial(step, windows, m))).ToList();
            IEnumerable<string> rows = step.Kind switch
            {
                RecallStepKind.PartialTop => RecallOracle.BestFirst(partials).Take(step.Limit).Select(e => e.Key),
                RecallStepKind.PartialAbove => partials.Where(e => e.Value >= step.Min).Select(e => e.Key),
                _ => step.Members.Select(m => Encoding.UTF8.GetString(m)),
            };
            foreach (var member in rows.ToList())
                step.Partials.Add((Encoding.UTF8.GetBytes(member), [.. windows.Select(w => w.TryGetValue(member, out double s) ? s : (double?)null)]));
            step.Complete = step.Partials.Count == partials.Count;
        }

        private double Partial(RecallStep step, List<Dictionary<string, double>> windows, string member)
        {
            double total = aggregate == RecallAggregate.Sum ? 0 : double.NegativeInfinity;
            for (int k = 0; k < windows.Count; k++)
                if (windows[k].TryGetValue(member, out double score))
                {
                    double contribution = Contribution(lists[step.Lists[k]].Weight, score);
                    total = aggregate == RecallAggregate.Sum ? total + contribution : Math.Max(total, contribution);
                }
            return double.IsNaN(total) ? 0 : total + 0.0;
        }

        private static double Contribution(double weight, double score) => weight == 0 ? 0 : weight * score;
    }

    private static double Score(Random random, bool infinities) => random.Next(20) switch
    {
        0 when infinities => double.PositiveInfinity,
        1 when infinities => double.NegativeInfinity,
        < 8 => random.Next(-3, 4),
        < 14 => random.Next(-40, 40) / 2.0,
        _ => Math.Round(random.NextDouble() * 1000 - 300, 3),
    };

    private sealed record RandomCase(List<(RecallOracle.ListModel List, double Weight)> Lists, List<HashSet<string>> Exclusions,
        RecallAggregate Aggregate, int Depth, int Count)
    {
        public List<KeyValuePair<string, double>> Expected() => RecallOracle.TopK(Count, Lists, Aggregate, Depth, m => Exclusions.Any(e => e.Contains(m)));

        public ModelHost Host() => new(Lists, Depth, Exclusions, Aggregate);
    }

    /// <summary>A random recall; <paramref name="nonNegative"/> keeps every weight and score at 0 or above (SUM's grouped bound needs it).</summary>
    private static RandomCase Generate(int seed, bool nonNegative = false)
    {
        var random = new Random(seed);
        bool infinities = seed % 5 == 0;
        int universe = random.Next(2) == 0 ? 30 : 400;
        var lists = new List<(RecallOracle.ListModel, double)>();
        for (int i = random.Next(1, 7); i > 0; i--)
        {
            var model = new RecallOracle.ListModel();
            for (int n = random.Next(5) == 0 ? 0 : random.Next(1, random.Next(2) == 0 ? 20 : 200); n > 0; n--)
                model.Add($"m{random.Next(universe)}", nonNegative ? Math.Abs(Score(random, infinities)) : Score(random, infinities));
            double weight = seed % 11 == 0 && random.Next(3) == 0 ? double.PositiveInfinity : Weights[random.Next(Weights.Length)];
            lists.Add((model, nonNegative ? Math.Abs(weight) : weight));
        }
        var exclusions = new List<HashSet<string>>();
        for (int j = random.Next(3); j > 0; j--)
            exclusions.Add([.. Enumerable.Range(0, random.Next(60)).Select(_ => $"m{random.Next(universe)}")]);
        var aggregate = random.Next(2) == 0 ? RecallAggregate.Sum : RecallAggregate.Max;
        int depth = random.Next(4) switch { 0 => random.Next(1, 40), 1 => random.Next(1000, 3000), _ => int.MaxValue };
        int count = random.Next(4) == 0 ? random.Next(1, 300) : random.Next(1, 15);
        return new RandomCase(lists, exclusions, aggregate, depth, count);
    }

    [Fact]
    public void Thousands_of_random_sharded_recalls_match_the_brute_force_oracle()
    {
        int thresholdRuns = 0, restReadWhole = 0;
        for (int seed = 0; seed < 2000; seed++)
        {
            var c = Generate(seed);
            var recall = new ShardedRecall(c.Count, [.. c.Lists.Select(l => l.Weight)], c.Aggregate, c.Depth, c.Exclusions.Count);
            thresholdRuns += recall.ReadsWhole ? 0 : 1;
            RecallOracle.AssertSame(c.Expected(), c.Host().Run(recall), $"seed {seed}");
            restReadWhole += recall.ReadRestWhole ? 1 : 0;
        }
        Assert.True(thresholdRuns > 700, $"only {thresholdRuns} cases ran the threshold rounds");
        Assert.True(restReadWhole > 5 && thresholdRuns - restReadWhole > 100, $"{restReadWhole} of {thresholdRuns} threshold runs read the rest whole");
    }

    /// <summary>
    /// The recall by shard (<see cref="GroupedRecall"/>, through <see cref="ClusterRecall"/>) on
    /// random cases whose lists are spread over 1–3 shards: the same answer as the oracle, bit for
    /// bit; half the cases have only non-negative weights and scores, so SUM runs grouped to the end,
    /// the others hand SUM over to the recall by list when a shard reports a negative contribution
    /// (MAX runs by list).
    /// </summary>
    [Fact]
    public void Thousands_of_random_recalls_by_shard_match_the_brute_force_oracle()
    {
        int grouped = 0, handedOver = 0;
        for (int seed = 0; seed < 2000; seed++)
        {
            var c = Generate(seed, nonNegative: seed % 2 == 0);
            var shards = c.Lists.Select((_, i) => (seed + i * 7) % (1 + seed % 3)).ToArray();
            var recall = new ClusterRecall(c.Count, [.. c.Lists.Select(l => l.Weight)], c.Aggregate, c.Depth, c.Exclusions.Count, shards);
            bool startedGrouped = recall.Running is GroupedRecall;
            RecallOracle.AssertSame(c.Expected(), c.Host().Run(recall), $"seed {seed}");
            grouped += recall.Running is GroupedRecall ? 1 : 0;
            handedOver += startedGrouped && recall.Running is ShardedRecall ? 1 : 0;
        }
        Assert.True(grouped > 200 && handedOver > 50, $"{grouped} cases ran grouped to the end, {handedOver} handed over to the recall by list");
    }

    /// <summary>
    /// Issue 19's benchmark shape, scaled down: independent random lists (which defeat the
    /// per-list threshold) on 3 shards. Each shard aggregates its own lists, so the rows sent are a
    /// small part of the windows, in at most five rounds, and the answer is exact.
    /// </summary>
    [Fact]
    public void Shards_that_aggregate_their_lists_send_few_rows_of_independent_lists()
    {
        const RecallAggregate aggregate = RecallAggregate.Sum;
        var random = new Random(19);
        var lists = new List<(RecallOracle.ListModel, double)>();
        for (int l = 0; l < 10; l++)
        {
            var model = new RecallOracle.ListModel();
            while (model.Scores.Count < 4000)
                model.Add($"item:{random.Next(20_000)}", Math.Round(random.NextDouble() * 1000, 4));
            lists.Add((model, Math.Round(0.5 + random.NextDouble() * 1.5, 3)));
        }
        var exclusions = new List<HashSet<string>> { Enumerable.Range(0, 200).Select(_ => $"item:{random.Next(20_000)}").ToHashSet() };
        var expected = RecallOracle.TopK(100, lists, aggregate, int.MaxValue, exclusions[0].Contains);
        var recall = new ClusterRecall(100, [.. lists.Select(l => l.Item2)], aggregate, int.MaxValue, 1, [.. Enumerable.Range(0, 10).Select(l => l % 3)]);
        RecallOracle.AssertSame(expected, new ModelHost(lists, int.MaxValue, exclusions, aggregate).Run(recall), "independent lists");
        var grouped = Assert.IsType<GroupedRecall>(recall.Running);
        var byList = new ShardedRecall(100, [.. lists.Select(l => l.Item2)], aggregate, int.MaxValue, 1);
        RecallOracle.AssertSame(expected, new ModelHost(lists, int.MaxValue, exclusions, aggregate).Run(byList), "independent lists by list");
        Assert.True(grouped.RowsRead < 10 * 4000 / 5 && grouped.RowsRead * 4 < byList.RowsRead,
            $"{grouped.RowsRead} rows sent by shard, {byList.RowsRead} by list, of {10 * 4000}");
        Assert.InRange(grouped.Rounds, 2, 5);
    }

    /// <summary>
    /// Long lists that agree on their top: the answer is proven after reading a small part of
    /// them, in at most five rounds, whatever the sign
    /// of the weights; for a negative weight the low end of each list is read instead.
    /// </summary>
    [Theory]
    [InlineData(1.0, RecallAggregate.Sum)]
    [InlineData(-1.0, RecallAggregate.Sum)]
    [InlineData(2.0, RecallAggregate.Max)]
    public void The_threshold_leaves_most_of_long_lists_unread(double weight, RecallAggregate aggregate)
    {
        var random = new Random(3);
        var lists = new List<(RecallOracle.ListModel, double)>();
        for (int l = 0; l < 6; l++)
        {
            var model = new RecallOracle.ListModel();
            for (int i = 0; i < 5000; i++)
                model.Add($"m{i}", Math.Sign(weight) * (10_000 - i + random.NextDouble() * 50));
            lists.Add((model, weight));
        }
        var exclusions = new List<HashSet<string>> { new() { "m3", "m7" } };
        var expected = RecallOracle.TopK(20, lists, aggregate, int.MaxValue, m => exclusions[0].Contains(m));
        var recall = new ShardedRecall(20, [.. lists.Select(l => l.Item2)], aggregate, int.MaxValue, 1);
        RecallOracle.AssertSame(expected, new ModelHost(lists, int.MaxValue, exclusions, aggregate).Run(recall), "long lists");
        Assert.True(recall.RowsRead < 6 * 5000 / 10, $"read {recall.RowsRead} of {6 * 5000} rows");
        Assert.InRange(recall.Rounds, 2, 5);
    }

    /// <summary>
    /// Lists that do not agree (independent random scores over a shared universe) leave most rows
    /// above the threshold: looking the survivors up would cost more than reading the rest, so
    /// round 4 reads the rest of the windows whole, and the answer stays exact. (MAX has no such
    /// problem: its threshold is τ itself.)
    /// </summary>
    [Theory]
    [InlineData(RecallAggregate.Sum, 1)]
    [InlineData(RecallAggregate.Sum, 0)]
    [InlineData(RecallAggregate.Sum, 2)]
    public void Lists_that_disagree_are_read_whole_after_the_threshold(RecallAggregate aggregate, int exclusionKeys)
    {
        var random = new Random(11);
        var lists = new List<(RecallOracle.ListModel, double)>();
        for (int l = 0; l < 8; l++)
        {
            var model = new RecallOracle.ListModel();
            for (int i = 0; i < 3000; i++)
                model.Add($"m{random.Next(6000)}", Math.Round(random.NextDouble() * 1000, 2));
            lists.Add((model, Weights[random.Next(Weights.Length)]));
        }
        var exclusions = Enumerable.Range(0, exclusionKeys).Select(_ => Enumerable.Range(0, 500).Select(_ => $"m{random.Next(6000)}").ToHashSet()).ToList();
        var expected = RecallOracle.TopK(50, lists, aggregate, int.MaxValue, m => exclusions.Any(e => e.Contains(m)));
        var recall = new ShardedRecall(50, [.. lists.Select(l => l.Item2)], aggregate, int.MaxValue, exclusions.Count);
        RecallOracle.AssertSame(expected, new ModelHost(lists, int.MaxValue, exclusions, aggregate).Run(recall), "lists that disagree");
        Assert.True(recall.ReadRestWhole, $"read {recall.RowsRead} rows in {recall.Rounds} rounds without reading the rest whole");
    }

    /// <summary>
    /// The lists agree and their common top is excluded (already shown): round 1 is repeated
    /// deeper instead of falling back to a threshold of -inf, so most rows still stay unread.
    /// </summary>
    [Fact]
    public void An_excluded_common_top_deepens_the_first_round()
    {
        var random = new Random(5);
        var lists = new List<(RecallOracle.ListModel, double)>();
        for (int l = 0; l < 6; l++)
        {
            var model = new RecallOracle.ListModel();
            for (int i = 0; i < 5000; i++)
                model.Add($"m{i}", 10_000 - i + random.NextDouble() * 20);
            lists.Add((model, 1.0));
        }
        var exclusions = new List<HashSet<string>> { Enumerable.Range(0, 45).Select(i => $"m{i}").ToHashSet() };
        var expected = RecallOracle.TopK(20, lists, RecallAggregate.Sum, int.MaxValue, exclusions[0].Contains);
        var recall = new ShardedRecall(20, [.. lists.Select(l => l.Item2)], RecallAggregate.Sum, int.MaxValue, 1);
        RecallOracle.AssertSame(expected, new ModelHost(lists, int.MaxValue, exclusions, RecallAggregate.Sum).Run(recall), "excluded top");
        Assert.True(recall.RowsRead < 6 * 5000 / 10 && !recall.ReadRestWhole, $"read {recall.RowsRead} of {6 * 5000} rows");
    }
}
