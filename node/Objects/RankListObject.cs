using Istore.Node.Engine;
using Istore.Ranklist;

namespace Istore.Node.Objects;

/// <summary>
/// A ranklist: member → score in a <see cref="ScanTable{TEntry}"/> for O(1) lookups (RL.SCORE and
/// the recall's random access) and the same [member][score] arrays in an
/// <see cref="OrderTree{T, TOrder}"/> by score descending, ties by member ascending, so rank 0 is
/// the best. An optional <see cref="MaxLength"/> caps it: every write evicts the lowest beyond it.
/// </summary>
public sealed class RankListObject(int capacity = 4) : ScoredCollection<BestFirstOrder>(capacity), IRecallList, IRecallExclusion
{
    /// <summary>The members best first (score descending, ties by member ascending).</summary>
    public OrderTree<byte[], BestFirstOrder> ByRank => Ordered;

    /// <summary>The cap set by RL.ADD MAXLEN; 0 when uncapped.</summary>
    public long MaxLength { get; set; }

    public override KeyType Type => KeyType.RankList;

    public override string Encoding => "ranklist";

    /// <summary>Removes the lowest entries beyond <paramref name="maxLength"/>; returns how many went.</summary>
    public int Trim(long maxLength)
    {
        int removed = 0;
        while (Members.Count > maxLength)
        {
            var lowest = ByRank[Members.Count - 1];
            Members.Remove(ScoredMember.MemberOf(lowest));
            ByRank.Remove(lowest);
            removed++;
        }
        return removed;
    }

    /// <summary>Applies the stored cap, if any.</summary>
    public int EnforceMaxLength() => MaxLength > 0 ? Trim(MaxLength) : 0;

    /// <summary>The entries at ranks [first, first + count), best first.</summary>
    public List<byte[]> EntriesAt(int first, int count)
    {
        var entries = new List<byte[]>(Math.Max(0, count));
        if (count <= 0)
            return entries;
        var walker = ByRank.Walk(first);
        entries.Add(walker.Current);
        while (entries.Count < count && walker.MoveNext())
            entries.Add(walker.Current);
        return entries;
    }

    public void ReadRanks(int first, int count, List<RecallEntry> into)
    {
        if (count <= 0)
            return;
        var walker = ByRank.Walk(first);
        for (int i = 0; i < count; i++)
        {
            var blob = walker.Current;
            into.Add(new RecallEntry(blob.AsMemory(0, blob.Length - 8), ScoredMember.ScoreOf(blob)));
            if (i + 1 < count)
                walker.MoveNext();
        }
    }

    public override StoredObject Clone()
    {
        var copy = new RankListObject(Members.Count) { MaxLength = MaxLength };
        foreach (ref var entry in Members)
            copy.AddNew(entry.Blob);
        return copy;
    }

    public override void WriteTo(SnapshotWriter writer)
    {
        writer.WriteInt64(MaxLength);
        writer.WriteVarUInt((ulong)Members.Count);
        foreach (ref var entry in Members)
        {
            writer.WriteBytes(entry.Key);
            writer.WriteDouble(entry.Score);
        }
    }

    public static RankListObject ReadFrom(ref SnapshotReader reader)
    {
        long maxLength = reader.ReadInt64();
        int count = reader.ReadCount();
        var list = new RankListObject(count) { MaxLength = maxLength };
        for (int i = 0; i < count; i++)
        {
            var member = reader.ReadBytes();
            double score = reader.ReadDouble();
            if (double.IsNaN(score))
                throw new InvalidDataException("NaN score in snapshot");
            list.Set(member, score);
        }
        return list;
    }
}

/// <summary>A ranklist's order: score descending, ties by member ascending (bytewise).</summary>
public readonly struct BestFirstOrder : IComparer<byte[]>
{
    public int Compare(byte[]? x, byte[]? y) =>
        RecallOrder.Compare(ScoredMember.ScoreOf(x!), ScoredMember.MemberOf(x!), ScoredMember.ScoreOf(y!), ScoredMember.MemberOf(y!));
}

/// <summary>One end of a score range over a ranklist: below it (earlier in rank) are the higher scores, and equal ones when <see cref="IncludesEqual"/>.</summary>
public readonly record struct DescendingScoreBound(double Value, bool IncludesEqual) : IOrderBound<byte[]>
{
    public bool IsBelow(byte[] item)
    {
        double score = ScoredMember.ScoreOf(item);
        return score > Value || (IncludesEqual && score == Value);
    }
}
