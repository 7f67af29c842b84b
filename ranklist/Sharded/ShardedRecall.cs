namespace Istore.Ranklist;

/// <summary>
/// RL.RECALL over lists and exclusion keys that live on different shards, as rounds of per-key
/// steps (<see cref="RecallStep"/>) that a host sends in parallel and answers; the result is the
/// one a single node holding every key returns, member for member and bit for bit. It knows
/// nothing of the network: the proxy runs it on its event loop, tests run it in process.
/// <para><b>Terms.</b> c_i(m) = <see cref="RecallOrder.Contribution"/>(w_i, score of m in list i)
/// when m is in list i's DEPTH window; S(m) is the node's aggregate: c_i folded in query order by
/// <see cref="RecallOrder.Combine"/> (SUM from 0, MAX from -inf), then <see cref="RecallOrder.Finish"/>.
/// Every list is read in non-increasing c order (RL.WINDOW reads a negative weight's window bottom
/// up), so after reading a prefix of list i, every unread row has c ≤ u_i, the last read
/// contribution; a read "down to t" leaves only rows with c &lt; t.</para>
/// <para><b>Exact scores.</b> A candidate's exact S(m) comes from its rows and RL.WINDOWSCORE of
/// the lists it was not read in, folded here with the library's own functions in query order, so
/// the floating-point result equals the node's.</para>
/// <para><b>Algorithm (TPUT, Cao &amp; Wang, PODC 2004, with exact scores).</b> Round 1 reads the
/// top <c>count</c> rows of every list. Round 2 scores those candidates exactly and tests them
/// against the exclusions; τ = the count-th best S among the non-excluded (-inf when fewer). Since
/// count non-excluded members score ≥ τ, a member proven to score &lt; τ cannot be in the answer,
/// ties included (they are broken by member, so equal would not be enough). When exclusions leave
/// fewer than count, rounds 1–2 repeat deeper (more candidates only raise τ, still a lower bound
/// of the count-th best). Round 3 reads each
/// list down to a threshold t chosen so that every member seen in no list scores &lt; τ:
/// <list type="bullet">
/// <item>MAX, or SUM with τ ≤ 0: t = τ, and a list is read on when t ≤ u_i. An unseen member's
/// every present c_i is &lt; τ (read lists: below t; the others: ≤ u_i &lt; t). MAX of such terms
/// is &lt; τ; for SUM all terms are negative, and a floating-point sum from 0 of negative terms
/// is at most its first term (adding a non-positive number never increases a rounded sum).</item>
/// <item>SUM with τ &gt; 0 (TPUT's uniform threshold, water-filled): with b_i(t) = max(0, min(t, u_i))
/// and B(t) the rounded sum of the b_i in query order, t is the largest value with B(t) &lt; τ
/// (bisection; B is monotone). An unseen member has c_i ≤ b_i(t) in every list it is in, and
/// b_i ≥ 0 stands in for a list it is not in; rounding is monotone and adding a non-negative
/// term never decreases a rounded sum, so S(m) ≤ B(t) &lt; τ. Lists with u_i &lt; t need no read.</item>
/// </list>
/// Negative and zero weights need nothing more: the order of reading makes u_i and t bounds for
/// them too; this is why the threshold is taken from exact scores (TPUT's partial sums are lower
/// bounds only for non-negative contributions). A member seen by round 3 is bounded the same way:
/// its known c_i, and for a list it was not read in, max(0, bound) for SUM or the bound for MAX,
/// folded in query order; one whose bound is &lt; τ is dropped, the rest are scored exactly in
/// round 4 — or, when those lookups would cost more than reading the rest of the windows (lists
/// that do not agree leave most rows above t), round 4 reads the rest whole, after which every
/// member's score is exact and no bound is used. An infinite contribution is never an unread one (bounds are finite below +inf rows
/// read), so a NaN sum (+inf + -inf) only arises where the bound is +inf or NaN, never pruned.</para>
/// <para><b>Fallback.</b> With an infinite weight, 0 × inf makes NaN contributions that have no
/// order, and with small windows (DEPTH × lists ≤ <see cref="WholeWindowRows"/>) reading them
/// whole costs less than the rounds: then round 1 reads every window whole, which makes every
/// member's score exact with no bound at all.</para>
/// <para><b>Exclusions</b> are tested only for candidates: round 2 tests round 1's, then the
/// answer is taken best first, testing the untested among the best 2 × count in a round each
/// until the first count are all known not excluded.</para>
/// Concurrent writes between rounds are not isolated: each step sees its shard at that moment.
/// </summary>
public sealed class ShardedRecall : RecallRounds
{
    /// <summary>Windows whose rows add up to at most this many are read whole in one round.</summary>
    public const int WholeWindowRows = 4096;

