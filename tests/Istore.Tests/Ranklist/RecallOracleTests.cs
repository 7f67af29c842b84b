using System.Text;
using Istore.Node.Objects;
using Istore.Ranklist;

namespace Istore.Tests.Ranklist;

/// <summary>
/// <see cref="Recall.TopK"/> in process against <see cref="RecallOracle"/>: thousands of random
/// cases (ties, negative and zero weights, SUM and MAX, DEPTH, exclusions by set, ranklist and
/// bloom filter, MAXLEN eviction, members shared by the lists of one member table, ids freed by
/// removals and dropped lists and then reused) must agree exactly, member for member and score
/// for score, by every strategy; and the early stop must really skip most of long lists when the
/// answer is found early.
/// </summary>
public class RecallOracleTests
{
    private static readonly double[] Weights = [-2, -1, -0.5, 0, 0.25, 1, 1, 2, 3];

    private sealed class RandomCase(int seed)
    {
        private readonly Random _random = new(seed);

        /// <summary>One table for every list of the case, as in a database.</summary>
        public MemberTable Members { get; } = new();

        public string Member() => $"m{_random.Next(_random.Next(2) == 0 ? 30 : 400)}";

        /// <summary>Small integers for many ties, sometimes halves, negatives, or an infinity.</summary>
        public double Score() => _random.Next(20) switch
        {
            0 => double.PositiveInfinity,
            1 => double.NegativeInfinity,
            < 8 => _random.Next(-3, 4),
            < 14 => _random.Next(-40, 40) / 2.0,
            _ => Math.Round(_random.NextDouble() * 1000 - 300, 3),
        };

        public Random Random => _random;

        public (RankListObject Node, RecallOracle.ListModel Model) List(bool allowInfinity)
        {
            var node = new RankListObject(Members);
            var model = new RecallOracle.ListModel();
            long maxLength = _random.Next(4) == 0 ? _random.Next(1, 30) : 0;
            node.MaxLength = model.MaxLength = maxLength;
            int size = _random.Next(5) == 0 ? 0 : _random.Next(1, _random.Next(2) == 0 ? 20 : 150);
            for (int i = 0; i < size; i++)
            {
                string member = Member();
                if (_random.Next(8) == 0)
                {
                    Assert.Equal(model.Scores.Remove(member), node.Remove(Encoding.UTF8.GetBytes(member)));
                    continue;
                }
                double score = Score();
                if (!allowInfinity && double.IsInfinity(score))
                    score = 1;
                node.Set(Encoding.UTF8.GetBytes(member), score);
                node.EnforceMaxLength();
                model.Add(member, score);
            }
            return (node, model);
        }

        /// <summary>A list stored under a key and then deleted: its member ids go back to the table, for later lists to reuse.</summary>
        public void DroppedList()
        {
            var (node, _) = List(allowInfinity: true);
            node.Attach(Members);
            node.Detach();
        }
    }

    [Fact]
    public void Thousands_of_random_recalls_match_the_brute_force_oracle()
    {
        for (int seed = 0; seed < 4000; seed++)
        {
            var rc = new RandomCase(seed);
            var random = rc.Random;
            bool allowInfinity = seed % 5 == 0;
            int listCount = random.Next(1, 6);
            var lists = new List<WeightedList>();
            var models = new List<(RecallOracle.ListModel, double)>();
            for (int i = 0; i < listCount; i++)
            {
                if (random.Next(3) == 0)
                    rc.DroppedList();
                var (node, model) = rc.List(allowInfinity);
                double weight = Weights[random.Next(Weights.Length)];
                lists.Add(new WeightedList(node, weight));
                models.Add((model, weight));
                Assert.Equal(model.Scores.Count, node.Count);
            }
            var aggregate = random.Next(2) == 0 ? RecallAggregate.Sum : RecallAggregate.Max;
            int depth = random.Next(3) == 0 ? random.Next(1, 40) : int.MaxValue;
            int count = random.Next(4) == 0 ? random.Next(1, 300) : random.Next(1, 15);

            var exclusions = new List<IRecallExclusion>();
            var excludedBy = new List<Func<string, bool>>();
            if (random.Next(2) == 0)
            {
                var set = new SetObject();
                for (int i = random.Next(30); i > 0; i--)
                    set.Add(Encoding.UTF8.GetBytes(rc.Member()));
                exclusions.Add(set);
            }
            if (random.Next(3) == 0)
                exclusions.Add(rc.List(allowInfinity).Node);
            if (random.Next(3) == 0)
            {
                var bloom = new BloomObject(0.01, 8, 2, nonScaling: false);
                for (int i = random.Next(30); i > 0; i--)
                    bloom.Add(Encoding.UTF8.GetBytes(rc.Member()));
                exclusions.Add(bloom);
            }
            bool Excluded(string member) => exclusions.Any(e => e.Contains(Encoding.UTF8.GetBytes(member)));

            var expected = RecallOracle.TopK(count, models, aggregate, depth, Excluded);
            foreach (var strategy in Enum.GetValues<RecallStrategy>())
                RecallOracle.AssertSame(expected, Recall.TopK(new RecallQuery(rc.Members, count, lists, aggregate, depth, exclusions, strategy)), $"seed {seed}, {strategy}");
            AssertReferencesMatch($"seed {seed}", rc.Members, lists.Select(l => (RankListObject)l.List).Append(exclusions.OfType<RankListObject>().FirstOrDefault()));
        }
    }

