using Istore.Node.Engine;
using Istore.Node.Keyspace;

namespace Istore.Node.Objects;

/// <summary>
/// A sorted set as the command handlers see it, whichever engine holds it: <see cref="SortedSetObject"/>
/// in memory (ranks and bounds in O(log n) from its order tree), or a disk engine's view over its
/// members and its (score, member) index, where a range is one walk from a seek and a rank is a
/// count from an end. Entries are <see cref="ScoredMember"/> blobs, [member][score]: shared with a
/// memory set, new arrays from disk. Bounds are <see cref="ScoreBound"/> and <see cref="LexBound"/>.
/// </summary>
public abstract class SortedSetValue : StoredObject
{
    public override KeyType Type => KeyType.ZSet;

    public abstract bool TryGetScore(ReadOnlySpan<byte> member, out double score);

    /// <summary>Sets a member's score; true when the member is new.</summary>
    public abstract bool Set(ReadOnlySpan<byte> member, double score);

    /// <summary>
    /// Sets the (score, member) pairs of <paramref name="args"/> from <paramref name="scoreAt"/> on, in
    /// order, as ZADD without options does (<paramref name="scores"/> parsed); returns how many members
    /// were new and, in <paramref name="updated"/>, how many pairs changed a member's score.
    /// </summary>
    public virtual long SetAll(Istore.Net.Resp.CommandArgs args, int scoreAt, ReadOnlySpan<double> scores, out long updated)
    {
        long added = 0;
        updated = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            var member = args[scoreAt + 2 * i + 1];
            if (!TryGetScore(member, out double current))
            {
                Set(member, scores[i]);
                added++;
            }
            else if (scores[i] != current)
            {
                Set(member, scores[i]);
                updated++;
            }
        }
        return added;
    }

    public abstract bool Remove(ReadOnlySpan<byte> member);

    /// <summary>The 0-based rank by ascending (score, member), or -1 when absent.</summary>
    public abstract long RankOf(ReadOnlySpan<byte> member);

    /// <summary>The entries at ascending ranks [first, first + count) (inside the set), ascending, or from the highest down when reversed.</summary>
    public abstract List<byte[]> EntriesAt(long first, int count, bool reverse);

    /// <summary>How many entries are not below <paramref name="start"/> and below <paramref name="end"/>.</summary>
    public abstract long CountBetween<TStart, TEnd>(TStart start, TEnd end)
        where TStart : struct, IScoredBound where TEnd : struct, IScoredBound;

    /// <summary>
    /// The entries between two bounds (as <see cref="CountBetween"/>), ascending or from the highest
    /// down, after skipping <paramref name="skip"/> of them (negative: all) and at most
    /// <paramref name="take"/> (negative: no limit) — Redis's LIMIT.
    /// </summary>
    public abstract List<byte[]> EntriesBetween<TStart, TEnd>(TStart start, TEnd end, long skip, long take, bool reverse)
        where TStart : struct, IScoredBound where TEnd : struct, IScoredBound;

    /// <summary>Removes entries this set returned (their members are present with these scores).</summary>
    public abstract void RemoveEntries(List<byte[]> entries);

    /// <summary>One uniformly chosen entry; the set must not be empty.</summary>
    public abstract ScoredMember RandomEntry();

    /// <summary>The entries in a table to draw random picks from (the set's own table, or a copy).</summary>
    public abstract ScanTable<ScoredMember> RandomSource();

    /// <summary>ZSCAN: adds member and score (as text) of the entries from <paramref name="cursor"/> that match; returns the next cursor (0 = done).</summary>
    public abstract ulong Scan(ulong cursor, int count, GlobPattern? pattern, List<byte[]> found);

    /// <summary>Removes up to <paramref name="count"/> lowest (or highest) entries and returns them, best first.</summary>
    public List<byte[]> Pop(long count, bool max)
    {
        int n = (int)Math.Min(count, Length);
        var popped = EntriesAt(max ? Length - n : 0, n, reverse: max);
        RemoveEntries(popped);
        return popped;
    }

    /// <summary>Walks a sorted set not held in memory: member as key, score as an 8-byte little-endian double value.</summary>
    protected abstract ElementCursor OpenCursor();

    public Enumerator GetEnumerator() => this is SortedSetObject memory ? memory.EnumerateMemory() : new(OpenCursor());

    public override void WriteTo(SnapshotWriter writer)
    {
        writer.WriteVarUInt((ulong)Length);
        foreach (var entry in this)
        {
            writer.WriteBytes(entry.Member);
            writer.WriteDouble(entry.Score);
        }
    }

    /// <summary>Walks (member, score) in no particular order; the set must not change during the walk.</summary>
    public ref struct Enumerator
    {
        private ScanTable<ScoredMember>.Enumerator _memory;
        private PackedScores.Reader _packed;
        private readonly bool _isPacked;
        private readonly ElementCursor? _cursor;

        internal Enumerator(ScanTable<ScoredMember>.Enumerator memory) => _memory = memory;

        internal Enumerator(PackedScores.Reader packed)
        {
            _packed = packed;
            _isPacked = true;
        }

        internal Enumerator(ElementCursor cursor) => _cursor = cursor;

        public bool MoveNext() => _cursor?.MoveNext() ?? (_isPacked ? _packed.MoveNext() : _memory.MoveNext());

        public readonly Enumerator Current => this;

        public readonly ReadOnlySpan<byte> Member => _cursor is not null ? _cursor.Key : _isPacked ? _packed.Member : _memory.Current.Key;

        public readonly double Score => _cursor is not null
            ? System.Buffers.Binary.BinaryPrimitives.ReadDoubleLittleEndian(_cursor.Value)
            : _isPacked ? _packed.Score : _memory.Current.Score;

        public readonly void Dispose() => _cursor?.Dispose();
    }
}
