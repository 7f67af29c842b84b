namespace Istore.Ranklist;

/// <summary>
/// Sorted access over one list's DEPTH window in non-increasing contribution order (a negative
/// weight reads the window from its bottom up), read in chunks, plus random access by member id.
/// </summary>
internal sealed class RecallCursor
{
    private const int ChunkSize = 64;

    private readonly MemberTable _members;
    private readonly IRecallList _list;
    private readonly double _weight;
    private readonly bool _backward;
    private readonly RankedMember _last;   // the window's lowest entry, for membership tests
    private readonly RankedMember[] _chunk = new RankedMember[ChunkSize];
    private readonly RankedMember[] _one = new RankedMember[1];
    private int _chunkStart = -1;          // read position of _chunk[0]
    private int _chunkLength;
    private int _read;

    public RecallCursor(MemberTable members, WeightedList input, int depth)
    {
        _members = members;
        _list = input.List;
        _weight = input.Weight;
        Window = Math.Min(depth, _list.Count);
        _backward = _weight < 0;
        if (Window > 0 && Window < _list.Count)
            _last = EntryAtRank(Window - 1);
    }

    public int Window { get; }

    public bool TryNext(out int id)
    {
        if (_read == Window)
        {
            id = -1;
            return false;
        }
        id = EntryAt(_read++).Id;
        return true;
    }

    /// <summary>The contribution of the entry at read position <paramref name="position"/> (&lt; <see cref="Window"/>).</summary>
    public double ContributionAt(int position)
    {
        var entry = position >= _chunkStart && position < _chunkStart + _chunkLength
            ? _chunk[position - _chunkStart]
            : EntryAtRank(_backward ? Window - 1 - position : position);
        return RecallOrder.Contribution(_weight, entry.Score);
    }

    public bool TryGetContribution(int id, out double contribution)
    {
        contribution = 0;
        if (Window == 0 || !_list.TryGetScore(id, out double score))
            return false;
        if (Window < _list.Count && RecallOrder.Compare(_members, score, id, _last.Score, _last.Id) > 0)
            return false;
        contribution = RecallOrder.Contribution(_weight, score);
        return true;
    }

    /// <summary>The entry at read position <paramref name="position"/>, refilling the chunk when it moved past it.</summary>
    private RankedMember EntryAt(int position)
    {
        if (position < _chunkStart || position >= _chunkStart + _chunkLength)
        {
            _chunkStart = position;
            _chunkLength = Math.Min(ChunkSize, Window - position);
            var chunk = _chunk.AsSpan(0, _chunkLength);
            if (_backward)
            {
                _list.CopyRanks(Window - position - _chunkLength, chunk);
                chunk.Reverse();
            }
            else
            {
                _list.CopyRanks(position, chunk);
            }
        }
        return _chunk[position - _chunkStart];
    }

    private RankedMember EntryAtRank(int rank)
    {
        _list.CopyRanks(rank, _one);
        return _one[0];
    }
}
