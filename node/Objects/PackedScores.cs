using System.Buffers.Binary;

namespace Istore.Node.Objects;

/// <summary>
/// A small sorted set in one array, Redis's listpack idea: entries [score][varint member
/// length][member] kept in (score, member) order, with no per-member object, so a ten-member
/// sorted set costs one array instead of ten arrays, a hash table and a tree. Lookups and ranks
/// scan linearly, which is fast at these sizes (see <see cref="EncodingLimits"/>); every change
/// writes a new array (a few hundred bytes), so a clone may share it. A struct held inside its
/// sorted set. As a listpack stores an integral score as an integer, a score that is a whole
/// number (as most counters, ranks and timestamps are) takes a varint instead of 8 bytes.
/// </summary>
public struct PackedScores()
{
    private byte[] _data = [];

    public int Count { get; private set; }

    public readonly bool TryGetScore(ReadOnlySpan<byte> member, out double score)
    {
        int offset = Find(member, out _, out _);
        score = offset < 0 ? 0 : ScoreAt(_data, offset);
        return offset >= 0;
    }

    /// <summary>The 0-based rank by (score, member), or -1.</summary>
    public readonly int RankOf(ReadOnlySpan<byte> member)
    {
        Find(member, out _, out int rank);
        return rank;
    }

    /// <summary>Sets a member's score; true when the member is new.</summary>
    public bool Set(ReadOnlySpan<byte> member, double score) => SetAll(new OnePair(member, score), out _) > 0;

    private readonly ref struct OnePair(ReadOnlySpan<byte> member, double score) : IScoredSource
    {
        private readonly ReadOnlySpan<byte> _member = member;

        public int Count => 1;

        public ReadOnlySpan<byte> Member(int index) => _member;

        public double Score(int index) => score;
    }

    /// <summary>(member, score) pairs given to <see cref="SetAll"/>: a ZADD's.</summary>
    public interface IScoredSource
    {
        int Count { get; }
        ReadOnlySpan<byte> Member(int index);
        double Score(int index);
    }

    /// <summary>
    /// Sets every member's score in order, as <see cref="Set"/> one by one would (a later pair of the
    /// same member wins), into one new array instead of one per pair: a ten-member ZADD of a new sorted
    /// set would leave nine arrays of garbage. Returns how many members were new; <paramref name="updated"/>
    /// counts the pairs that changed a member's score. No new array if nothing changed.
    /// </summary>
    public int SetAll<TPairs>(in TPairs pairs, out int updated) where TPairs : IScoredSource, allows ref struct
    {
        long bound = _data.Length;
        for (int i = 0; i < pairs.Count; i++)
            bound += EntryLength(pairs.Member(i).Length, pairs.Score(i));
        byte[] work = System.Buffers.ArrayPool<byte>.Shared.Rent(checked((int)bound));
        try
        {
            _data.CopyTo(work, 0);
            int length = _data.Length, added = 0;
            updated = 0;
            for (int i = 0; i < pairs.Count; i++)
            {
                ReadOnlySpan<byte> member = pairs.Member(i);
                double score = pairs.Score(i);
                int found = Find(work.AsSpan(0, length), member, out int foundEnd, out _);
                if (found >= 0)
                {
                    if (ScoreAt(work, found) == score)
                        continue;
                    work.AsSpan(foundEnd, length - foundEnd).CopyTo(work.AsSpan(found));
                    length -= foundEnd - found;
                    updated++;
                }
                else
                    added++;
                int at = InsertionPoint(work.AsSpan(0, length), member, score), entryLength = EntryLength(member.Length, score);
                work.AsSpan(at, length - at).CopyTo(work.AsSpan(at + entryLength));
                WriteEntry(work.AsSpan(at), member, score);
                length += entryLength;
            }
            if (added + updated > 0)
                _data = work.AsSpan(0, length).ToArray();
            Count += added;
            return added;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(work);
        }
    }

    private static int EntryLength(int memberLength, double score) => ScoreLength(score) + VarInt.Length(memberLength) + memberLength;

    public bool Remove(ReadOnlySpan<byte> member)
    {
        int offset = Find(member, out int end, out _);
        if (offset < 0)
            return false;
        _data = PackedPairs.Without(_data, offset, end);
        Count--;
        return true;
    }

    /// <summary>How many entries lie below <paramref name="bound"/> (a prefix, since entries are in order).</summary>
    public readonly int CountBelow<TBound>(TBound bound) where TBound : IScoredBound
    {
        int below = 0;
        foreach (var entry in this)
        {
            if (!bound.IsBelow(entry.Member, entry.Score))
                break;
            below++;
        }
        return below;
    }

