namespace Istore.Ranklist;

/// <summary>
/// A shard's part of a recall run across shards by shard (<see cref="GroupedRecall"/>): the
/// aggregate of only the lists this shard holds (its partial, folded in query order like the
/// whole), with no exclusions. It picks the best members by partial, or every member whose partial
/// reaches a bound, and gives each picked member's score in each list's DEPTH window, so the caller
/// can fold the exact whole score itself. Lists are positional: a missing one (null) is empty.
/// A recall asks a shard for its best members and later for every member above a bound: the
/// merge of the first request stays in the member table's scratch, stamped, and the second reads
/// it again when nothing changed and no other recall used the scratch in between.
/// </summary>
public sealed class PartialRecall
{
    /// <summary>Rows per window entry above which scores are found by walking the windows rather than by a lookup per row and list.</summary>
    private const int LookupsPerEntry = 16;

    private readonly MemberTable _members;
    private readonly IReadOnlyList<WeightedList?> _lists;
    private readonly RecallAggregate _aggregate;
    private readonly int _depth;
    private readonly MergeStamp _stamp;

    public PartialRecall(MemberTable members, IReadOnlyList<WeightedList?> lists, RecallAggregate aggregate, int depth)
    {
        _members = members;
        _lists = lists;
        _aggregate = aggregate;
        _depth = depth;
        _stamp = new MergeStamp(lists, depth, aggregate);
    }

    private RecallQuery Query(int count) =>
        new(_members, count, [.. _lists.Where(list => list is not null).Select(list => list!.Value)], _aggregate, _depth);

    /// <summary>The best <paramref name="count"/> members by partial, best first; complete when they are every member of the windows.</summary>
    public List<int> Top(int count, out bool complete)
    {
        var query = Query(count);
        var top = Recall.MergesUpFront(query) ? DenseMerge.Select(query, Merged(), []) : Recall.TopK(query);
        complete = top.Count < count;
        return [.. top.Select(entry => _members.Find(entry.Member.Span))];
    }

    /// <summary>Every member whose partial is at least <paramref name="min"/>, in no order; complete when that is every member of the windows.</summary>
    public List<int> AtLeast(double min, out bool complete)
    {
        var scratch = Merged();
        var ids = new List<int>();
        foreach (int id in scratch.Touched.AsSpan(0, scratch.TouchedCount))
            if (RecallOrder.Finish(scratch.Totals[id]) >= min)
                ids.Add(id);
        complete = ids.Count == scratch.TouchedCount;
        return ids;
    }

    /// <summary>The partials, merged now or left by an earlier request of the same recall.</summary>
    private RecallScratch Merged()
    {
        if (_members.MergedScratch(_stamp) is { } held)
            return held;
        var scratch = DenseMerge.Merge(Query(1));
        scratch.MergedFrom = _stamp;
        return scratch;
    }

    /// <summary>Whether no window holds a negative contribution (contributions follow the score, so a window's two ends tell).</summary>
    public bool NonNegative()
    {
        Span<RankedMember> end = stackalloc RankedMember[1];
        foreach (var (list, weight) in _lists.Where(list => list is not null).Select(list => list!.Value))
        {
            int window = Math.Min(_depth, list.Count);
            if (window == 0)
                continue;
            list.CopyRanks(0, end);
            double best = RecallOrder.Contribution(weight, end[0].Score);
            list.CopyRanks(window - 1, end);
            double worst = RecallOrder.Contribution(weight, end[0].Score);
            if (!(Math.Min(best, worst) >= 0))
                return false;
        }
        return true;
    }

    /// <summary>
    /// Each row's score in each list's window (<paramref name="ids"/>: -1 is a member no list
    /// holds). Many rows are found by walking every window once, in rank order, which reads the
    /// lists sequentially; a few by a lookup per row and list.
    /// </summary>
    public PartialRows ScoresOf(List<int> ids)
    {
        var rows = new PartialRows(ids.Count, _lists.Count);
        long entries = _lists.Sum(list => list is { } l ? Math.Min(_depth, l.List.Count) : 0);
        if ((long)ids.Count * _lists.Count * LookupsPerEntry < entries)
            LookUp(ids, rows);
        else
            Walk(ids, rows);
        return rows;
    }

    private void LookUp(List<int> ids, PartialRows rows)
    {
        Span<RankedMember> last = stackalloc RankedMember[1];
        for (int k = 0; k < _lists.Count; k++)
        {
            if (_lists[k] is not { List: var list })
                continue;
            bool cut = _depth < list.Count;
            if (cut)
                list.CopyRanks(_depth - 1, last);
            for (int r = 0; r < ids.Count; r++)
            {
                int id = ids[r];
                if (id >= 0 && list.TryGetScore(id, out double score)
                    && (!cut || RecallOrder.Compare(_members, score, id, last[0].Score, last[0].Id) <= 0))
                    rows.Set(r, k, score);
            }
        }
    }

    private void Walk(List<int> ids, PartialRows rows)
    {
        // The scratch's seen bits mark the rows' ids and its totals hold each one's row index.
        var scratch = _members.RowScratch();
        for (int r = 0; r < ids.Count; r++)
        {
            int id = ids[r];
            if (id < 0)
                continue;
            scratch.Seen[id >> 6] |= 1UL << id;
            scratch.Totals[id] = r;
        }
        for (int k = 0; k < _lists.Count; k++)
        {
            if (_lists[k] is not { List: var list })
                continue;
            int window = Math.Min(_depth, list.Count);
            for (int first = 0; first < window; first += RecallScratch.ChunkSize)
            {
                var chunk = scratch.Chunk.AsSpan(0, Math.Min(RecallScratch.ChunkSize, window - first));
                list.CopyRanks(first, chunk);
                foreach (var entry in chunk)
                    if ((scratch.Seen[entry.Id >> 6] & (1UL << entry.Id)) != 0)
                        rows.Set((int)scratch.Totals[entry.Id], k, entry.Score);
            }
        }
    }
}

/// <summary>Rows of a partial recall: per row and list, the member's window score or nothing.</summary>
public sealed class PartialRows(int rows, int lists)
{
    private readonly double[] _scores = new double[rows * lists];
    private readonly bool[] _present = new bool[rows * lists];

    public int Count => rows;

    public int Lists => lists;

    public void Set(int row, int list, double score)
    {
        _scores[row * lists + list] = score;
        _present[row * lists + list] = true;
    }

    public bool TryGet(int row, int list, out double score)
    {
        score = _scores[row * lists + list];
        return _present[row * lists + list];
    }
}