    /// <summary>Round 1 reads at most this many times count rows of a list (when exclusions hide its top).</summary>
    private const int MaxProbeRows = 8;

    /// <summary>A member looked up in a list (RL.WINDOWSCORE) costs about this many rows read in order.</summary>
    private const int LookupCost = 2;

    private sealed class ListState
    {
        public int Read;
        public int Window = -1;
        /// <summary>Every unread row's contribution is at most this.</summary>
        public double Bound = double.PositiveInfinity;
        public bool Exhausted => Window >= 0 && Read >= Window;
    }

    private readonly int _depth;
    private readonly ListState[] _lists;
    private int _probeRows;

    public ShardedRecall(int count, IReadOnlyList<double> weights, RecallAggregate aggregate, int depth, int exclusions)
        : base(count, weights, aggregate, exclusions)
    {
        _depth = depth;
        _lists = [.. weights.Select(_ => new ListState())];
    }

    /// <summary>Rows read by sorted access so far (to compare with reading the windows whole).</summary>
    public long RowsRead { get; private set; }

    /// <summary>Whether round 4 read the rest of the windows instead of looking the survivors up.</summary>
    public bool ReadRestWhole { get; private set; }

    /// <summary>Whether round 1 reads every window whole (the fallback).</summary>
    public bool ReadsWhole => _weights.Any(w => !double.IsFinite(w)) || (long)_depth * _weights.Count <= WholeWindowRows;

    public override IReadOnlyList<RecallStep> Start()
    {
        int rows = ReadsWhole ? _depth : Math.Min(_count, _depth);
        _probeRows = rows;
        for (int i = 0; i < _lists.Length; i++)
            _round.Add(new RecallStep { Kind = RecallStepKind.Rows, Target = i, Limit = rows });
        AddExclusionChecks();
        Rounds = 1;
        return _round;
    }

    private protected override void Apply(RecallStep step)
    {
        switch (step.Kind)
        {
            case RecallStepKind.Rows:
                var list = _lists[step.Target];
                list.Window = step.WindowLength;
                list.Read += step.Rows.Count;
                RowsRead += step.Rows.Count;
                foreach (var (member, score) in step.Rows)
                    CandidateOf(member).SetPresent(step.Target, score);
                if (step.Rows.Count > 0)
                    list.Bound = Math.Min(list.Bound, RecallOrder.Contribution(_weights[step.Target], step.Rows[^1].Score));
                if (step.Limit == int.MaxValue)
                    list.Bound = Math.Min(list.Bound, step.Min);   // read down to Min: what is left is below it
                break;
            case RecallStepKind.Scores:
                for (int k = 0; k < step.Members.Count && k < step.Scores.Length; k++)
                {
                    var candidate = _candidates[step.Members[k]];
                    if (step.Scores[k] is { } score)
                        candidate.SetPresent(step.Target, score);
                    else
                        candidate.State[step.Target] = RecallCandidate.Presence.Absent;
                }
                break;
            case RecallStepKind.Excluded:
                ApplyExclusions(step);
                break;
        }
    }

    /// <summary>
    /// Steps asking each list for the candidates it has not told about (a read-out window tells of
    /// all of them: they are absent), and optionally the exclusion steps for the untested ones.
    /// </summary>
    private protected override void ScoreUnknown(IEnumerable<RecallCandidate> candidates, bool testExclusions)
    {
        var unknown = new List<byte[]>[_lists.Length];
        var all = new List<byte[]>();
        foreach (var candidate in candidates)
        {
            if (candidate.Excluded == RecallCandidate.Exclusion.Unknown)
                all.Add(candidate.Member);
            for (int i = 0; i < _lists.Length; i++)
            {
                if (candidate.State[i] != RecallCandidate.Presence.Unknown)
                    continue;
                if (_lists[i].Exhausted)
                    candidate.State[i] = RecallCandidate.Presence.Absent;
                else
                    (unknown[i] ??= []).Add(candidate.Member);
            }
        }
        for (int i = 0; i < _lists.Length; i++)
            if (unknown[i] is { } members)
                _round.Add(new RecallStep { Kind = RecallStepKind.Scores, Target = i, Members = members });
        if (testExclusions && all.Count > 0)
            AddExclusionSteps(all);
    }

