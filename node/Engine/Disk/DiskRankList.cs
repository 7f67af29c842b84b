using System.Buffers.Binary;
using Istore.Node.Objects;
using Istore.Ranklist;

namespace Istore.Node.Engine.Disk;

/// <summary>
/// A ranklist on disk, for one command (a sorted set's layout, <see cref="ScoredMembers"/>, best
/// first): each member is a subkey whose value is its score, for RL.SCORE and the recall's lookups,
/// and an entry in the <see cref="ScoreIndex"/>, whose ranklist keys sort by score descending, then
/// member, so the top of the list is a forward walk from its first key. MAXLEN is kept in the
/// metadata record.
/// </summary>
internal sealed class DiskRankList : RankListValue, IDiskCollection
{
    private readonly SubkeyStore _elements;
    private readonly ScoredMembers _members;
    private readonly ScoreIndex _index;

    public DiskRankList(SubkeyStore elements)
    {
        _elements = elements;
        _members = new ScoredMembers(elements);
        _index = _members.Index;
        elements.Extra ??= new byte[8];
    }

    public SubkeyStore Elements => _elements;

    public ScoreIndex Index => _index;

    public override long Length => _elements.Size;

    public override long MaxLength
    {
        get => BinaryPrimitives.ReadInt64LittleEndian(_elements.Extra);
        set => BinaryPrimitives.WriteInt64LittleEndian(_elements.Extra, value);
    }

    /// <summary>Storing a disk collection at another key copies its elements (COPY), so the view itself serves as the copy.</summary>
    public override StoredObject Clone() => this;

    /// <summary>Writes the entries and cap of <paramref name="source"/> into <paramref name="into"/>, a new, empty ranklist.</summary>
    public static void Fill(SubkeyStore into, RankListValue source)
    {
        var list = new DiskRankList(into) { MaxLength = source.MaxLength };
        if (source is DiskRankList disk)
            list._members.CopyFrom(disk._members);
        else
            source.VisitRanks(0, source.Length, list._members.PutNew);
    }

    public override bool TryGetScore(ReadOnlySpan<byte> member, out double score) => _members.TryGetScore(member, out score);

    public override bool Set(ReadOnlySpan<byte> member, double score) => _members.Set(member, score);

    public override bool Remove(ReadOnlySpan<byte> member) => _members.Remove(member);

    public override long RankOf(ReadOnlySpan<byte> member) => _members.RankOf(member);

    /// <summary>The lowest entries go: read from the bottom of the index (O(removed)).</summary>
    public override long Trim(long maxLength)
    {
        long removed = Math.Max(0, Length - maxLength);
        if (removed == 0)
            return 0;
        foreach (var blob in _index.EntriesAt(maxLength, (int)removed, reverse: false, Length))
            _members.Erase(ScoredMember.MemberOf(blob), ScoredMember.ScoreOf(blob));
        return removed;
    }

    /// <summary>One walk from the top when the range is nearer it; else read from the bottom up and replayed in rank order.</summary>
    public override void VisitRanks(long first, long count, RankEntryVisitor visit)
    {
        if (count <= 0)
            return;
        if (Length - first - count < first)
        {
            foreach (var blob in _index.EntriesAt(first, (int)count, reverse: false, Length))
                visit(ScoredMember.MemberOf(blob), ScoredMember.ScoreOf(blob));
            return;
        }
        using var walk = _index.Open();
        _index.SeekEnd(walk, last: false);
        for (long skip = first; skip > 0 && walk.Valid; skip--)
            walk.Next();
        for (long done = 0; done < count && walk.Valid; done++, walk.Next())
            visit(walk.Member, walk.Score);
    }

    public override List<RankEntry> EntriesBetween(DescendingScoreBound from, DescendingScoreBound to, long skip, long take) =>
        _index.EntriesBetween(from, to, skip, take, reverse: false)
            .ConvertAll(blob => new RankEntry(ScoredMember.MemberOf(blob).ToArray(), ScoredMember.ScoreOf(blob)));

    /// <summary>A recall reads this list's window from the index and its scores by point lookups, interning into a table for that recall.</summary>
    public override IRecallList OpenRecall(ref MemberTable? members, int depth)
    {
        members ??= _elements.Session.RecallMembers();
        return new DiskRecallList(this, members, depth);
    }

    public override void WriteTo(SnapshotWriter writer)
    {
        writer.WriteInt64(MaxLength);
        writer.WriteVarUInt((ulong)Length);
        using var cursor = _elements.OpenCursor();
        while (cursor.MoveNext())
        {
            writer.WriteBytes(cursor.Key);
            writer.WriteDouble(DiskFormat.ReadScoreValue(cursor.Value));
        }
    }
}
