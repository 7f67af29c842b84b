using System.Runtime.InteropServices;

namespace Istore.Ranklist;

/// <summary>
/// What the recall algorithm needs from a ranked list: its size, its entries by rank (0 = best:
/// score descending, ties by member ascending) as (score, member id) and a score lookup by id.
/// Every list of one recall interns its members in the same <see cref="MemberTable"/>. Kept free
/// of node types so the algorithm can be tested (and later hosted by the proxy) on its own.
/// </summary>
public interface IRecallList
{
    int Count { get; }

    /// <summary>Fills <paramref name="into"/> with the entries at ranks [first, first + into.Length), best first.</summary>
    void CopyRanks(int first, Span<RankedMember> into);

    bool TryGetScore(int id, out double score);

    /// <summary>
    /// Changes whenever an entry does, so a shard's partial merge can be reused by the next round
    /// of the same recall (<see cref="PartialRecall"/>). A list built afresh for each recall (the
    /// disk engine's window) is a new object each time and never matches.
    /// </summary>
    long Version { get; }
}

/// <summary>A member test for RL.RECALL's EXCLUDE keys (sets, ranklists, bloom filters).</summary>
public interface IRecallExclusion
{
    bool Contains(ReadOnlySpan<byte> member);

    /// <summary>The same test for an interned member (a ranklist of <paramref name="members"/> answers by id, without a lookup in the table).</summary>
    bool Contains(MemberTable members, int id) => Contains(members.MemberOf(id));
}

/// <summary>A ranklist entry: 12 bytes, the member named by its <see cref="MemberTable"/> id.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
public readonly record struct RankedMember(double Score, int Id);

public readonly record struct RecallEntry(ReadOnlyMemory<byte> Member, double Score);

public enum RecallAggregate { Sum, Max }

/// <summary>How a recall is computed; both give the same answer. <see cref="Auto"/> lets the cost model choose.</summary>
public enum RecallStrategy { Auto, Threshold, Merge }

/// <summary>One weighted input of a recall.</summary>
public readonly record struct WeightedList(IRecallList List, double Weight);

/// <summary>RL.RECALL's inputs: the exact top <see cref="Count"/> by aggregated score is asked for.</summary>
public sealed record RecallQuery(
    MemberTable Members,
    int Count,
    IReadOnlyList<WeightedList> Lists,
    RecallAggregate Aggregate = RecallAggregate.Sum,
    int Depth = int.MaxValue,
    IReadOnlyList<IRecallExclusion>? Exclusions = null,
    RecallStrategy Strategy = RecallStrategy.Auto)
{
    /// <summary>
    /// The lists (pinned, unchanged) are read while writers may intern and release other members
    /// of <see cref="Members"/>: the recall keeps its working memory to its own thread and only
    /// reads the table's ids its lists hold.
    /// </summary>
    public bool Concurrent { get; init; }

    internal RecallScratch Scratch() => Concurrent ? Members.ThreadScratch() : Members.Scratch();
}

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

    /// <summary>The same order between two interned members.</summary>
    public static int Compare(MemberTable members, double aScore, int aId, double bScore, int bId)
    {
        if (aScore > bScore) return -1;
        if (aScore < bScore) return 1;
        return members.CompareMembers(aId, bId);
    }

    /// <summary>List i's contribution: weight × score, with 0 × ±inf taken as 0 (as ZUNIONSTORE does).</summary>
    public static double Contribution(double weight, double score) => weight == 0 ? 0 : weight * score;

    /// <summary>A SUM or MAX step; SUM starts from 0, MAX from -inf.</summary>
    public static double Combine(RecallAggregate aggregate, double total, double contribution) =>
        aggregate == RecallAggregate.Sum ? total + contribution : Math.Max(total, contribution);

    /// <summary>+inf + -inf is taken as 0, as ZUNIONSTORE does; adding 0 turns -0 into 0.</summary>
    public static double Finish(double total) => double.IsNaN(total) ? 0 : total + 0.0;
}