    /// <summary>Every held id is held once per list entry naming it, and nothing else is held.</summary>
    private static void AssertReferencesMatch(string context, MemberTable members, IEnumerable<RankListObject?> lists)
    {
        var expected = new Dictionary<int, int>();
        foreach (var list in lists.OfType<RankListObject>())
        {
            var entries = new RankedMember[list.Count];
            list.CopyRanks(0, entries);
            foreach (var entry in entries)
                expected[entry.Id] = expected.GetValueOrDefault(entry.Id) + 1;
        }
        Assert.True(expected.Count == members.Count, $"{context}: {expected.Count} members in the lists, {members.Count} in the table");
        foreach (var (id, references) in expected)
            Assert.True(references == members.ReferencesOf(id), $"{context}: id {id} is in {references} lists, has {members.ReferencesOf(id)} references");
    }

    /// <summary>Counts the entries read by sorted access, to prove the early stop.</summary>
    /// <summary>
    /// A member table cleared between recalls (the disk engine interns only one recall's windows)
    /// hands out fewer ids the second time: the merge must not pick up the first recall's ids.
    /// </summary>
    [Fact]
    public void A_table_cleared_between_recalls_leaks_nothing_of_the_earlier_recall()
    {
        var members = new MemberTable();
        RecallEntry[] Run(int size)
        {
            members.Clear();
            var rows = Enumerable.Range(0, size).Select(i => new RankedMember(size - i, members.Acquire(Encoding.UTF8.GetBytes($"m{i}")))).ToArray();
            var query = new RecallQuery(members, 500, [new WeightedList(new RowList(rows), 1)], Strategy: RecallStrategy.Merge);
            return [.. Recall.TopK(query)];
        }
        Assert.Equal(300, Run(300).Length);
        var small = Run(3);
        Assert.Equal(["m0", "m1", "m2"], small.Select(e => Encoding.UTF8.GetString(e.Member.Span)));
    }

    private sealed class RowList(RankedMember[] rows) : IRecallList
    {
        public int Count => rows.Length;

        public void CopyRanks(int first, Span<RankedMember> into) => rows.AsSpan(first, into.Length).CopyTo(into);

        public long Version => 0;

        public bool TryGetScore(int id, out double score)
        {
            int at = Array.FindIndex(rows, r => r.Id == id);
            score = at < 0 ? 0 : rows[at].Score;
            return at >= 0;
        }
    }

    internal static RankListObject Scored(MemberTable members, int size, Func<int, double> score, string prefix = "m")
    {
        var list = new RankListObject(members);
        for (int i = 0; i < size; i++)
            list.Set(Encoding.UTF8.GetBytes($"{prefix}{i}"), score(i));
        return list;
    }

