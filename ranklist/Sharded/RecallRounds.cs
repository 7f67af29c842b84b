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

    /// <summary>Takes the answered round and returns the next, or null when done (<see cref="Result"/> or <see cref="Error"/>).</summary>
    public abstract IReadOnlyList<RecallStep>? Next();

    /// <summary>Whether list <paramref name="list"/> is known to hold no member it has not told about.</summary>
    private protected abstract bool ToldAll(int list);

    /// <summary>The first error of the answered round, which ends the recall; false when there is none.</summary>
    private protected bool RoundFailed()
    {
        if (_round.FirstOrDefault(step => step.Error is not null) is not { } failed)
            return false;
        Error = failed.Error;
        return true;
    }

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

    private static int Order(RecallCandidate a, RecallCandidate b) => RecallOrder.Compare(a.Score, a.Member, b.Score, b.Member);
}
