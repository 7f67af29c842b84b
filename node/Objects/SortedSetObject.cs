using System.Buffers.Binary;
using Istore.Node.Engine;

namespace Istore.Node.Objects;

/// <summary>
/// A sorted set: member → score in a <see cref="ScanTable{TEntry}"/> for O(1) ZSCORE, and the same
/// entries in an <see cref="OrderTree{T, TOrder}"/> by (score, member) for ranks and ranges. One
/// array per member ([member][score]) is shared by both; a score change makes a new array, since
/// the tree may hold the old one as a separator.
/// </summary>
public sealed class SortedSetObject(int capacity = 4) : ScoredCollection<ScoreOrder>(capacity)
{
    /// <summary>The members by ascending (score, member).</summary>
    public OrderTree<byte[], ScoreOrder> ByScore => Ordered;

    public override KeyType Type => KeyType.ZSet;

    public override string Encoding => "skiplist";

    /// <summary>The ranks [first, first + count) of the entries between two bounds (see <see cref="ScoreBound"/>).</summary>
    public (int First, int Count) RanksBetween<TStart, TEnd>(TStart start, TEnd end)
        where TStart : IOrderBound<byte[]> where TEnd : IOrderBound<byte[]>
    {
        int first = ByScore.CountBelow(start);
        return (first, Math.Max(0, ByScore.CountBelow(end) - first));
    }

    /// <summary>The entries at ranks [first, first + count), ascending, or descending from first + count - 1 when reversed.</summary>
    public List<byte[]> EntriesAt(int first, int count, bool reverse)
    {
        var entries = new List<byte[]>(count);
        if (count <= 0)
            return entries;
        var walker = ByScore.Walk(reverse ? first + count - 1 : first);
        entries.Add(walker.Current);
        while (entries.Count < count && (reverse ? walker.MovePrevious() : walker.MoveNext()))
            entries.Add(walker.Current);
        return entries;
    }

    /// <summary>Removes the entries at ranks [first, first + count) and returns them in the order asked for.</summary>
    public List<byte[]> RemoveAt(int first, int count, bool reverse = false)
    {
        var removed = EntriesAt(first, count, reverse);
        foreach (var blob in removed)
        {
            Members.Remove(ScoredMember.MemberOf(blob));
            ByScore.Remove(blob);
        }
        return removed;
    }

    public override StoredObject Clone()
    {
        var copy = new SortedSetObject(Members.Count);
        foreach (ref var entry in Members)
            copy.AddNew(entry.Blob);
        return copy;
    }

    public override void WriteTo(SnapshotWriter writer)
    {
        writer.WriteVarUInt((ulong)Members.Count);
        foreach (ref var entry in Members)
        {
            writer.WriteBytes(entry.Key);
            writer.WriteDouble(entry.Score);
        }
    }

    public static SortedSetObject ReadFrom(ref SnapshotReader reader)
    {
        int count = reader.ReadCount();
        var zset = new SortedSetObject(count);
        for (int i = 0; i < count; i++)
        {
            var member = reader.ReadBytes();
            double score = reader.ReadDouble();
            if (double.IsNaN(score))
                throw new InvalidDataException("NaN score in snapshot");
            zset.Set(member, score);
        }
        return zset;
    }
}

/// <summary>A sorted-set member and its score in one array: [member bytes][score, 8 bytes little-endian].</summary>
public readonly struct ScoredMember(byte[] blob) : IScanEntry
{
    public byte[] Blob { get; } = blob;

    public ReadOnlySpan<byte> Key => MemberOf(Blob);

    public double Score => ScoreOf(Blob);

    public static byte[] Pack(ReadOnlySpan<byte> member, double score)
    {
        var blob = GC.AllocateUninitializedArray<byte>(member.Length + 8);
        member.CopyTo(blob);
        BinaryPrimitives.WriteDoubleLittleEndian(blob.AsSpan(member.Length), score);
        return blob;
    }

    public static ReadOnlySpan<byte> MemberOf(byte[] blob) => blob.AsSpan(0, blob.Length - 8);

    public static double ScoreOf(byte[] blob) => BinaryPrimitives.ReadDoubleLittleEndian(blob.AsSpan(blob.Length - 8));
}

/// <summary>Redis's sorted-set order: by score, then by member bytes.</summary>
public readonly struct ScoreOrder : IComparer<byte[]>
{
    public int Compare(byte[]? x, byte[]? y)
    {
        double a = ScoredMember.ScoreOf(x!), b = ScoredMember.ScoreOf(y!);
        if (a < b) return -1;
        if (a > b) return 1;
        return ScoredMember.MemberOf(x!).SequenceCompareTo(ScoredMember.MemberOf(y!));
    }
}
