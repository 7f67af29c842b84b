using Istore.Net.Resp;

namespace Istore.Ranklist;

/// <summary>
/// What the two cross-shard recall algorithms (<see cref="ShardedRecall"/> by list,
/// <see cref="GroupedRecall"/> by shard) share: the candidates seen, the rounds of steps a host
/// answers, the exact scores folded in query order with the library's own functions (so they equal
/// the node's bit for bit), the threshold τ and the final selection, which tests exclusions lazily.
/// </summary>
public abstract class RecallRounds
{
    private protected readonly int _count;
    private protected readonly IReadOnlyList<double> _weights;
    private protected readonly RecallAggregate _aggregate;
    private protected readonly int _exclusions;
    private protected readonly Dictionary<byte[], RecallCandidate> _candidates = new(ByteArrayComparer.Instance);
    private protected List<RecallStep> _round = [];

    private protected RecallRounds(int count, IReadOnlyList<double> weights, RecallAggregate aggregate, int exclusions)
    {
        _count = count;
        _weights = weights;
        _aggregate = aggregate;
        _exclusions = exclusions;
    }

    /// <summary>The answer, best first, once <see cref="Next"/> returned null without an error.</summary>
    public List<RecallEntry> Result { get; private protected set; } = [];

    /// <summary>The first error a step answered with; the recall stops at it.</summary>
    public string? Error { get; private protected set; }

    /// <summary>Rounds sent so far.</summary>
    public int Rounds { get; private protected set; }

    /// <summary>The first round.</summary>
    public abstract IReadOnlyList<RecallStep> Start();

    private enum Phase { Probe, ProbeScores, Threshold, Survivors, Select }

    private Phase _phase;

    /// <summary>The count-th best exact score among round 1's non-excluded candidates (TPUT's τ), once known.</summary>
    private protected double _tau = double.NegativeInfinity;

    /// <summary>
    /// Takes the answered round and returns the next, or null when done (<see cref="Result"/> or
    /// <see cref="Error"/>, or a stop the subclass asked for). The rounds: the probe's candidates
    /// completed and tested, τ (the probe deepened while exclusions leave too few), the threshold
    /// read, the survivors completed, then the answer selected.
    /// </summary>
    public IReadOnlyList<RecallStep>? Next()
    {
        if (_round.FirstOrDefault(step => step.Error is not null) is { } failed)
        {
            Error = failed.Error;
            return null;
        }
        foreach (var step in _round)
            Apply(step);
        if (Stopped)
            return null;
        _round = [];
        while (_round.Count == 0)
        {
            switch (_phase)
            {
                case Phase.Probe:
                    foreach (var candidate in _candidates.Values)
                        candidate.FromProbe = true;
                    // Inputs that told about every member need no threshold: exclusions are tested lazily, by Select.
                    ScoreUnknown(_candidates.Values, testExclusions: !AllToldAll);
                    _phase = Phase.ProbeScores;
                    break;
                case Phase.ProbeScores:
                    _tau = Tau();
                    if (double.IsNegativeInfinity(_tau) && DeepenProbe())
                    {
                        _phase = Phase.Probe;
                        break;
                    }
                    ReadToThreshold();
                    _phase = Phase.Threshold;
                    break;
                case Phase.Threshold:
                    PruneAndScoreSurvivors();
                    _phase = Phase.Select;
                    break;
                case Phase.Select:
                    if (Select())
                        return null;
                    break;
            }
        }
        Rounds++;
        return _round;
    }

    /// <summary>Takes one answered step into the candidates and the inputs' bounds.</summary>
    private protected abstract void Apply(RecallStep step);

    /// <summary>Set when the recall must stop after a round without an answer (the host runs another algorithm).</summary>
    private protected virtual bool Stopped => false;

    /// <summary>Whether list <paramref name="list"/> is known to hold no member it has not told about.</summary>
    private protected abstract bool ToldAll(int list);

    /// <summary>Whether every input has told about every member it holds.</summary>
    private protected abstract bool AllToldAll { get; }

    /// <summary>Steps completing the candidates where they are not known, and optionally the exclusion steps for the untested ones.</summary>
    private protected abstract void ScoreUnknown(IEnumerable<RecallCandidate> candidates, bool testExclusions);

    /// <summary>Round 1 again, deeper, while exclusions leave fewer than count candidates; false when it cannot go deeper.</summary>
    private protected abstract bool DeepenProbe();

    /// <summary>The threshold round: every input read down to where a member it has not told about provably scores below τ.</summary>
    private protected abstract void ReadToThreshold();

    /// <summary>Drops the threshold round's candidates whose bound is below τ and completes the rest.</summary>
    private protected abstract void PruneAndScoreSurvivors();

    private protected RecallCandidate CandidateOf(byte[] member)
    {
        if (!_candidates.TryGetValue(member, out var candidate))
        {
            candidate = new RecallCandidate(member, _weights.Count);
            if (_exclusions == 0)
                candidate.Excluded = RecallCandidate.Exclusion.No;
            _candidates.Add(member, candidate);
        }
        return candidate;
    }

