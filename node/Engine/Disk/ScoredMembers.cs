namespace Istore.Node.Engine.Disk;

/// <summary>
/// Members with scores on disk, as sorted sets and ranklists keep them (Kvrocks' layout): a subkey
/// per member whose value is its score (a point read answers a score or an existence check) and
/// the member's entry in the <see cref="ScoreIndex"/>. A score change deletes the old index entry
/// and writes the new one in the same batch.
/// </summary>
internal sealed class ScoredMembers(SubkeyStore elements)
{
    public SubkeyStore Elements => elements;

    public ScoreIndex Index { get; } = new(elements);

    /// <summary>Writes the members of <paramref name="source"/>, another collection on disk, into this new, empty one.</summary>
    public void CopyFrom(ScoredMembers source) =>
        elements.CopyFrom(source.Elements, (member, score) => Index.Put(member, DiskFormat.ReadScoreValue(score)));

    /// <summary>Adds a member known to be absent (filling a new collection).</summary>
    public void PutNew(ReadOnlySpan<byte> member, double score)
    {
        Span<byte> value = stackalloc byte[8];
        DiskFormat.WriteScoreValue(value, score);
        elements.PutNew(member, value);
        Index.Put(member, score);
    }

    public bool TryGetScore(ReadOnlySpan<byte> member, out double score)
    {
        score = 0;
        if (!elements.TryGet(member, out var stored))
            return false;
        score = DiskFormat.ReadScoreValue(stored);
        return true;
    }

    /// <summary>Sets a member's score; true when the member is new.</summary>
    public bool Set(ReadOnlySpan<byte> member, double score)
    {
        bool added = !TryGetScore(member, out double current);
        if (!added)
        {
            if (current == score)
                return false;
            Index.Delete(member, current);
        }
        Span<byte> value = stackalloc byte[8];
        DiskFormat.WriteScoreValue(value, score);
        elements.Overwrite(member, value);
        Index.Put(member, score);
        if (added)
            elements.Size++;
        return added;
    }

    public bool Remove(ReadOnlySpan<byte> member)
    {
        if (!TryGetScore(member, out double score))
            return false;
        Erase(member, score);
        return true;
    }

    /// <summary>The rank in the index's order, or -1 when absent.</summary>
    public long RankOf(ReadOnlySpan<byte> member) =>
        TryGetScore(member, out double score) ? Index.RankOf(member, score, elements.Size) : -1;

    /// <summary>Removes a member known to hold <paramref name="score"/>.</summary>
    public void Erase(ReadOnlySpan<byte> member, double score)
    {
        elements.Erase(member);
        elements.Size--;
        Index.Delete(member, score);
    }
}
