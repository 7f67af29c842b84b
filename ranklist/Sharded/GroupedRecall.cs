namespace Istore.Ranklist;

/// <summary>
/// RL.RECALL … AGG SUM across shards, asked of each shard as a whole (RL.PARTIAL) rather than of
/// each list: a shard sums the lists it holds itself — one array add per window entry — and sends
/// only members whose partial sum can matter. The same answer as one node, member for member and
/// bit for bit; when a shard holds several lists it moves far fewer rows than
/// <see cref="ShardedRecall"/>, whose per-list threshold falls low on lists that do not agree.
/// <para><b>Terms.</b> A group is the lists one shard holds, in query order. P_g(m), m's partial in
/// group g, is the sum of the group's contributions in query order, as the node computes it. A shard names a member with its window score in each of the group's lists, so a member told
/// about by a group is known exactly there, and the exact score S(m) is folded here over all lists
/// in query order (<see cref="RecallRounds.ExactScore"/>).</para>
/// <para><b>Algorithm (TPUT over groups).</b> Round 1 asks every group for its best members by
/// partial (a few times <c>count</c>; a group that returns fewer is complete: it told about every
/// member of its windows); after it, every member a group has not told about has P_g ≤ u_g, the
/// partial of its last row. It also tells whether every contribution in the group's windows is
/// non-negative: if one is not, no partial bounds the rest, and the host runs
/// <see cref="ShardedRecall"/> instead. Round 2 completes those candidates in the other groups and
/// tests exclusions; τ is the count-th best exact score among the non-excluded (exclusions that
/// leave fewer deepen round 1, as in <see cref="ShardedRecall"/>). Round 3 asks each group for
/// every member with P_g ≥ t, for a threshold t such that a member no group told about scores
/// below τ. With non-negative terms S ≤ Σ_g min(t, u_g) up to rounding, and the rounding of a
/// non-negative sum is bounded relatively: t is the largest value with
/// <see cref="Padded"/>(Σ_g min(t, u_g)) &lt; τ, the padding covering every rounding of the node's
/// and this fold (τ ≤ 0: every member is read). A member first seen in round 3 is bounded the same way by its known groups and u_g (now at most
/// t) for the others; one whose bound is below τ is dropped, the rest are completed in round 4, and
/// the answer is selected as in <see cref="ShardedRecall"/>. Concurrent writes between rounds are
/// not isolated: each step sees its shard at that moment.</para>
/// </summary>
public sealed class GroupedRecall : RecallRounds
{
    /// <summary>Round 1 reads at most this many times count members of a group (when exclusions hide its top).</summary>
    private const int MaxProbeRows = 16;

    /// <summary>
    /// Round 1 reads up to 4 × count members of each group, at most this many beyond count: a
    /// deeper first round costs little (lookups of a few thousand candidates) and brings τ nearer
    /// the true count-th score, and round 3 reads every member above about τ / groups in each group.
    /// </summary>
    private const int MaxExtraProbeRows = 4096;

    private sealed class Group(int[] lists)
    {
        public readonly int[] Lists = lists;
        /// <summary>Every member of the group's windows has been told about.</summary>
        public bool Complete;
        /// <summary>Every member not told about has a partial at most this.</summary>
        public double Bound = double.PositiveInfinity;
    }

    private readonly Group[] _groups;
    private readonly int[] _groupOf;
    private readonly double _padding;
    private readonly double _subnormalPadding;
    private int _probeRows;

    /// <param name="shardOfList">Per list (in query order), the shard that holds it: lists of one shard form a group.</param>
    public GroupedRecall(int count, IReadOnlyList<double> weights, IReadOnlyList<int> shardOfList, int exclusions)
        : base(count, weights, RecallAggregate.Sum, exclusions)
    {
        _groups = [.. Enumerable.Range(0, weights.Count).GroupBy(i => shardOfList[i]).Select(g => new Group([.. g]))];
        _groupOf = new int[weights.Count];
        for (int g = 0; g < _groups.Length; g++)
            foreach (int list in _groups[g].Lists)
                _groupOf[list] = g;
        // Relative error of the node's and this fold of at most (lists + groups) non-negative terms, with room to spare.
        double roundings = 4.0 * (weights.Count + _groups.Length) + 8;
        _padding = roundings * Math.Pow(2, -52);
        _subnormalPadding = roundings * double.Epsilon;
    }

