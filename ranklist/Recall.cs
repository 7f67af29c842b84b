using System.Runtime.InteropServices;

namespace Istore.Ranklist;

/// <summary>
/// The exact top-k of a weighted merge of ranked lists, by the threshold algorithm (Fagin et al.):
/// the lists are read in contribution order (sorted access, best contribution first), each newly
/// seen member is scored exactly by looking it up in every list (random access), a top-k heap keeps
/// the best so far, and reading stops once the threshold — the best aggregate an unseen member
/// could still reach — falls strictly below the heap's worst (equal could still win on the member
/// tie-break).
/// <para>
/// Stopping is always safe here, whatever the weights: a list with a negative weight is read from
/// the bottom of its DEPTH window up, so its contributions still come in non-increasing order; a
/// zero weight contributes 0 everywhere. An unseen member may be absent from a list (it then gets
/// nothing from it). For MAX it must sit
/// in a list not yet read to its end, so the bound is the largest next contribution among those.
/// For SUM it must sit in such a list j too, so the bound is the largest over j of list j's next
/// contribution plus max(0, next) of every other unfinished list — the 0 being an absent member's
/// share, which keeps all-negative weights from ever stopping on a bound of 0. Both bounds are
/// sums or maxima of terms no smaller than the member's own, taken in the same order, and IEEE
/// rounding is monotone — so the bound holds in floating point too.
/// </para>
/// <para>
/// Stopping early is safe but not always early: with positive weights and members spread over the
/// lists, the bound stays high until deep in them. Past a read budget (<see cref="RecallQuery.MergeAfterReads"/>)
/// the threshold algorithm gives up and one full merge (a hash aggregation of every window, then
/// a top-count heap) answers instead — the same answer, at one hash operation per entry.
/// </para>
/// </summary>
public static class Recall
{
    private const int BatchSize = 64;

    public static List<RecallEntry> TopK(RecallQuery query)
    {
        var cursors = new Cursor[query.Lists.Count];
        for (int i = 0; i < cursors.Length; i++)
            cursors[i] = new Cursor(query.Lists[i], query.Depth);
        var exclusions = query.Exclusions ?? [];
        var heap = NewHeap();
        var seen = new HashSet<ReadOnlyMemory<byte>>(MemberComparer.Instance);
        long windows = cursors.Sum(cursor => (long)cursor.Window);
        long budget = query.MergeAfterReads ?? windows / Math.Max(1, cursors.Length);
        long reads = 0;

        while (true)
        {
            bool readAny = false;
            foreach (var cursor in cursors)
            {
                if (!cursor.TryNext(out var entry))
                    continue;
                if (++reads > budget)
                    return FullMerge(query, exclusions, windows);
                readAny = true;
                if (!seen.Add(entry.Member) || IsExcluded(exclusions, entry.Member.Span))
                    continue;
                var candidate = new RecallEntry(entry.Member, Aggregate(cursors, query.Aggregate, entry.Member.Span));
                if (heap.Count < query.Count)
                    heap.Enqueue(candidate, candidate);
                else if (RecallOrder.Compare(candidate, heap.Peek()) < 0)
                    heap.EnqueueDequeue(candidate, candidate);
            }
            if (!readAny || (heap.Count == query.Count && Threshold(cursors, query.Aggregate) < heap.Peek().Score))
                break;
        }

        return Drain(heap);
    }

    /// <summary>Every window read once, contributions summed (or maxed) per member in list order, then the top count.</summary>
    private static List<RecallEntry> FullMerge(RecallQuery query, IReadOnlyList<IRecallExclusion> exclusions, long windows)
    {
        var totals = new Dictionary<ReadOnlyMemory<byte>, double>((int)Math.Min(windows, 1 << 24), MemberComparer.Instance);
        var window = new List<RecallEntry>();
        foreach (var (list, weight) in query.Lists)
        {
            window.Clear();
            list.ReadRanks(0, Math.Min(query.Depth, list.Count), window);
            foreach (var entry in window)
            {
                double contribution = RecallOrder.Contribution(weight, entry.Score);
                ref double total = ref CollectionsMarshal.GetValueRefOrAddDefault(totals, entry.Member, out bool exists);
                total = !exists ? Combine(query.Aggregate, query.Aggregate == RecallAggregate.Sum ? 0 : double.NegativeInfinity, contribution)
                    : Combine(query.Aggregate, total, contribution);
            }
        }
        var heap = NewHeap();
        foreach (var (member, total) in totals)
        {
            if (IsExcluded(exclusions, member.Span))
                continue;
            var candidate = new RecallEntry(member, Finish(total));
            if (heap.Count < query.Count)
                heap.Enqueue(candidate, candidate);
            else if (RecallOrder.Compare(candidate, heap.Peek()) < 0)
                heap.EnqueueDequeue(candidate, candidate);
        }
        return Drain(heap);
    }

    private static PriorityQueue<RecallEntry, RecallEntry> NewHeap() =>
        new(Comparer<RecallEntry>.Create(static (a, b) => RecallOrder.Compare(b, a)));   // the worst on top

