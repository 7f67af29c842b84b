using System.Buffers.Binary;
using Istore.Net.Resp;
using Istore.Node.Keyspace;
using Istore.Node.Engine;

namespace Istore.Node.Objects;

/// <summary>
/// A sorted set. Small ones (see <see cref="EncodingLimits"/>: Redis's zset-max-listpack-entries
/// and -value) are <see cref="PackedScores"/>, one array in (score, member) order. A larger one is
/// member → score in a <see cref="ScanTable{TEntry}"/> for O(1) ZSCORE, and the same entries in an
/// <see cref="OrderTree{T, TOrder}"/> by (score, member) for ranks and ranges; one array per member
/// ([member][score]) is shared by both, and a score change makes a new array, since the tree may
/// hold the old one as a separator.
/// </summary>
public sealed class SortedSetObject : SortedSetValue
{
    /// <summary>The members while the set is small (<see cref="_index"/> is null).</summary>
    private PackedScores _packed;
    private Index? _index;

    /// <summary>A sorted set in the form that suits <paramref name="capacity"/> members.</summary>
    public SortedSetObject(int capacity = 0)
    {
        if (capacity <= EncodingLimits.SortedSetEntries)
            _packed = new PackedScores();
        else
            _index = new Index(capacity);
    }

    public int Count => _index?.Count ?? _packed.Count;

    public override long Length => Count;

    public override string Encoding => _index is null ? "listpack" : "skiplist";

    public override bool TryGetScore(ReadOnlySpan<byte> member, out double score) =>
        _index?.TryGetScore(member, out score) ?? _packed.TryGetScore(member, out score);

    public override bool Set(ReadOnlySpan<byte> member, double score)
    {
        if (_index is null)
        {
            bool fits = member.Length <= EncodingLimits.SortedSetValue;
            if (fits && (_packed.Count < EncodingLimits.SortedSetEntries || _packed.TryGetScore(member, out _)))
                return _packed.Set(member, score);
            ConvertToIndex();
        }
        return _index!.Set(member, score);
    }

    /// <summary>While the set stays packed whatever the pairs hold, all of them go into one new array.</summary>
    public override long SetAll(Istore.Net.Resp.CommandArgs args, int scoreAt, ReadOnlySpan<double> scores, out long updated)
    {
        var pairs = new ArgumentScores(args, scoreAt, scores);
        if (_index is not null || _packed.Count + pairs.Count > EncodingLimits.SortedSetEntries)
            return base.SetAll(args, scoreAt, scores, out updated);
        for (int i = 0; i < pairs.Count; i++)
            if (pairs.Member(i).Length > EncodingLimits.SortedSetValue)
                return base.SetAll(args, scoreAt, scores, out updated);
        int added = _packed.SetAll(pairs, out int changed);
        updated = changed;
        return added;
    }

    public override bool Remove(ReadOnlySpan<byte> member) => _index?.Remove(member) ?? _packed.Remove(member);

    public override long RankOf(ReadOnlySpan<byte> member) => _index?.RankOf(member) ?? _packed.RankOf(member);

    /// <summary>Adds an entry whose member is known to be absent; blobs are immutable, so another set's may be shared.</summary>
    public void AddNew(byte[] blob)
    {
        if (_index is null)
            Set(ScoredMember.MemberOf(blob), ScoredMember.ScoreOf(blob));
        else
            _index.AddNew(blob);
    }

    /// <summary>The ranks [first, first + count) of the entries between two bounds (see <see cref="ScoreBound"/>).</summary>
    private (int First, int Count) RanksBetween<TStart, TEnd>(TStart start, TEnd end)
        where TStart : IScoredBound where TEnd : IScoredBound
    {
        int first = CountBelow(start);
        return (first, Math.Max(0, CountBelow(end) - first));
    }

    private int CountBelow<TBound>(TBound bound) where TBound : IScoredBound =>
        _index?.Ordered.CountBelow(bound) ?? _packed.CountBelow(bound);

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
        if (_index is null)
            return _packed.EntriesAt((int)first, Math.Max(count, 0), reverse);
        var entries = new List<byte[]>(count);
        if (count <= 0)
            return entries;
        var walker = _index.Ordered.Walk((int)(reverse ? first + count - 1 : first));
        entries.Add(walker.Current);
        while (entries.Count < count && (reverse ? walker.MovePrevious() : walker.MoveNext()))
            entries.Add(walker.Current);
        return entries;
    }

    public override void RemoveEntries(List<byte[]> entries)
    {
        foreach (var blob in entries)
            Remove(ScoredMember.MemberOf(blob));
    }

    public override ScoredMember RandomEntry() =>
        _index is null ? new ScoredMember(_packed.EntryAt(Random.Shared.Next(_packed.Count))) : _index.Members.Random(Random.Shared);

    /// <summary>The table itself, or for a packed set a table copied for the draw.</summary>
    public override ScanTable<ScoredMember> RandomSource()
    {
        if (_index is not null)
            return _index.Members;
        var table = new ScanTable<ScoredMember>(_packed.Count);
        foreach (var entry in _packed)
            table.AddNew(new ScoredMember(ScoredMember.Pack(entry.Member, entry.Score)));
        return table;
    }

    /// <summary>A packed set answers whole in one call with cursor 0, as Redis does for a listpack.</summary>
    public override ulong Scan(ulong cursor, int count, GlobPattern? pattern, List<byte[]> found)
    {
        if (_index is null)
        {
            foreach (var entry in _packed)
                if (pattern is null || pattern.IsMatch(entry.Member))
                {
                    found.Add(entry.Member.ToArray());
                    found.Add(ScoredMember.ScoreText(entry.Score));
                }
            return 0;
        }
        var collector = new MatchingCollector<ScoredMember>(found, pattern, static (into, entry) =>
        {
            into.Add(entry.Key.ToArray());
            into.Add(ScoredMember.ScoreText(entry.Score));
        });
        return _index.Members.Scan(cursor, count, ref collector);
    }

    protected override ElementCursor OpenCursor() => throw new InvalidOperationException("a memory sorted set enumerates itself");

    /// <summary>Walks (member, score) in either form (<see cref="SortedSetValue.GetEnumerator"/>).</summary>
    internal Enumerator EnumerateMemory() => _index is null ? new(_packed.GetEnumerator()) : new(_index.Members.GetEnumerator());

    public override StoredObject Clone()
    {
        if (_index is null)
            return new SortedSetObject { _packed = _packed };   // arrays are replaced, never changed
        var copy = new SortedSetObject(Count);
        foreach (ref var entry in _index.Members)
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

    private void ConvertToIndex()
    {
        var index = new Index(_packed.Count * 2);
        foreach (var entry in _packed)
            index.AddNew(ScoredMember.Pack(entry.Member, entry.Score));
        _index = index;
        _packed = default;
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