    /// <summary>
    /// Worth running instead of <see cref="ShardedRecall"/>: SUM with finite weights, and some
    /// shard holding two or more of the lists. (MAX by list already reads each list only down to
    /// τ itself: aggregating on the shards saves nothing there.)
    /// </summary>
    public static bool Suits(RecallAggregate aggregate, IReadOnlyList<double> weights, IReadOnlyList<int> shardOfList) =>
        aggregate == RecallAggregate.Sum && weights.All(double.IsFinite) && shardOfList.Distinct().Count() < shardOfList.Count;

    /// <summary>Set after round 1 when a SUM window holds a negative contribution, which no partial bounds: run <see cref="ShardedRecall"/> instead.</summary>
    public bool NeedsListRecall { get; private set; }

    /// <summary>Members told about by round 1 and round 3 (to compare with the windows' size).</summary>
    public long RowsRead { get; private set; }

    public override IReadOnlyList<RecallStep> Start()
    {
        _probeRows = (int)Math.Min(4L * _count, _count + MaxExtraProbeRows);
        for (int g = 0; g < _groups.Length; g++)
            _round.Add(new RecallStep { Kind = RecallStepKind.PartialTop, Target = g, Lists = _groups[g].Lists, Limit = _probeRows });
        AddExclusionChecks();
        Rounds = 1;
        return _round;
    }

    private protected override void Apply(RecallStep step)
    {
        if (step.Kind == RecallStepKind.Excluded)
        {
            ApplyExclusions(step);
            return;
        }
        var group = _groups[step.Target];
        foreach (var (member, scores) in step.Partials)
        {
            var candidate = CandidateOf(member);
            for (int k = 0; k < group.Lists.Length; k++)
            {
                if (scores[k] is { } score)
                    candidate.SetPresent(group.Lists[k], score);
                else
                    candidate.State[group.Lists[k]] = RecallCandidate.Presence.Absent;
            }
        }
        if (step.Kind == RecallStepKind.PartialScores)
            return;
        RowsRead += step.Partials.Count;
        if (!step.NonNegative)
            NeedsListRecall = true;
        group.Complete |= step.Complete;
        if (step.Kind == RecallStepKind.PartialAbove)
            group.Bound = Math.Min(group.Bound, step.Min);
        else if (step.Partials.Count > 0)
            group.Bound = Math.Min(group.Bound, Partial(group, step.Partials[^1].Scores));
    }

    /// <summary>P_g of a member from its window scores in the group's lists, folded as the node folds it.</summary>
    private double Partial(Group group, double?[] scores)
    {
        double total = 0;
        for (int k = 0; k < group.Lists.Length; k++)
            if (scores[k] is { } score)
                total += RecallOrder.Contribution(_weights[group.Lists[k]], score);
        return RecallOrder.Finish(total);
    }

    /// <summary>Steps asking each group about the candidates it has not told about, and optionally the exclusion steps for the untested ones.</summary>
    private protected override void ScoreUnknown(IEnumerable<RecallCandidate> candidates, bool testExclusions)
    {
        var unknown = new List<byte[]>[_groups.Length];
        var untested = new List<byte[]>();
        foreach (var candidate in candidates)
        {
            if (candidate.Excluded == RecallCandidate.Exclusion.Unknown)
                untested.Add(candidate.Member);
            for (int g = 0; g < _groups.Length; g++)
            {
                var group = _groups[g];
                if (candidate.State[group.Lists[0]] != RecallCandidate.Presence.Unknown)
                    continue;   // a group tells about all its lists at once
                if (group.Complete)
                    foreach (int list in group.Lists)
                        candidate.State[list] = RecallCandidate.Presence.Absent;
                else
                    (unknown[g] ??= []).Add(candidate.Member);
            }
        }
        for (int g = 0; g < _groups.Length; g++)
            if (unknown[g] is { } members)
                _round.Add(new RecallStep { Kind = RecallStepKind.PartialScores, Target = g, Lists = _groups[g].Lists, Members = members });
        if (testExclusions && untested.Count > 0)
            AddExclusionSteps(untested);
    }