    private protected void AddExclusionSteps(List<byte[]> members)
    {
        for (int j = 0; j < _exclusions; j++)
            _round.Add(new RecallStep { Kind = RecallStepKind.Excluded, Target = j, Members = members });
    }

    /// <summary>The exclusion type checks (RL.EXCLUDED with no member) that go with the first round.</summary>
    private protected void AddExclusionChecks()
    {
        for (int j = 0; j < _exclusions; j++)
            _round.Add(new RecallStep { Kind = RecallStepKind.Excluded, Target = j });
    }

    private protected void ApplyExclusions(RecallStep step)
    {
        for (int k = 0; k < step.Members.Count && k < step.ExcludedFlags.Length; k++)
        {
            var candidate = _candidates[step.Members[k]];
            if (step.ExcludedFlags[k])
                candidate.Excluded = RecallCandidate.Exclusion.Yes;
            else if (candidate.Excluded == RecallCandidate.Exclusion.Unknown && step.Target == _exclusions - 1)
                candidate.Excluded = RecallCandidate.Exclusion.No;   // the last key's step: every key has answered
        }
    }

    /// <summary>The count-th best exact score among the non-excluded candidates of round 1; -inf when there are fewer.</summary>
    private protected double Tau()
    {
        var best = new PriorityQueue<double, double>(_count + 1);
        foreach (var candidate in _candidates.Values)
        {
            if (!candidate.FromProbe || candidate.Excluded != RecallCandidate.Exclusion.No)
                continue;
            double score = ExactScore(candidate);
            best.Enqueue(score, score);
            if (best.Count > _count)
                best.Dequeue();
        }
        return best.Count < _count ? double.NegativeInfinity : best.Peek();
    }

    /// <summary>The node's aggregate: present contributions folded in query order, then finished.</summary>
    private protected double ExactScore(RecallCandidate candidate)
    {
        if (candidate.IsExact)
            return candidate.Score;
        double total = _aggregate == RecallAggregate.Sum ? 0 : double.NegativeInfinity;
        for (int i = 0; i < _weights.Count; i++)
        {
            if (candidate.State[i] == RecallCandidate.Presence.Unknown && ToldAll(i))
                candidate.State[i] = RecallCandidate.Presence.Absent;
            if (candidate.State[i] == RecallCandidate.Presence.Unknown)
                throw new InvalidOperationException("a candidate was scored before every list told about it");
            if (candidate.State[i] == RecallCandidate.Presence.Present)
                total = RecallOrder.Combine(_aggregate, total, RecallOrder.Contribution(_weights[i], candidate.Scores[i]));
        }
        candidate.Score = RecallOrder.Finish(total);
        candidate.IsExact = true;
        return candidate.Score;
    }

    /// <summary>
    /// The best 2 × count candidates not known to be excluded, best first; true (with
    /// <see cref="Result"/> set) when the first count of them are known not to be excluded,
    /// else a round testing the untested among them.
    /// </summary>
    private protected bool Select()
    {
        int window = (int)Math.Min(2L * _count, int.MaxValue);
        var heap = new PriorityQueue<RecallCandidate, RecallCandidate>(Comparer<RecallCandidate>.Create((a, b) => Order(b, a)));
        foreach (var candidate in _candidates.Values)
        {
            if (candidate.Pruned || candidate.Excluded == RecallCandidate.Exclusion.Yes)
                continue;
            ExactScore(candidate);
            if (heap.Count < window)
                heap.Enqueue(candidate, candidate);
            else if (Order(candidate, heap.Peek()) < 0)
                heap.EnqueueDequeue(candidate, candidate);
        }
        var best = new List<RecallCandidate>(heap.Count);
        while (heap.TryDequeue(out var candidate, out _))
            best.Add(candidate);
        best.Reverse();
        var answer = best.Take(_count).ToList();
        if (answer.All(c => c.Excluded == RecallCandidate.Exclusion.No))
        {
            Result = [.. answer.Select(c => new RecallEntry(c.Member, c.Score))];
            return true;
        }
        AddExclusionSteps([.. best.Where(c => c.Excluded == RecallCandidate.Exclusion.Unknown).Select(c => c.Member)]);
        return false;
    }

    /// <summary>
    /// The largest t in [0, <paramref name="high"/>] whose unseen bound stays below τ, or null when
    /// even <paramref name="high"/>'s does (nothing to read); the bound must grow with t and be below
    /// τ at 0. Non-negative doubles (+inf included) order like their bit patterns: bisect those.
    /// </summary>
    private protected double? LargestThresholdBelowTau(double high, Func<double, double> unseenBound)
    {
        if (unseenBound(high) < _tau)
            return null;
        long low = 0, up = BitConverter.DoubleToInt64Bits(high);
        while (up - low > 1)
        {
            long mid = low + (up - low) / 2;
            if (unseenBound(BitConverter.Int64BitsToDouble(mid)) < _tau) low = mid;
            else up = mid;
        }
        return BitConverter.Int64BitsToDouble(low);
    }

    private static int Order(RecallCandidate a, RecallCandidate b) => RecallOrder.Compare(a.Score, a.Member, b.Score, b.Member);
}