    /// <summary>
    /// Fewer than count candidates of round 1 survived the exclusions (the lists' tops were
    /// already shown): rather than a threshold of -inf, which reads everything, round 1 is
    /// repeated on the next rows, twice as many as read so far, a few times.
    /// </summary>
    private protected override bool DeepenProbe()
    {
        if (2L * _probeRows > (long)MaxProbeRows * _count || _lists.All(list => list.Exhausted))
            return false;
        int more = _probeRows;
        _probeRows += more;
        for (int i = 0; i < _lists.Length; i++)
            if (!_lists[i].Exhausted)
                _round.Add(new RecallStep { Kind = RecallStepKind.Rows, Target = i, Offset = _lists[i].Read, Limit = more });
        return true;
    }

    /// <summary>Round 3: each list read on down to the threshold (see the class comment), where it may hold rows at or above it.</summary>
    private protected override void ReadToThreshold()
    {
        double? threshold = _aggregate == RecallAggregate.Max || _tau <= 0 ? _tau : WaterFilledThreshold();
        if (threshold is not { } t)
            return;
        for (int i = 0; i < _lists.Length; i++)
        {
            var list = _lists[i];
            if (!list.Exhausted && t <= list.Bound)
                _round.Add(new RecallStep { Kind = RecallStepKind.Rows, Target = i, Offset = list.Read, Limit = int.MaxValue, Min = t });
        }
    }

    /// <summary>SUM, τ &gt; 0: the largest t with B(t) &lt; τ, or null when even the lists' current bounds keep B below τ (nothing to read).</summary>
    private double? WaterFilledThreshold()
    {
        double high = 0;
        foreach (var list in _lists)
            if (!list.Exhausted)
                high = Math.Max(high, list.Bound);
        return LargestThresholdBelowTau(high, UnseenBound);   // B(0) = 0 < τ
    }

    /// <summary>B(t): the rounded sum, in query order, of max(0, min(t, u_i)) over the lists with unread rows.</summary>
    private double UnseenBound(double t)
    {
        double sum = 0;
        foreach (var list in _lists)
            if (!list.Exhausted)
                sum += Math.Max(0, Math.Min(t, list.Bound));
        return sum;
    }

    /// <summary>
    /// After round 3: drops every new candidate whose upper bound is below τ and scores the rest
    /// (round 4) — unless looking them up would cost more than reading what is left of the
    /// windows (on lists that do not agree, round 3 reads most of them): then round 4 reads the
    /// rest whole, which tells every member's every contribution, so nothing needs a bound.
    /// </summary>
    private protected override void PruneAndScoreSurvivors()
    {
        var survivors = new List<RecallCandidate>();
        long lookups = 0;
        foreach (var candidate in _candidates.Values)
        {
            if (candidate.FromProbe)
                continue;
            if (UpperBound(candidate) < _tau)
            {
                candidate.Pruned = true;
                continue;
            }
            survivors.Add(candidate);
            for (int i = 0; i < _lists.Length; i++)
                lookups += candidate.State[i] == RecallCandidate.Presence.Unknown && !_lists[i].Exhausted ? 1 : 0;
        }
        long unread = _lists.Where(list => !list.Exhausted).Sum(list => (long)list.Window - list.Read);
        if (unread == 0 || lookups * LookupCost < unread)
        {
            ScoreUnknown(survivors, testExclusions: false);
            return;
        }
        ReadRestWhole = true;
        foreach (var candidate in _candidates.Values)
            candidate.Pruned = false;   // every member will be known exactly: no bound is needed
        for (int i = 0; i < _lists.Length; i++)
            if (!_lists[i].Exhausted)
                _round.Add(new RecallStep { Kind = RecallStepKind.Rows, Target = i, Offset = _lists[i].Read, Limit = int.MaxValue });
    }

    /// <summary>Known contributions, and each unread list's bound where the member is not known (max(0, bound) for SUM: it may be absent).</summary>
    private double UpperBound(RecallCandidate candidate)
    {
        double total = _aggregate == RecallAggregate.Sum ? 0 : double.NegativeInfinity;
        for (int i = 0; i < _lists.Length; i++)
        {
            switch (candidate.State[i])
            {
                case RecallCandidate.Presence.Present:
                    total = RecallOrder.Combine(_aggregate, total, RecallOrder.Contribution(_weights[i], candidate.Scores[i]));
                    break;
                case RecallCandidate.Presence.Unknown when !_lists[i].Exhausted:
                    double bound = _lists[i].Bound;
                    total = RecallOrder.Combine(_aggregate, total, _aggregate == RecallAggregate.Sum ? Math.Max(0, bound) : bound);
                    break;
            }
        }
        return total;
    }

    private protected override bool ToldAll(int list) => _lists[list].Exhausted;

    private protected override bool AllToldAll => _lists.All(list => list.Exhausted);
}