    /// <summary>Round 1 again on twice the members, while exclusions leave fewer than count candidates.</summary>
    private protected override bool DeepenProbe()
    {
        if (2L * _probeRows > (long)MaxProbeRows * _count || _groups.All(group => group.Complete))
            return false;
        _probeRows *= 2;
        for (int g = 0; g < _groups.Length; g++)
            if (!_groups[g].Complete)
                _round.Add(new RecallStep { Kind = RecallStepKind.PartialTop, Target = g, Lists = _groups[g].Lists, Limit = _probeRows });
        return true;
    }

    /// <summary>Round 3: each group that may hold members at or above the threshold is asked for all of them.</summary>
    private protected override void ReadToThreshold()
    {
        double? threshold = SumThreshold();
        if (threshold is not { } t)
            return;
        for (int g = 0; g < _groups.Length; g++)
            if (!_groups[g].Complete && t <= _groups[g].Bound)
                _round.Add(new RecallStep { Kind = RecallStepKind.PartialAbove, Target = g, Lists = _groups[g].Lists, Min = t });
    }

    /// <summary>
    /// SUM: the largest t ≥ 0 with Padded(Σ_g min(t, u_g)) &lt; τ, or null when the bounds alone
    /// stay below τ (nothing to read), or -inf when no t ≥ 0 does (every member is read).
    /// </summary>
    private double? SumThreshold()
    {
        if (_tau <= 0 || Padded(UnseenBound(0)) >= _tau)
            return double.NegativeInfinity;
        double high = 0;
        foreach (var group in _groups)
            if (!group.Complete)
                high = Math.Max(high, group.Bound);
        return LargestThresholdBelowTau(high, t => Padded(UnseenBound(t)));
    }

    /// <summary>Σ_g min(t, u_g) over the groups that may hold members not told about.</summary>
    private double UnseenBound(double t)
    {
        double sum = 0;
        foreach (var group in _groups)
            if (!group.Complete)
                sum += Math.Min(t, group.Bound);
        return sum;
    }

    /// <summary>A non-negative sum raised past every rounding the folds could have made (relative, and absolute for subnormals).</summary>
    private double Padded(double sum) => sum + sum * _padding + _subnormalPadding;

    /// <summary>After round 3: drops every new candidate whose upper bound is below τ and completes the rest (round 4).</summary>
    private protected override void PruneAndScoreSurvivors()
    {
        var survivors = new List<RecallCandidate>();
        foreach (var candidate in _candidates.Values)
        {
            if (candidate.FromProbe)
                continue;
            if (UpperBound(candidate) < _tau)
                candidate.Pruned = true;
            else
                survivors.Add(candidate);
        }
        ScoreUnknown(survivors, testExclusions: false);
    }

    /// <summary>Known contributions, and each group's bound where the member has not been told about.</summary>
    private double UpperBound(RecallCandidate candidate)
    {
        double total = 0;
        for (int i = 0; i < _weights.Count; i++)
        {
            var group = _groups[_groupOf[i]];
            if (candidate.State[i] == RecallCandidate.Presence.Present)
                total += RecallOrder.Contribution(_weights[i], candidate.Scores[i]);
            else if (candidate.State[i] == RecallCandidate.Presence.Unknown && !group.Complete && group.Lists[0] == i)
                total += group.Bound;
        }
        return Padded(total);
    }

    private protected override bool ToldAll(int list) => _groups[_groupOf[list]].Complete;

    private protected override bool AllToldAll => _groups.All(group => group.Complete);

    private protected override bool Stopped => NeedsListRecall;
}