    /// <summary>
    /// With a negative weight, being absent from a list beats being in it, so an unseen member's
    /// bound is one list's contribution alone: the stop comes early when members are spread over
    /// the lists (disjoint here), not when every member sits in every list. Positive weights are
    /// the other way round (an unseen member might be in every list).
    /// </summary>
    [Theory]
    [InlineData(1.0, true)]
    [InlineData(-1.0, false)]
    public void Recall_stops_early_on_long_lists(double weight, bool sharedMembers)
    {
        var random = new Random(7);
        var members = new MemberTable();
        var inputs = Enumerable.Range(0, 5)
            .Select(l => new CountingList(Scored(members, 20_000, _ => random.NextDouble() * 1000, sharedMembers ? "m" : $"l{l}:"))).ToList();
        var lists = inputs.Select(l => new WeightedList(l, weight)).ToList();
        var top = Recall.TopK(new RecallQuery(members, 10, lists, RecallAggregate.Sum, Strategy: RecallStrategy.Threshold));
        Assert.Equal(10, top.Count);
        // Positive weights stop within the top; a negative weight reads the bottom of each list — both far from all 100,000 entries.
        Assert.True(inputs.Sum(l => l.Read) < 20_000, $"read {inputs.Sum(l => l.Read)} entries");
    }

    /// <summary>
    /// The cost model: when the lists agree (the same members near the top of each), the threshold
    /// algorithm proves the answer after a few rows and the automatic choice keeps it; when members
    /// are spread over the lists it would read deep, so the automatic choice merges, and reads each
    /// window once plus at most the probe of count rows.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Automatic_choice_reads_little_when_lists_agree_and_merges_when_they_do_not(bool listsAgree)
    {
        var random = new Random(11);
        var members = new MemberTable();
        const int Size = 20_000, Count = 10;
        var inputs = Enumerable.Range(0, 5).Select(l => new CountingList(listsAgree
            ? Scored(members, Size, i => Size - i + random.NextDouble())
            : Scored(members, Size, _ => random.NextDouble() * 1000, $"l{l}:"))).ToList();
        var lists = inputs.Select(l => new WeightedList(l, 1)).ToList();
        var top = Recall.TopK(new RecallQuery(members, Count, lists));
        Assert.Equal(Count, top.Count);
        int read = inputs.Sum(l => l.Read);
        if (listsAgree)
            Assert.True(read < 1_000, $"read {read} entries");
        else
            Assert.True(read <= 5 * Size + 1_000, $"read {read} entries");   // the windows, the probe's first chunks and its bisection
    }

    /// <summary>
    /// Lists that agree only roughly: the automatic choice probes, bounds the stop row and, where
    /// that is cheap enough, goes on with the threshold algorithm past the probe. Whatever it picks,
    /// the answer must be the merge's, exactly; and for some noise levels it must have taken the
    /// path that continues (more read than the probe, far less than the lists): at this seed noise
    /// 5,000 continues, 20,000 merges.
    /// </summary>
    [Fact]
    public void Automatic_choice_that_continues_past_the_probe_answers_as_the_merge()
    {
        const int Size = 5_000, Lists = 4;
        bool continued = false;
        foreach (double noise in new[] { 1000.0, 5000, 20000, 100000 })
        {
            var random = new Random(3);
            var members = new MemberTable();
            var inputs = Enumerable.Range(0, Lists)
                .Select(_ => new CountingList(Scored(members, Size, i => Size - i + Math.Round(random.NextDouble() * noise)))).ToList();
            var lists = inputs.Select((l, i) => new WeightedList(l, 1 + i % 2)).ToList();
            var automatic = Recall.TopK(new RecallQuery(members, 5, lists));
            int read = inputs.Sum(l => l.Read);
            var merged = Recall.TopK(new RecallQuery(members, 5, lists, Strategy: RecallStrategy.Merge));
            Assert.Equal(merged, automatic);
            // Past the probe's first chunk of 64 per list (and its bisection), short of the lists: the threshold algorithm went on.
            continued |= read > Lists * 64 + 200 && read < Lists * Size / 2;
        }
        Assert.True(continued, "no noise level made the automatic choice continue the threshold algorithm past its probe");
    }

    [Fact]
    public void Depth_window_ends_between_ties_by_member_order()
    {
        var members = new MemberTable();
        var list = Scored(members, 6, i => i < 3 ? 5 : 1);   // m0 m1 m2 at 5, m3 m4 m5 at 1
        var top = Recall.TopK(new RecallQuery(members, 10, [new WeightedList(list, -1)], RecallAggregate.Sum, Depth: 4));
        Assert.Equal(["m3", "m0", "m1", "m2"], top.Select(e => Encoding.UTF8.GetString(e.Member.Span)));
        Assert.Equal([-1.0, -5, -5, -5], top.Select(e => e.Score));
    }
}
