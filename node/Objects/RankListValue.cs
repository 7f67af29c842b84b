using Istore.Node.Engine;
using Istore.Ranklist;

namespace Istore.Node.Objects;

/// <summary>
/// A ranklist as the command handlers see it, whichever engine holds it: <see cref="RankListObject"/>
/// in memory (ranks in O(log n), members interned in the database's table), or a disk engine's view
/// over its members and its (descending score, member) index, where a score range is one walk from a
/// seek and a rank a count from an end. Order: score descending, ties by member ascending; rank 0 is
/// the best. An optional <see cref="MaxLength"/> caps it: every write evicts the lowest beyond it.
/// </summary>
public abstract class RankListValue : StoredObject, IRecallExclusion
{
    public override KeyType Type => KeyType.RankList;

    public override string Encoding => "ranklist";

    /// <summary>The cap set by RL.ADD MAXLEN; 0 when uncapped.</summary>
    public abstract long MaxLength { get; set; }

    public abstract bool TryGetScore(ReadOnlySpan<byte> member, out double score);

    public bool Contains(ReadOnlySpan<byte> member) => TryGetScore(member, out _);

    public virtual bool Contains(MemberTable members, int id) => Contains(members.MemberOf(id));

    /// <summary>Sets a member's score; true when the member is new.</summary>
    public abstract bool Set(ReadOnlySpan<byte> member, double score);

    public abstract bool Remove(ReadOnlySpan<byte> member);

    /// <summary>The 0-based rank (0 = best), or -1.</summary>
    public abstract long RankOf(ReadOnlySpan<byte> member);

    /// <summary>Removes the lowest entries beyond <paramref name="maxLength"/>; returns how many went.</summary>
    public abstract long Trim(long maxLength);

    /// <summary>Applies the stored cap, if any.</summary>
    public long EnforceMaxLength() => MaxLength > 0 ? Trim(MaxLength) : 0;

    /// <summary>Visits the entries at ranks [first, first + count), best first; the range must lie inside the list.</summary>
    public abstract void VisitRanks(long first, long count, RankEntryVisitor visit);

    /// <summary>
    /// The entries from the first not before <paramref name="from"/> to the last before
    /// <paramref name="to"/> in rank order (a score range, max down to min), after skipping
    /// <paramref name="skip"/> and at most <paramref name="take"/> (negative: no limit).
    /// </summary>
    public abstract List<RankEntry> EntriesBetween(DescendingScoreBound from, DescendingScoreBound to, long skip, long take);

    /// <summary>
    /// This list as a recall input. Every list of one recall interns into one table: the first list
    /// chooses it (<paramref name="members"/> null: the database's, or a table for this recall),
    /// the others join it. Only the best <paramref name="depth"/> entries are read by rank; all
    /// lists are opened before the recall starts.
    /// </summary>
    public abstract IRecallList OpenRecall(ref MemberTable? members, int depth);
}

public delegate void RankEntryVisitor(ReadOnlySpan<byte> member, double score);

/// <summary>A ranklist entry read out: the member's bytes (shared with a memory list: never change them) and its score.</summary>
public readonly record struct RankEntry(byte[] Member, double Score);
