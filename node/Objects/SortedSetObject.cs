using System.Buffers.Binary;
using Istore.Net.Resp;
using Istore.Node.Keyspace;
using Istore.Node.Engine;

namespace Istore.Node.Objects;

/// <summary>
/// A sorted set: member → score in a <see cref="ScanTable{TEntry}"/> for O(1) ZSCORE, and the same
/// entries in an <see cref="OrderTree{T, TOrder}"/> by (score, member) for ranks and ranges. One
/// array per member ([member][score]) is shared by both; a score change makes a new array, since
/// the tree may hold the old one as a separator.
/// </summary>
public sealed class SortedSetObject(int capacity = 4) : SortedSetValue
{
    private readonly Index _index = new(capacity);

    public ScanTable<ScoredMember> Members => _index.Members;

    /// <summary>The members by ascending (score, member).</summary>
    public OrderTree<byte[], ScoreOrder> ByScore => _index.Ordered;

    public int Count => _index.Count;

    public override long Length => _index.Count;

    public override string Encoding => "skiplist";

    public override bool TryGetScore(ReadOnlySpan<byte> member, out double score) => _index.TryGetScore(member, out score);

    public override bool Set(ReadOnlySpan<byte> member, double score) => _index.Set(member, score);

    public override bool Remove(ReadOnlySpan<byte> member) => _index.Remove(member);

    public override long RankOf(ReadOnlySpan<byte> member) => _index.RankOf(member);

    /// <summary>Adds an entry whose member is known to be absent; blobs are immutable, so another set's may be shared.</summary>
    public void AddNew(byte[] blob) => _index.AddNew(blob);

    /// <summary>The ranks [first, first + count) of the entries between two bounds (see <see cref="ScoreBound"/>).</summary>
    public (int First, int Count) RanksBetween<TStart, TEnd>(TStart start, TEnd end)
        where TStart : IOrderBound<byte[]> where TEnd : IOrderBound<byte[]>
    {
        int first = ByScore.CountBelow(start);
        return (first, Math.Max(0, ByScore.CountBelow(end) - first));
    }

    public override long CountBetween<TStart, TEnd>(TStart start, TEnd end) => RanksBetween(start, end).Count;

    public override List<byte[]> EntriesBetween<TStart, TEnd>(TStart start, TEnd end, long skip, long take, bool reverse)
    {
        var (first, count) = RanksBetween(start, end);
        var (skipped, taken) = Limit(count, skip, take);
        return reverse
            ? EntriesAt(first + count - (int)skipped - taken, taken, reverse: true)
            : EntriesAt(first + (int)skipped, taken, reverse: false);
    }

    /// <summary>What LIMIT skip take leaves of <paramref name="count"/> entries: a negative skip selects nothing, a negative take everything after the skip (as in Redis).</summary>
    private static (long Skip, int Take) Limit(long count, long skip, long take)
    {
        long skipped = skip < 0 ? count : Math.Min(skip, count);
        return (skipped, (int)(take < 0 ? count - skipped : Math.Min(take, count - skipped)));
    }

    public override List<byte[]> EntriesAt(long first, int count, bool reverse)
    {
        var entries = new List<byte[]>(count);
        if (count <= 0)
            return entries;
        var walker = ByScore.Walk((int)(reverse ? first + count - 1 : first));
        entries.Add(walker.Current);
        while (entries.Count < count && (reverse ? walker.MovePrevious() : walker.MoveNext()))
            entries.Add(walker.Current);
        return entries;
    }

    public override void RemoveEntries(List<byte[]> entries)
    {
        foreach (var blob in entries)
        {
            Members.Remove(ScoredMember.MemberOf(blob));
            ByScore.Remove(blob);
        }
    }

    public override ScoredMember RandomEntry() => Members.Random(Random.Shared);

    public override ScanTable<ScoredMember> RandomSource() => Members;

    public override ulong Scan(ulong cursor, int count, GlobPattern? pattern, List<byte[]> found)
    {
        var collector = new MatchingCollector<ScoredMember>(found, pattern, static (into, entry) =>
        {
            into.Add(entry.Key.ToArray());
            into.Add(ScoredMember.ScoreText(entry.Score));
        });
        return Members.Scan(cursor, count, ref collector);
    }

    protected override ElementCursor OpenCursor() => throw new InvalidOperationException("a memory sorted set enumerates itself");

    public override StoredObject Clone()
    {
        var copy = new SortedSetObject(Members.Count);
        foreach (ref var entry in Members)
            copy.AddNew(entry.Blob);
        return copy;
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

    /// <summary>
    /// The table and tree, in the <see cref="ScoredCollection{TOrder}"/> ranklists share. That class
    /// is a stored object of its own; a sorted set derives from <see cref="SortedSetValue"/>, so it
    /// holds one rather than being one, and the index is never stored or copied by itself.
    /// </summary>
    private sealed class Index(int capacity) : ScoredCollection<ScoreOrder>(capacity)
    {
        public override KeyType Type => KeyType.ZSet;

        public override string Encoding => "skiplist";

        public override StoredObject Clone() => throw new NotSupportedException("the sorted set clones its index");

        public override void WriteTo(SnapshotWriter writer) => throw new NotSupportedException("the sorted set writes its index");
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

    /// <summary>A score as ZSCAN and RESP2 replies write it.</summary>
    public static byte[] ScoreText(double score)
    {
        Span<byte> text = stackalloc byte[32];
        return text[..DoubleFormat.Format(score, text)].ToArray();
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
