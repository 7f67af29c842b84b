namespace Istore.Ranklist;

/// <summary>
/// The exact top-k of a weighted merge of ranked lists. Two strategies give the same answer: the
/// threshold algorithm (<see cref="ThresholdRecall"/>), which can stop long before the end of the
/// lists but pays a lookup in every list for each member it reads, and the full merge
/// (<see cref="DenseMerge"/>), one array add per window entry. <see cref="RecallStrategy.Auto"/>
/// chooses up front: when the windows are large enough for it to matter, the threshold algorithm
/// reads <c>count</c> rows, which proves a row by which it will certainly stop; it goes on only if
/// reading that far costs less than the merge, so at most that short probe is ever wasted.
/// </summary>
public static class Recall
{
    /// <summary>A random access (hash lookup, likely a cache miss) in units of one merged entry (a sequential read and an array add).</summary>
    private const double RandomAccessCost = 8;

    /// <summary>The probe is only worth it while it costs under a tenth of the merge.</summary>
    private const double ProbeShare = 0.1;

    public static List<RecallEntry> TopK(RecallQuery query)
    {
        var exclusions = query.Exclusions ?? [];
        var (mergeCost, rowCost, probeRows) = Costs(query);
        if (MergesUpFront(query, mergeCost, rowCost, probeRows))
            return DenseMerge.TopK(query, exclusions);
        var threshold = new ThresholdRecall(query, exclusions);
        if (query.Strategy == RecallStrategy.Threshold)
        {
            threshold.Run(int.MaxValue);
            return threshold.Result();
        }
        if (threshold.Run(probeRows))
            return threshold.Result();
        int? stopRow = threshold.StopRowBound();
        if (stopRow is null || (stopRow.Value - threshold.Rows) * rowCost > mergeCost)
            return DenseMerge.TopK(query, exclusions);
        threshold.Run(int.MaxValue);
        return threshold.Result();
    }

    /// <summary>Whether <see cref="TopK"/> goes straight to the full merge, without a threshold probe.</summary>
    internal static bool MergesUpFront(RecallQuery query)
    {
        var (mergeCost, rowCost, probeRows) = Costs(query);
        return MergesUpFront(query, mergeCost, rowCost, probeRows);
    }

    private static bool MergesUpFront(RecallQuery query, double mergeCost, double rowCost, int probeRows) =>
        query.Strategy == RecallStrategy.Merge || (query.Strategy == RecallStrategy.Auto && probeRows * rowCost > ProbeShare * mergeCost);

    private static (double Merge, double Row, int ProbeRows) Costs(RecallQuery query)
    {
        int lists = query.Lists.Count;
        double mergeCost = 0;
        int longestWindow = 0;
        foreach (var (list, _) in query.Lists)
        {
            int window = Math.Min(query.Depth, list.Count);
            mergeCost += window;
            longestWindow = Math.Max(longestWindow, window);
        }
        double rowCost = lists * (1 + lists * RandomAccessCost);   // sorted reads, then each new member looked up in every list
        return (mergeCost, rowCost, Math.Min(query.Count, longestWindow));
    }

    internal static bool IsExcluded(IReadOnlyList<IRecallExclusion> exclusions, MemberTable members, int id)
    {
        foreach (var exclusion in exclusions)
            if (exclusion.Contains(members, id))
                return true;
        return false;
    }
}
