using System.Numerics;

namespace Istore.Ranklist;

/// <summary>
/// The full merge: every DEPTH window is read once, in chunks, and each entry's contribution is
/// added (or maxed) into a dense per-id total — an array access instead of a hash operation. Lists
/// are taken in query order, so each member's total is summed in the same order as the oracle's.
/// The top count is then chosen from the seen ids; exclusions are tested only for candidates
/// that would enter the heap.
/// </summary>
internal static class DenseMerge
{
    public static List<RecallEntry> TopK(RecallQuery query, IReadOnlyList<IRecallExclusion> exclusions)
    {
        var scratch = query.Members.Scratch();
        foreach (var (list, weight) in query.Lists)
            Accumulate(scratch, list, weight, Math.Min(query.Depth, list.Count), query.Aggregate == RecallAggregate.Sum);
        return Select(query, scratch, exclusions);
    }

    private static void Accumulate(RecallScratch scratch, IRecallList list, double weight, int window, bool sum)
    {
        var totals = scratch.Totals;
        for (int first = 0; first < window; first += RecallScratch.ChunkSize)
        {
            var chunk = scratch.Chunk.AsSpan(0, Math.Min(RecallScratch.ChunkSize, window - first));
            list.CopyRanks(first, chunk);
            foreach (var entry in chunk)
            {
                double contribution = RecallOrder.Contribution(weight, entry.Score);
                ref double total = ref totals[entry.Id];
                if (scratch.MarkSeen(entry.Id))
                    total = sum ? 0 + contribution : contribution;   // a first sight writes without reading the stale total
                else
                    total = sum ? total + contribution : Math.Max(total, contribution);
            }
        }
    }

    private static List<RecallEntry> Select(RecallQuery query, RecallScratch scratch, IReadOnlyList<IRecallExclusion> exclusions)
    {
        var heap = new TopHeap(query.Members, query.Count);
        var totals = scratch.Totals;
        if (scratch.MostlySeen)
        {
            var seen = scratch.Seen;
            for (int w = 0; w < seen.Length; w++)
                for (ulong bits = seen[w]; bits != 0; bits &= bits - 1)
                {
                    int id = w * 64 + BitOperations.TrailingZeroCount(bits);
                    Offer(query.Members, heap, id, RecallOrder.Finish(totals[id]), exclusions);
                }
        }
        else
        {
            foreach (int id in scratch.Touched.AsSpan(0, scratch.TouchedCount))
                Offer(query.Members, heap, id, RecallOrder.Finish(totals[id]), exclusions);
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