    /// <summary>The entries of ranks [first, first + count) as [member][score] arrays, in order or reversed.</summary>
    public readonly List<byte[]> EntriesAt(int first, int count, bool reverse)
    {
        var entries = new List<byte[]>(count);
        int rank = 0;
        foreach (var entry in this)
        {
            if (rank >= first + count)
                break;
            if (rank++ >= first)
                entries.Add(ScoredMember.Pack(entry.Member, entry.Score));
        }
        if (reverse)
            entries.Reverse();
        return entries;
    }

    /// <summary>The entry of rank <paramref name="rank"/> as a [member][score] array.</summary>
    public readonly byte[] EntryAt(int rank) => EntriesAt(rank, 1, reverse: false)[0];

    public readonly Reader GetEnumerator() => new(_data);

    /// <summary>Walks the entries in (score, member) order.</summary>
    public ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _next;

        public readonly Reader Current => this;

        public ReadOnlySpan<byte> Member { get; private set; }

        public double Score { get; private set; }

        /// <summary>Where the current entry starts.</summary>
        internal int Offset { get; private set; }

        /// <summary>Where the next entry starts.</summary>
        internal readonly int End => _next;

        public bool MoveNext()
        {
            if (_next >= _data.Length)
                return false;
            Offset = _next;
            Score = ReadScore(_data, ref _next);
            int length = VarInt.Read(_data, ref _next);
            Member = _data.Slice(_next, length);
            _next += length;
            return true;
        }
    }

    /// <summary>
    /// A score: a whole number within ±2^53 (exact in a double) as the varint of its zigzag form
    /// plus one (so -63…63 take one byte), anything else as a 0 byte and the double's 8 bytes.
    /// -0 becomes 0, as a listpack's integer does on redis-server.
    /// </summary>
    private static bool IsCompact(double score, out long whole)
    {
        whole = (long)score;   // saturates out of range, where the range test already failed
        return Math.Abs(score) <= 1L << 53 && whole == score;
    }

    private static int ScoreLength(double score) => IsCompact(score, out long whole) ? VarInt.Length(Tagged(whole)) : 9;

    private static ulong Tagged(long whole) => (ulong)((whole << 1) ^ (whole >> 63)) + 1;

    private static int WriteScore(Span<byte> destination, double score)
    {
        if (IsCompact(score, out long whole))
            return VarInt.Write(destination, Tagged(whole));
        destination[0] = 0;
        BinaryPrimitives.WriteDoubleLittleEndian(destination[1..], score);
        return 9;
    }

    private static double ReadScore(ReadOnlySpan<byte> data, ref int offset)
    {
        if (data[offset] == 0)
        {
            offset += 9;
            return BinaryPrimitives.ReadDoubleLittleEndian(data[(offset - 8)..]);
        }
        ulong zigzag = VarInt.ReadUInt64(data, ref offset) - 1;
        return (long)(zigzag >> 1) ^ -(long)(zigzag & 1);
    }

    private static double ScoreAt(ReadOnlySpan<byte> data, int offset) => ReadScore(data, ref offset);

    private readonly int Find(ReadOnlySpan<byte> member, out int end, out int rank) => Find(_data, member, out end, out rank);

    /// <summary>The offset of <paramref name="member"/>'s entry, where it ends and its rank; -1 for all three when absent.</summary>
    private static int Find(ReadOnlySpan<byte> data, ReadOnlySpan<byte> member, out int end, out int rank)
    {
        rank = 0;
        for (var entry = new Reader(data); entry.MoveNext();)
        {
            if (entry.Member.SequenceEqual(member))
            {
                end = entry.End;
                return entry.Offset;
            }
            rank++;
        }
        end = rank = -1;
        return -1;
    }

    /// <summary>The offset of the first entry above (score, member): where that pair belongs.</summary>
    private static int InsertionPoint(ReadOnlySpan<byte> data, ReadOnlySpan<byte> member, double score)
    {
        for (var entry = new Reader(data); entry.MoveNext();)
            if (entry.Score > score || (entry.Score == score && entry.Member.SequenceCompareTo(member) > 0))
                return entry.Offset;
        return data.Length;
    }

    private static int WriteEntry(Span<byte> destination, ReadOnlySpan<byte> member, double score)
    {
        int n = WriteScore(destination, score);
        n += VarInt.Write(destination[n..], member.Length);
        member.CopyTo(destination[n..]);
        return n + member.Length;
    }
}
