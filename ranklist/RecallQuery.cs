namespace Istore.Ranklist;

/// <summary>
/// What the recall algorithm needs from a ranked list: its size, its entries by rank (0 = best:
/// score descending, ties by member ascending) and a score lookup by member. Kept free of node
/// types so the algorithm can be tested (and later hosted by the proxy) on its own.
/// </summary>
public interface IRecallList
{
    int Count { get; }

    /// <summary>Appends the entries at ranks [first, first + count) to <paramref name="into"/>, best first.</summary>
    void ReadRanks(int first, int count, List<RecallEntry> into);

    bool TryGetScore(ReadOnlySpan<byte> member, out double score);
}

/// <summary>A member test for RL.RECALL's EXCLUDE keys (sets, ranklists, bloom filters).</summary>
public interface IRecallExclusion
{
    bool Contains(ReadOnlySpan<byte> member);
}

public readonly record struct RecallEntry(ReadOnlyMemory<byte> Member, double Score);

public enum RecallAggregate { Sum, Max }

/// <summary>One weighted input of a recall.</summary>
public readonly record struct WeightedList(IRecallList List, double Weight);

/// <summary>
/// RL.RECALL's inputs: the exact top <see cref="Count"/> by aggregated score is asked for.
/// <see cref="MergeAfterReads"/> chooses the strategy (both give the same answer): the threshold
/// algorithm reads until that many entries were read by sorted access, then falls back to one full
/// merge — null picks the break-even point, where the threshold algorithm's random accesses
/// (one per list for each member read) would cost more than reading every window once.
/// </summary>
public sealed record RecallQuery(
    int Count,
    IReadOnlyList<WeightedList> Lists,
    RecallAggregate Aggregate = RecallAggregate.Sum,
    int Depth = int.MaxValue,
    IReadOnlyList<IRecallExclusion>? Exclusions = null,
    long? MergeAfterReads = null);

/// <summary>The recall order: higher score first, ties by member ascending (bytewise).</summary>
public static class RecallOrder
{
    /// <summary>Negative when <paramref name="a"/> ranks before <paramref name="b"/>.</summary>
    public static int Compare(double aScore, ReadOnlySpan<byte> aMember, double bScore, ReadOnlySpan<byte> bMember)
    {
        if (aScore > bScore) return -1;
        if (aScore < bScore) return 1;
        return aMember.SequenceCompareTo(bMember);
    }

    public static int Compare(RecallEntry a, RecallEntry b) => Compare(a.Score, a.Member.Span, b.Score, b.Member.Span);

    /// <summary>List i's contribution: weight × score, with 0 × ±inf taken as 0 (as ZUNIONSTORE does).</summary>
    public static double Contribution(double weight, double score) => weight == 0 ? 0 : weight * score;
}
