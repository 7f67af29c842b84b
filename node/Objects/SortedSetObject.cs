using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Istore.Node.Engine;

namespace Istore.Node.Objects;

/// <summary>
/// A sorted set: member → score in a <see cref="ScanTable{TEntry}"/> for O(1) ZSCORE, and the same
/// entries in an <see cref="OrderTree{T, TOrder}"/> by (score, member) for ranks and ranges. One
/// array per member ([member][score]) is shared by both; a score change makes a new array, since
/// the tree may hold the old one as a separator.
/// </summary>
public sealed class SortedSetObject : StoredObject
{
    public ScanTable<ScoredMember> Members { get; }

    public OrderTree<byte[], ScoreOrder> ByScore { get; } = new();

    public SortedSetObject(int capacity = 4) => Members = new ScanTable<ScoredMember>(capacity);

    public override KeyType Type => KeyType.ZSet;

    public override long Length => Members.Count;

    public override string Encoding => "skiplist";

    public int Count => Members.Count;

    public bool TryGetScore(ReadOnlySpan<byte> member, out double score)
    {
        ref var entry = ref Members.Find(member);
        if (Unsafe.IsNullRef(ref entry))
        {
            score = 0;
            return false;
        }
        score = entry.Score;
        return true;
    }

    /// <summary>Sets a member's score; true when the member is new.</summary>
    public bool Set(ReadOnlySpan<byte> member, double score)
    {
        ref var entry = ref Members.FindOrAdd(member, out bool added);
        if (!added)
        {
            if (entry.Score == score)
                return false;
            ByScore.Remove(entry.Blob);
        }
        entry = new ScoredMember(ScoredMember.Pack(member, score));
        ByScore.Add(entry.Blob);
        return added;
    }

    public bool Remove(ReadOnlySpan<byte> member)
    {
        if (!Members.Remove(member, out var removed))
            return false;
        ByScore.Remove(removed.Blob);
        return true;
    }

    /// <summary>The 0-based rank by ascending score, or -1.</summary>
    public int RankOf(ReadOnlySpan<byte> member)
    {
        ref var entry = ref Members.Find(member);
        return Unsafe.IsNullRef(ref entry) ? -1 : ByScore.RankOf(entry.Blob);
    }

    /// <summary>Adds an entry whose member is known to be absent; blobs are immutable, so another set's may be shared.</summary>
    public void AddNew(byte[] blob)
    {
        Members.AddNew(new ScoredMember(blob));
        ByScore.Add(blob);
    }

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
        {
            copy.Members.AddNew(entry);   // blobs are never changed in place, so they can be shared
            copy.ByScore.Add(entry.Blob);
        }
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
