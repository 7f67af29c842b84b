using System.Buffers.Binary;

namespace Istore.Node.Objects;

/// <summary>
/// A small sorted set in one array, Redis's listpack idea: entries [score, 8 bytes][varint member
/// length][member] kept in (score, member) order, with no per-member object, so a ten-member
/// sorted set costs one array instead of ten arrays, a hash table and a tree. Lookups and ranks
/// scan linearly, which is fast at these sizes (see <see cref="EncodingLimits"/>); every change
/// writes a new array (a few hundred bytes), so a clone may share it.
/// </summary>
public sealed class PackedScores
{
    private byte[] _data = [];

    public int Count { get; private set; }

    public bool TryGetScore(ReadOnlySpan<byte> member, out double score)
    {
        int offset = Find(member, out _, out _);
        score = offset < 0 ? 0 : ScoreAt(offset);
        return offset >= 0;
    }

    /// <summary>The 0-based rank by (score, member), or -1.</summary>
    public int RankOf(ReadOnlySpan<byte> member)
    {
        Find(member, out _, out int rank);
        return rank;
    }

    /// <summary>Sets a member's score; true when the member is new.</summary>
    public bool Set(ReadOnlySpan<byte> member, double score)
    {
        int found = Find(member, out int foundEnd, out _);
        if (found >= 0 && ScoreAt(found) == score)
            return false;
        int length = 8 + VarInt.Length(member.Length) + member.Length;
        int kept = _data.Length - (found < 0 ? 0 : foundEnd - found);
        int at = InsertionPoint(member, score);
        var next = GC.AllocateUninitializedArray<byte>(kept + length);
        // The old entry (if any) is left out and the new one goes in at its place in the order.
        int written;
        if (found < 0)
        {
            written = Append(next, 0, _data.AsSpan(0, at));
            written += WriteEntry(next.AsSpan(written), member, score);
            Append(next, written, _data.AsSpan(at));
        }
        else if (at <= found)
        {
            written = Append(next, 0, _data.AsSpan(0, at));
            written += WriteEntry(next.AsSpan(written), member, score);
            written += Append(next, written, _data.AsSpan(at, found - at));
            Append(next, written, _data.AsSpan(foundEnd));
        }
        else
        {
            written = Append(next, 0, _data.AsSpan(0, found));
            written += Append(next, written, _data.AsSpan(foundEnd, at - foundEnd));
            written += WriteEntry(next.AsSpan(written), member, score);
            Append(next, written, _data.AsSpan(at));
        }
        _data = next;
        if (found < 0)
            Count++;
        return found < 0;
    }

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
    public int CountBelow<TBound>(TBound bound) where TBound : IScoredBound
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
    public List<byte[]> EntriesAt(int first, int count, bool reverse)
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
    public byte[] EntryAt(int rank) => EntriesAt(rank, 1, reverse: false)[0];

    public PackedScores Clone() => new() { _data = _data, Count = Count };

    public Reader GetEnumerator() => new(_data);

    /// <summary>Walks the entries in (score, member) order.</summary>
    public ref struct Reader(byte[] data)
    {
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
            if (_next >= data.Length)
                return false;
            Offset = _next;
            Score = BinaryPrimitives.ReadDoubleLittleEndian(data.AsSpan(_next));
            _next += 8;
            int length = VarInt.Read(data, ref _next);
            Member = data.AsSpan(_next, length);
            _next += length;
            return true;
        }
    }

    private double ScoreAt(int offset) => BinaryPrimitives.ReadDoubleLittleEndian(_data.AsSpan(offset));

    /// <summary>The offset of <paramref name="member"/>'s entry, where it ends and its rank; -1 for all three when absent.</summary>
    private int Find(ReadOnlySpan<byte> member, out int end, out int rank)
    {
        rank = 0;
        foreach (var entry in this)
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
    private int InsertionPoint(ReadOnlySpan<byte> member, double score)
    {
        foreach (var entry in this)
            if (entry.Score > score || (entry.Score == score && entry.Member.SequenceCompareTo(member) > 0))
                return entry.Offset;
        return _data.Length;
    }

    private static int Append(byte[] destination, int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(destination.AsSpan(at));
        return bytes.Length;
    }

    private static int WriteEntry(Span<byte> destination, ReadOnlySpan<byte> member, double score)
    {
        BinaryPrimitives.WriteDoubleLittleEndian(destination, score);
        int n = 8 + VarInt.Write(destination[8..], member.Length);
        member.CopyTo(destination[n..]);
        return n + member.Length;
    }
}
