namespace Istore.Ranklist;

/// <summary>
/// The full merge: every DEPTH window is read once, in chunks, and each entry's contribution is
/// added (or maxed) into a dense per-id cell — an array access instead of a hash operation. Lists
/// are taken in query order, so each member's total is summed in the same order as the oracle's.
/// The top count is then chosen from the touched cells; exclusions are tested only for candidates
/// that would enter the heap.
/// </summary>
internal static class DenseMerge
{
    public static List<RecallEntry> TopK(RecallQuery query, IReadOnlyList<IRecallExclusion> exclusions)
    {
        var scratch = query.Members.Scratch();
        int stamp = scratch.Begin();
        foreach (var (list, weight) in query.Lists)
            Accumulate(scratch, stamp, list, weight, Math.Min(query.Depth, list.Count), query.Aggregate == RecallAggregate.Sum);
        return Select(query, scratch, stamp, exclusions);
    }

    private static void Accumulate(RecallScratch scratch, int stamp, IRecallList list, double weight, int window, bool sum)
    {
        var cells = scratch.Cells;
        for (int first = 0; first < window; first += RecallScratch.ChunkSize)
        {
            var chunk = scratch.Chunk.AsSpan(0, Math.Min(RecallScratch.ChunkSize, window - first));
            list.CopyRanks(first, chunk);
            foreach (var entry in chunk)
            {
                double contribution = RecallOrder.Contribution(weight, entry.Score);
                ref var cell = ref cells[entry.Id];
                if (cell.Stamp != stamp)
                {
                    cell.Stamp = stamp;
                    cell.Total = sum ? 0 + contribution : contribution;
                    scratch.Touch(entry.Id);
                }
                else
                {
                    cell.Total = sum ? cell.Total + contribution : Math.Max(cell.Total, contribution);
                }
            }
        }
    }

    /// <summary>Walks the touched ids, or every cell in id order when most are touched (sequential beats scattered reads).</summary>
    private static List<RecallEntry> Select(RecallQuery query, RecallScratch scratch, int stamp, IReadOnlyList<IRecallExclusion> exclusions)
    {
        var heap = new TopHeap(query.Members, query.Count);
        var cells = scratch.Cells;
        int limit = query.Members.IdLimit;
        if (scratch.TouchedCount * 4 > limit)
        {
            for (int id = 0; id < limit; id++)
                if (cells[id].Stamp == stamp)
                    Offer(query.Members, heap, id, RecallOrder.Finish(cells[id].Total), exclusions);
        }
        else
        {
            foreach (int id in scratch.Touched.AsSpan(0, scratch.TouchedCount))
                Offer(query.Members, heap, id, RecallOrder.Finish(cells[id].Total), exclusions);
        }
        return heap.Drain();
    }

    public static void Offer(MemberTable members, TopHeap heap, int id, double score, IReadOnlyList<IRecallExclusion> exclusions)
    {
        if (heap.IsFull && score < heap.WorstScore)
            return;
        if (heap.Admits(score, id) && !Recall.IsExcluded(exclusions, members.MemberOf(id)))
            heap.Add(score, id);
    }
}