    private static List<RecallEntry> Drain(PriorityQueue<RecallEntry, RecallEntry> heap)
    {
        var result = new List<RecallEntry>(heap.Count);
        while (heap.Count > 0)
            result.Add(heap.Dequeue());
        result.Reverse();
        return result;
    }

    private static double Combine(RecallAggregate aggregate, double total, double contribution) =>
        aggregate == RecallAggregate.Sum ? total + contribution : Math.Max(total, contribution);

    /// <summary>+inf + -inf is taken as 0, as ZUNIONSTORE does; adding 0 turns -0 into 0.</summary>
    private static double Finish(double total) => double.IsNaN(total) ? 0 : total + 0.0;

    private static bool IsExcluded(IReadOnlyList<IRecallExclusion> exclusions, ReadOnlySpan<byte> member)
    {
        foreach (var exclusion in exclusions)
            if (exclusion.Contains(member))
                return true;
        return false;
    }

    /// <summary>A member's exact aggregate over every list's window, lists taken in query order.</summary>
    private static double Aggregate(Cursor[] cursors, RecallAggregate aggregate, ReadOnlySpan<byte> member)
    {
        double total = aggregate == RecallAggregate.Sum ? 0 : double.NegativeInfinity;
        foreach (var cursor in cursors)
        {
            if (!cursor.TryGetContribution(member, out double contribution))
                continue;
            total = Combine(aggregate, total, contribution);
        }
        return Finish(total);
    }

    /// <summary>The best aggregate an unseen member could reach; it sits in at least one list not read to its end.</summary>
    private static double Threshold(Cursor[] cursors, RecallAggregate aggregate)
    {
        double bound = double.NegativeInfinity;
        for (int j = 0; j < cursors.Length; j++)
        {
            if (cursors[j].Exhausted)
                continue;
            if (aggregate == RecallAggregate.Max)
            {
                bound = Math.Max(bound, cursors[j].NextContribution);
                continue;
            }
            // In list j at most its next contribution; in any other list at most that list's next, or 0 when absent.
            double sum = 0;
            for (int i = 0; i < cursors.Length; i++)
                sum += i == j ? cursors[i].NextContribution : cursors[i].Exhausted ? 0 : Math.Max(0, cursors[i].NextContribution);
            bound = Math.Max(bound, sum);
        }
        return bound;
    }

    /// <summary>Sorted access over one list's DEPTH window in non-increasing contribution order, plus its random access.</summary>
    private sealed class Cursor
    {
        private readonly IRecallList _list;
        private readonly double _weight;
        private readonly int _window;
        private readonly bool _backward;
        private readonly RecallEntry _last;   // the window's lowest entry, for membership tests
        private readonly List<RecallEntry> _batch = new(BatchSize);
        private int _batchIndex;
        private int _read;

        public Cursor(WeightedList input, int depth)
        {
            _list = input.List;
            _weight = input.Weight;
            _window = Math.Min(depth, _list.Count);
            _backward = _weight < 0;
            if (_window > 0 && _window < _list.Count)
            {
                _list.ReadRanks(_window - 1, 1, _batch);
                _last = _batch[0];
                _batch.Clear();
            }
        }

        public int Window => _window;

        public bool Exhausted => _read == _window;

        /// <summary>The contribution of the next entry to be read; only when not <see cref="Exhausted"/>.</summary>
        public double NextContribution
        {
            get
            {
                Fill();
                return RecallOrder.Contribution(_weight, _batch[_batchIndex].Score);
            }
        }

        public bool TryNext(out RecallEntry entry)
        {
            if (Exhausted)
            {
                entry = default;
                return false;
            }
            Fill();
            entry = _batch[_batchIndex++];
            _read++;
            return true;
        }

        public bool TryGetContribution(ReadOnlySpan<byte> member, out double contribution)
        {
            contribution = 0;
            if (_window == 0 || !_list.TryGetScore(member, out double score))
                return false;
            if (_window < _list.Count && RecallOrder.Compare(score, member, _last.Score, _last.Member.Span) > 0)
                return false;
            contribution = RecallOrder.Contribution(_weight, score);
            return true;
        }

        private void Fill()
        {
            if (_batchIndex < _batch.Count)
                return;
            _batch.Clear();
            _batchIndex = 0;
            int count = Math.Min(BatchSize, _window - _read);
            if (!_backward)
            {
                _list.ReadRanks(_read, count, _batch);
                return;
            }
            _list.ReadRanks(_window - _read - count, count, _batch);
            _batch.Reverse();
        }
    }

    private sealed class MemberComparer : IEqualityComparer<ReadOnlyMemory<byte>>
    {
        public static readonly MemberComparer Instance = new();

        public bool Equals(ReadOnlyMemory<byte> x, ReadOnlyMemory<byte> y) => x.Span.SequenceEqual(y.Span);

        public int GetHashCode(ReadOnlyMemory<byte> member)
        {
            var hash = new HashCode();
            hash.AddBytes(member.Span);
            return hash.ToHashCode();
        }
    }
}
