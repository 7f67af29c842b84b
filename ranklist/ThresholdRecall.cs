namespace Istore.Ranklist;

/// <summary>
/// The threshold algorithm (Fagin et al.): the lists are read row by row in contribution order
/// (sorted access, best contribution first), each newly seen member is scored exactly by looking
/// it up in every list (random access), a top-count heap keeps the best so far, and reading stops
/// once the threshold — the best aggregate an unseen member could still reach — falls strictly
/// below the heap's worst (equal could still win on the member tie-break).
/// <para>
/// Stopping is always safe, whatever the weights: a list with a negative weight is read from the
/// bottom of its DEPTH window up, so its contributions still come in non-increasing order; a zero
/// weight contributes 0 everywhere. An unseen member may be absent from a list (it then gets
/// nothing from it). For MAX it must sit in a list not yet read to its end, so the bound is the
/// largest next contribution among those. For SUM it must sit in such a list j too, so the bound
/// is the largest over j of list j's next contribution plus max(0, next) of every other unfinished
/// list — the 0 being an absent member's share. Both bounds are sums or maxima of terms no smaller
/// than the member's own, and IEEE rounding is monotone, so the bound holds in floating point too.
/// </para>
/// </summary>
internal sealed class ThresholdRecall
{
    private readonly RecallQuery _query;
    private readonly IReadOnlyList<IRecallExclusion> _exclusions;
    private readonly RecallCursor[] _cursors;
    private readonly TopHeap _heap;
    private readonly RecallScratch _seen;
    private readonly double[] _next;
    private readonly bool[] _live;
    private readonly int _longestWindow;

    public ThresholdRecall(RecallQuery query, IReadOnlyList<IRecallExclusion> exclusions)
    {
        _query = query;
        _exclusions = exclusions;
        _cursors = query.Lists.Select(list => new RecallCursor(query.Members, list, query.Depth)).ToArray();
        _heap = new TopHeap(query.Members, query.Count);
        _seen = query.Scratch();
        _next = new double[_cursors.Length];
        _live = new bool[_cursors.Length];
        _longestWindow = _cursors.Length == 0 ? 0 : _cursors.Max(cursor => cursor.Window);
    }

    /// <summary>Rows read so far: every unfinished list has been read this deep.</summary>
    public int Rows { get; private set; }


    /// <summary>Reads rows until the answer is proven or <paramref name="maxRows"/> were read; true when it is proven.</summary>
    public bool Run(int maxRows)
    {
        while (Rows < maxRows)
        {
            if (Rows == _longestWindow)
                return true;
            foreach (var cursor in _cursors)
                if (cursor.TryNext(out int id))
                    See(id);
            Rows++;
            if (_heap.IsFull && Threshold(Rows) < _heap.WorstScore)
                return true;
        }
        return Rows == _longestWindow;
    }

    public List<RecallEntry> Result() => _heap.Drain();

    /// <summary>
    /// A row by which <see cref="Run"/> is sure to have stopped: the first where the threshold is
    /// below the heap's current worst (the worst only rises as reading goes on, the threshold only
    /// falls). Found by bisection on the threshold, from O(log n) rank lookups. Null while the
    /// heap is not full.
    /// </summary>
    public int? StopRowBound()
    {
        if (!_heap.IsFull)
            return null;
        double worst = _heap.WorstScore;
        int low = Rows, high = _longestWindow;
        while (low < high)
        {
            int mid = low + (high - low) / 2;
            if (Threshold(mid) < worst) high = mid;
            else low = mid + 1;
        }
        return low;
    }

    private void See(int id)
    {
        if (!_seen.MarkSeen(id))
            return;
        double total = _query.Aggregate == RecallAggregate.Sum ? 0 : double.NegativeInfinity;
        foreach (var cursor in _cursors)
            if (cursor.TryGetContribution(id, out double contribution))
                total = RecallOrder.Combine(_query.Aggregate, total, contribution);
        DenseMerge.Offer(_query.Members, _heap, id, RecallOrder.Finish(total), _exclusions);
    }

    /// <summary>The best aggregate a member unseen after <paramref name="row"/> rows could reach.</summary>
    private double Threshold(int row)
    {
        for (int i = 0; i < _cursors.Length; i++)
        {
            _live[i] = row < _cursors[i].Window;
            _next[i] = _live[i] ? _cursors[i].ContributionAt(row) : 0;
        }
        double bound = double.NegativeInfinity;
        for (int j = 0; j < _cursors.Length; j++)
        {
            if (!_live[j])
                continue;
            if (_query.Aggregate == RecallAggregate.Max)
            {
                bound = Math.Max(bound, _next[j]);
                continue;
            }
            // In list j at most its next contribution; in any other list at most that list's next, or 0 when absent.
            double sum = 0;
            for (int i = 0; i < _cursors.Length; i++)
                sum += i == j ? _next[i] : _live[i] ? Math.Max(0, _next[i]) : 0;
            bound = Math.Max(bound, sum);
        }
        return bound;
    }
}
