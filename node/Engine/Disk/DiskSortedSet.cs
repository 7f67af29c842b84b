using Istore.Node.Keyspace;
using Istore.Node.Objects;

namespace Istore.Node.Engine.Disk;

/// <summary>
/// A sorted set on disk, for one command (Kvrocks' layout): each member is a subkey whose value is
/// its score, for ZSCORE and ZSCAN, and an entry in the <see cref="ScoreIndex"/> for ranks and
/// ranges. A score change deletes the old index entry and writes the new one in the same batch.
/// </summary>
internal sealed class DiskSortedSet : SortedSetValue, IDiskCollection
{
    private readonly SubkeyStore _elements;
    private readonly ScoreIndex _index;

    public DiskSortedSet(SubkeyStore elements)
    {
        _elements = elements;
        _index = new ScoreIndex(elements);
    }

    public SubkeyStore Elements => _elements;

    public override long Length => _elements.Size;

    public override string Encoding => "skiplist";

    /// <summary>Storing a disk collection at another key copies its elements (COPY), so the view itself serves as the copy.</summary>
    public override StoredObject Clone() => this;

    /// <summary>Writes the entries of <paramref name="source"/> into <paramref name="into"/>, a new, empty sorted set: members and index.</summary>
    public static void Fill(SubkeyStore into, SortedSetValue source)
    {
        var index = new ScoreIndex(into);
        if (source is DiskSortedSet disk)
        {
            into.CopyFrom(disk._elements, (member, score) => index.Put(member, DiskFormat.ReadScoreValue(score)));
            return;
        }
        Span<byte> value = stackalloc byte[8];
        foreach (var entry in source)
        {
            DiskFormat.WriteScoreValue(value, entry.Score);
            into.PutNew(entry.Member, value);
            index.Put(entry.Member, entry.Score);
        }
    }

    public override bool TryGetScore(ReadOnlySpan<byte> member, out double score)
    {
        score = 0;
        if (!_elements.TryGet(member, out var stored))
            return false;
        score = DiskFormat.ReadScoreValue(stored);
        return true;
    }

    public override bool Set(ReadOnlySpan<byte> member, double score)
    {
        bool added = !TryGetScore(member, out double current);
        if (!added)
        {
            if (current == score)
                return false;
            _index.Delete(member, current);
        }
        Span<byte> value = stackalloc byte[8];
        DiskFormat.WriteScoreValue(value, score);
        _elements.Overwrite(member, value);
        _index.Put(member, score);
        if (added)
            _elements.Size++;
        return added;
    }

    public override bool Remove(ReadOnlySpan<byte> member)
    {
        if (!TryGetScore(member, out double score))
            return false;
        Erase(member, score);
        return true;
    }

    public override long RankOf(ReadOnlySpan<byte> member) =>
        TryGetScore(member, out double score) ? _index.RankOf(member, score, Length) : -1;

    public override List<byte[]> EntriesAt(long first, int count, bool reverse) => _index.EntriesAt(first, count, reverse, Length);

    public override long CountBetween<TStart, TEnd>(TStart start, TEnd end) => _index.CountBetween(start, end);

    public override List<byte[]> EntriesBetween<TStart, TEnd>(TStart start, TEnd end, long skip, long take, bool reverse) =>
        _index.EntriesBetween(start, end, skip, take, reverse);

    public override void RemoveEntries(List<byte[]> entries)
    {
        foreach (var blob in entries)
            Erase(ScoredMember.MemberOf(blob), ScoredMember.ScoreOf(blob));
    }

    public override ScoredMember RandomEntry()
    {
        var (member, score) = _elements.RandomElement();
        return new ScoredMember(ScoredMember.Pack(member, DiskFormat.ReadScoreValue(score)));
    }

    /// <summary>Reads the whole set: random picks on disk cost O(n).</summary>
    public override ScanTable<ScoredMember> RandomSource()
    {
        var table = new ScanTable<ScoredMember>((int)Math.Min(Length, int.MaxValue));
        foreach (var entry in this)
            table.AddNew(new ScoredMember(ScoredMember.Pack(entry.Member, entry.Score)));
        return table;
    }

    /// <summary>ZSCAN in member order (the subkeys'), each stored score turned into its reply text.</summary>
    public override ulong Scan(ulong cursor, int count, GlobPattern? pattern, List<byte[]> found)
    {
        int first = found.Count;
        ulong next = _elements.Scan(cursor, count, pattern, found, withValues: true);
        for (int i = first + 1; i < found.Count; i += 2)
            found[i] = ScoredMember.ScoreText(DiskFormat.ReadScoreValue(found[i]));
        return next;
    }

    protected override ElementCursor OpenCursor() => _elements.OpenCursor();

    private void Erase(ReadOnlySpan<byte> member, double score)
    {
        _elements.Erase(member);
        _elements.Size--;
        _index.Delete(member, score);
    }
}
