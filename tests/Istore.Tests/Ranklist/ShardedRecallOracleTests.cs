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
    private sealed class ModelHost(IReadOnlyList<(RecallOracle.ListModel List, double Weight)> lists, int depth, IReadOnlyList<HashSet<string>> exclusions)
    {
        public List<RecallEntry> Run(ShardedRecall recall)
        {
            for (var steps = recall.Start(); steps is not null; steps = recall.Next())
                foreach (var step in steps)
                    Answer(step);
            Assert.Null(recall.Error);
            return recall.Result;
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
            }
        }
    }

    private static double Score(Random random, bool infinities) => random.Next(20) switch
    {
        0 when infinities => double.PositiveInfinity,
        1 when infinities => double.NegativeInfinity,
        < 8 => random.Next(-3, 4),
        < 14 => random.Next(-40, 40) / 2.0,
        _ => Math.Round(random.NextDouble() * 1000 - 300, 3),
    };

    [Fact]
    public void Thousands_of_random_sharded_recalls_match_the_brute_force_oracle()
    {
        int thresholdRuns = 0, restReadWhole = 0;
        for (int seed = 0; seed < 2000; seed++)
        {
            var random = new Random(seed);
            bool infinities = seed % 5 == 0;
            int universe = random.Next(2) == 0 ? 30 : 400;
            var lists = new List<(RecallOracle.ListModel, double)>();
            for (int i = random.Next(1, 7); i > 0; i--)
            {
                var model = new RecallOracle.ListModel();
                for (int n = random.Next(5) == 0 ? 0 : random.Next(1, random.Next(2) == 0 ? 20 : 200); n > 0; n--)
                    model.Add($"m{random.Next(universe)}", Score(random, infinities));
                double weight = seed % 11 == 0 && random.Next(3) == 0 ? double.PositiveInfinity : Weights[random.Next(Weights.Length)];
                lists.Add((model, weight));
            }
            var exclusions = new List<HashSet<string>>();
            for (int j = random.Next(3); j > 0; j--)
                exclusions.Add([.. Enumerable.Range(0, random.Next(60)).Select(_ => $"m{random.Next(universe)}")]);
            var aggregate = random.Next(2) == 0 ? RecallAggregate.Sum : RecallAggregate.Max;
            int depth = random.Next(4) switch { 0 => random.Next(1, 40), 1 => random.Next(1000, 3000), _ => int.MaxValue };
            int count = random.Next(4) == 0 ? random.Next(1, 300) : random.Next(1, 15);

            var expected = RecallOracle.TopK(count, lists, aggregate, depth, m => exclusions.Any(e => e.Contains(m)));
            var recall = new ShardedRecall(count, [.. lists.Select(l => l.Item2)], aggregate, depth, exclusions.Count);
            thresholdRuns += recall.ReadsWhole ? 0 : 1;
            RecallOracle.AssertSame(expected, new ModelHost(lists, depth, exclusions).Run(recall), $"seed {seed}");
            restReadWhole += recall.ReadRestWhole ? 1 : 0;
        }
        Assert.True(thresholdRuns > 700, $"only {thresholdRuns} cases ran the threshold rounds");
        Assert.True(restReadWhole > 5 && thresholdRuns - restReadWhole > 100, $"{restReadWhole} of {thresholdRuns} threshold runs read the rest whole");
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
        RecallOracle.AssertSame(expected, new ModelHost(lists, int.MaxValue, exclusions).Run(recall), "long lists");
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
        RecallOracle.AssertSame(expected, new ModelHost(lists, int.MaxValue, exclusions).Run(recall), "lists that disagree");
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
        RecallOracle.AssertSame(expected, new ModelHost(lists, int.MaxValue, exclusions).Run(recall), "excluded top");
        Assert.True(recall.RowsRead < 6 * 5000 / 10 && !recall.ReadRestWhole, $"read {recall.RowsRead} of {6 * 5000} rows");
    }
}
