using Istore.Ranklist;

namespace Istore.Node.Engine.Disk;

/// <summary>
/// A disk ranklist as a recall input: its DEPTH window, read up front in one walk from the top of
/// its score index with the members interned into the recall's <see cref="MemberTable"/> (the
/// recall sizes its per-id scratch from the table before reading, so every id must exist by then);
/// a score by member id is a point lookup of the member's subkey. A list larger than memory costs
/// its window, not its size.
/// </summary>
internal sealed class DiskRecallList : IRecallList
{
    private readonly DiskRankList _list;
    private readonly MemberTable _members;
    private readonly RankedMember[] _window;

    public DiskRecallList(DiskRankList list, MemberTable members, int depth)
    {
        _list = list;
        _members = members;
        Count = (int)Math.Min(list.Length, int.MaxValue);
        _window = new RankedMember[(int)Math.Min(depth, list.Length)];
        int read = 0;
        using (var walk = list.Index.Open())
        {
            for (list.Index.SeekEnd(walk, last: false); read < _window.Length && walk.Valid; walk.Next())
            {
                double score = walk.Current(out var member);
                _window[read++] = new RankedMember(score, members.Acquire(member));
            }
        }
        if (read < _window.Length)
            throw new InvalidDataException($"{System.Text.Encoding.UTF8.GetString(list.Elements.Key)} holds fewer index entries than its size says");
    }

    /// <summary>The whole list's size, so the recall knows a member found by lookup may lie below the window; it reads ranks within the window only.</summary>
    public int Count { get; }

    /// <summary>The window is read afresh for each recall, so this object never outlives a change.</summary>
    public long Version => 0;

    public void CopyRanks(int first, Span<RankedMember> into) => _window.AsSpan(first, into.Length).CopyTo(into);

    public bool TryGetScore(int id, out double score) => _list.TryGetScore(_members.MemberOf(id), out score);
}
