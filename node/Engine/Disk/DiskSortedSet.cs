using Istore.Node.Keyspace;
using Istore.Node.Objects;

namespace Istore.Node.Engine.Disk;

/// <summary>
/// A sorted set on disk, for one command (<see cref="ScoredMembers"/>): each member is a subkey
/// whose value is its score, for ZSCORE and ZSCAN, and an entry in the <see cref="ScoreIndex"/>
/// for ranks and ranges.
/// </summary>
internal sealed class DiskSortedSet : SortedSetValue, IDiskCollection
{
    private readonly SubkeyStore _elements;
    private readonly ScoredMembers _members;
    private readonly ScoreIndex _index;

    public DiskSortedSet(SubkeyStore elements)
    {
        _elements = elements;
        _members = new ScoredMembers(elements);
        _index = _members.Index;
    }

    public SubkeyStore Elements => _elements;

    public override long Length => _elements.Size;

    /// <summary>What Redis holds these contents in (<see cref="DiskEncodings"/>).</summary>
    public override string Encoding => DiskEncodings.SortedSet(this);

    /// <summary>Storing a disk collection at another key copies its elements (COPY), so the view itself serves as the copy.</summary>
    public override StoredObject Clone() => this;

    /// <summary>Writes the entries of <paramref name="source"/> into <paramref name="into"/>, a new, empty sorted set: members and index.</summary>
    public static void Fill(SubkeyStore into, SortedSetValue source)
    {
        var members = new ScoredMembers(into);
        if (source is DiskSortedSet disk)
        {
            members.CopyFrom(disk._members);
            return;
        }
        foreach (var entry in source)
            members.PutNew(entry.Member, entry.Score);
    }

    public override bool TryGetScore(ReadOnlySpan<byte> member, out double score) => _members.TryGetScore(member, out score);

    public override bool Set(ReadOnlySpan<byte> member, double score) => _members.Set(member, AsStored(member, score));

    /// <summary>
    /// -0 is stored as 0 where redis-server would put it in a listpack (which keeps it as the
    /// integer 0): a sorted set that holds at most zset-max-listpack-entries with this member, a
    /// member within zset-max-listpack-value (the other members' lengths are not checked). A
    /// larger set keeps -0, as Redis's skiplist does.
    /// </summary>
    private double AsStored(ReadOnlySpan<byte> member, double score)
    {
        if (score != 0 || !double.IsNegative(score) || member.Length > EncodingLimits.SortedSetValue)
            return score;
        long entries = EncodingLimits.SortedSetEntries;
        return Length < entries || (Length == entries && TryGetScore(member, out _)) ? 0.0 : score;
    }

    public override bool Remove(ReadOnlySpan<byte> member) => _members.Remove(member);

    public override long RankOf(ReadOnlySpan<byte> member) => _members.RankOf(member);

    public override List<byte[]> EntriesAt(long first, int count, bool reverse) => _index.EntriesAt(first, count, reverse, Length);

    public override long CountBetween<TStart, TEnd>(TStart start, TEnd end) => _index.CountBetween(start, end);

    public override List<byte[]> EntriesBetween<TStart, TEnd>(TStart start, TEnd end, long skip, long take, bool reverse) =>
        _index.EntriesBetween(start, end, skip, take, reverse);

    public override void RemoveEntries(List<byte[]> entries)
    {
        foreach (var blob in entries)
            _members.Erase(ScoredMember.MemberOf(blob), ScoredMember.ScoreOf(blob));
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
        ulong next = _elements.Scan(cursor, DiskEncodings.ScanCount(count, Length, Encoding == "listpack"), pattern, found, withValues: true);
        for (int i = first + 1; i < found.Count; i += 2)
            found[i] = ScoredMember.ScoreText(DiskFormat.ReadScoreValue(found[i]));
        return next;
    }

    protected override ElementCursor OpenCursor() => _elements.OpenCursor();
}
