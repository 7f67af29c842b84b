using Istore.Node.Objects;

namespace Istore.Node.Engine.Disk;

/// <summary>
/// One sorted set's or ranklist's entries in the <c>score</c> column family: <c>prefix | ordered score | member</c>
/// (see <see cref="DiskFormat"/>), so a sorted set's keys sort in Redis's (score, member) order and a
/// ranklist's, whose scores are written inverted, best first (score descending, member ascending). A score or lex
/// bound becomes a key (the first entry not below it), a range is a walk between two keys, and
/// a rank is a count from the nearer end — there are no subtree sizes on disk (Kvrocks counts from
/// the lowest).
/// Reads see the command's pending writes; writes join them.
/// </summary>
internal sealed class ScoreIndex
{
    private const int ScoreBytes = 8;

    private readonly DiskSession _session;
    private readonly SubkeyStore _elements;
    private readonly Native.ColumnFamily _family;
    private readonly byte[] _prefix;
    private readonly byte[] _end;
    private readonly bool _descending;

    public ScoreIndex(SubkeyStore elements)
    {
        _descending = elements.Type == KeyType.RankList;
        _session = elements.Session;
        _elements = elements;
        _family = _session.Engine.Db.Family(DiskFormat.ScoreFamily);
        _prefix = DiskFormat.SubkeyPrefix(elements.Key, elements.Version);
        _end = DiskFormat.SubkeyPrefix(elements.Key, elements.Version + 1);
    }

    public void Put(ReadOnlySpan<byte> member, double score)
    {
        Span<byte> exact = stackalloc byte[ScoreBytes];
        bool negativeZero = double.IsNegative(score) && score == 0;
        if (negativeZero)
            DiskFormat.WriteScoreValue(exact, score);
        _session.Pending.Put(_family, EntryKey(score, member), negativeZero ? exact : []);
    }

    public void Delete(ReadOnlySpan<byte> member, double score) => _session.Pending.Delete(_family, EntryKey(score, member));

    /// <summary>
    /// The rank of (score, member), an entry of a set of <paramref name="size"/>: walks from both
    /// ends at once and stops at whichever meets it first, O(min(rank, size - rank)) steps.
    /// </summary>
    public long RankOf(ReadOnlySpan<byte> member, double score, long size)
    {
        var key = EntryKey(score, member);
        using var up = Open();
        using var down = Open();
        SeekEnd(up, last: false);
        SeekEnd(down, last: true);
        for (long steps = 0; up.Valid && down.Valid; steps++)
        {
            if (up.Key.SequenceEqual(key))
                return steps;
            if (down.Key.SequenceEqual(key))
                return size - 1 - steps;
            up.Next();
            down.Move(backward: true);
        }
        throw new InvalidDataException($"{System.Text.Encoding.UTF8.GetString(_elements.Key)} has a member missing from its score index");
    }

    /// <summary>The entries at ascending ranks [first, first + count) of a set of <paramref name="size"/>, walked from the nearer end.</summary>
    public List<byte[]> EntriesAt(long first, int count, bool reverse, long size)
    {
        var entries = new List<byte[]>(count);
        if (count <= 0)
            return entries;
        long after = size - first - count;
        bool fromTop = after < first;
        using var walk = Open();
        SeekEnd(walk, last: fromTop);
        for (long skip = fromTop ? after : first; skip > 0 && walk.Valid; skip--)
            walk.Move(backward: fromTop);
        for (; entries.Count < count && walk.Valid; walk.Move(backward: fromTop))
            entries.Add(walk.Entry());
        if (fromTop != reverse)
            entries.Reverse();
        return entries;
    }

    public long CountBetween<TStart, TEnd>(TStart start, TEnd end) where TStart : struct where TEnd : struct
    {
        var (from, to) = (BoundKey(start), BoundKey(end));
        using var walk = Open();
        long count = 0;
        for (walk.Seek(from); walk.Valid && walk.Key.SequenceCompareTo(to) < 0; walk.Next())
            count++;
        return count;
    }

    /// <summary>The entries from the first not below <paramref name="start"/> to the last below <paramref name="end"/>, LIMIT applied, in reply order.</summary>
    public List<byte[]> EntriesBetween<TStart, TEnd>(TStart start, TEnd end, long skip, long take, bool reverse)
        where TStart : struct where TEnd : struct
    {
        var entries = new List<byte[]>();
        if (skip < 0 || take == 0)
            return entries;
        var (from, to) = (BoundKey(start), BoundKey(end));
        using var walk = Open();
        if (reverse)
        {
            walk.SeekLast(to);
            if (walk.Valid && walk.Key.SequenceEqual(to))
                walk.Move(backward: true);
        }
        else
        {
            walk.Seek(from);
        }
        for (; walk.Valid && (reverse ? walk.Key.SequenceCompareTo(from) >= 0 : walk.Key.SequenceCompareTo(to) < 0); walk.Move(reverse))
        {
            if (skip > 0)
            {
                skip--;
                continue;
            }
            entries.Add(walk.Entry());
            if (entries.Count == take)
                break;
        }
        return entries;
    }

    /// <summary>
    /// The key of the first entry not below a bound: for a score, the score itself (the one after it
    /// when equal scores are below); for a member, the entry of the first member not below it, found
    /// in the member-ordered subkeys — the same entry as in score order whenever members sort as
    /// their scores do (one score for all, as Redis's lex ranges assume, or any consistent scores).
    /// </summary>
    private byte[] BoundKey<TBound>(TBound bound) where TBound : struct
    {
        switch (bound)
        {
            case ScoreBound score:
                return ScoreKey(score.Value, score.IncludesEqual);
            case DescendingScoreBound score:
                return ScoreKey(score.Value, score.IncludesEqual);
            case LexBound { Infinity: < 0 }:
                return _prefix;
            case LexBound { Infinity: > 0 }:
                return _end;
            case LexBound lex:
                using (var members = _elements.OpenCursor(lex.IncludesEqual ? [.. lex.Value, 0] : lex.Value))
                    return members.MoveNext() ? EntryKey(DiskFormat.ReadScoreValue(members.Value), members.Key) : _end;
            default:
                throw new ArgumentException($"not a sorted-set bound: {typeof(TBound).Name}");
        }
    }

    /// <summary>The key just before the entries of <paramref name="score"/>, or just after them when equal scores are below the bound.</summary>
    private byte[] ScoreKey(double score, bool includesEqual)
    {
        var key = new byte[_prefix.Length + ScoreBytes];
        _prefix.CopyTo(key, 0);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(_prefix.Length),
            DiskFormat.IndexedScore(score, _descending) + (includesEqual ? 1UL : 0));
        return key;
    }

    private byte[] EntryKey(double score, ReadOnlySpan<byte> member)
    {
        var key = new byte[_prefix.Length + ScoreBytes + member.Length];
        _prefix.CopyTo(key, 0);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(_prefix.Length), DiskFormat.IndexedScore(score, _descending));
        member.CopyTo(key.AsSpan(_prefix.Length + ScoreBytes));
        return key;
    }

    /// <summary>A walk over this index's entries (first entry after a seek to the prefix).</summary>
    public ScoreWalk Open() => new(_session.Pending.NewIterator(_family, _end), _prefix, _descending);

    /// <summary>Seeks <paramref name="walk"/> to the first entry in key order, or the <paramref name="last"/>.</summary>
    public void SeekEnd(ScoreWalk walk, bool last)
    {
        if (last)
            walk.SeekLast(_end);
        else
            walk.Seek(_prefix);
    }
}
