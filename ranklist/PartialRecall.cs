namespace Istore.Ranklist;

/// <summary>
/// A shard's part of a recall run across shards by shard (<see cref="GroupedRecall"/>): the
/// aggregate of only the lists this shard holds (its partial, folded in query order like the
/// whole), with no exclusions. It gives the best members by partial, or every member whose
/// partial reaches a bound, and for any member its score in each list's DEPTH window, so the
/// caller can fold the exact whole score itself.
/// </summary>
public static class PartialRecall
{
    /// <summary>The best <paramref name="count"/> members by partial, best first; complete when they are every member of the windows.</summary>
    public static List<RecallEntry> Top(RecallQuery query, out bool complete)
    {
        var top = Recall.TopK(query with { Exclusions = null });
        complete = top.Count < query.Count;
        return top;
    }

    /// <summary>Every member whose partial is at least <paramref name="min"/> (in no order); complete when that is every member of the windows.</summary>
    public static List<RecallEntry> AtLeast(RecallQuery query, double min, out bool complete)
    {
        var scratch = DenseMerge.Merge(query);
        var rows = new List<RecallEntry>();
        foreach (int id in scratch.Touched.AsSpan(0, scratch.TouchedCount))
        {
            double partial = RecallOrder.Finish(scratch.Totals[id]);
            if (partial >= min)
                rows.Add(new RecallEntry(query.Members.BytesOf(id), partial));
        }
        complete = rows.Count == scratch.TouchedCount;
        return rows;
    }

    /// <summary>Whether no list's window holds a negative contribution (contributions follow the score, so its two ends tell).</summary>
    public static bool NonNegative(RecallQuery query)
    {
        Span<RankedMember> end = stackalloc RankedMember[1];
        foreach (var (list, weight) in query.Lists)
        {
            int window = Math.Min(query.Depth, list.Count);
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

    /// <summary>The membership test of one list's DEPTH window, by member id: its last entry bounds it.</summary>
    public readonly struct Window
    {
        private readonly IRecallList? _list;
        private readonly MemberTable? _members;
        private readonly RankedMember _last;
        private readonly bool _cut;

        public Window(IRecallList? list, MemberTable? members, int depth)
        {
            _list = list;
            _members = members;
            if (list is null || depth >= list.Count)
                return;
            Span<RankedMember> last = stackalloc RankedMember[1];
            list.CopyRanks(depth - 1, last);
            _last = last[0];
            _cut = true;
        }

        /// <summary>The member's score when it ranks within the window.</summary>
        public bool TryGetScore(int id, out double score)
        {
            score = 0;
            if (_list is null || id < 0 || !_list.TryGetScore(id, out score))
                return false;
            return !_cut || RecallOrder.Compare(_members!, score, id, _last.Score, _last.Id) <= 0;
        }
    }
}
