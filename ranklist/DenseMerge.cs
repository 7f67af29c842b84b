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
    public static List<RecallEntry> TopK(RecallQuery query, IReadOnlyList<IRecallExclusion> exclusions) =>
        Select(query, Merge(query), exclusions);

    /// <summary>Every window added into the scratch's totals; the members seen are its touched ids.</summary>
    public static RecallScratch Merge(RecallQuery query)
    {
        var scratch = query.Scratch();
        foreach (var (list, weight) in query.Lists)
            Accumulate(scratch, list, weight, Math.Min(query.Depth, list.Count), query.Aggregate == RecallAggregate.Sum);
        return scratch;
    }

    /// <summary>
    /// Adds one window into the totals without a branch on whether an id is new: on spread data
    /// that is a coin flip, and each mispredicted jump also drops the scattered reads in flight.
    /// </summary>
    private static void Accumulate(RecallScratch scratch, IRecallList list, double weight, int window, bool sum)
    {
        var totals = scratch.Totals;
        var seen = scratch.Seen;
        long identity = BitConverter.DoubleToInt64Bits(sum ? 0.0 : double.NegativeInfinity);
        for (int first = 0; first < window; first += RecallScratch.ChunkSize)
        {
            var chunk = scratch.Chunk.AsSpan(0, Math.Min(RecallScratch.ChunkSize, window - first));
            list.CopyRanks(first, chunk);
            var touched = scratch.ReserveTouched(chunk.Length);
            int count = scratch.TouchedCount;
            foreach (var entry in chunk)
            {
                int id = entry.Id;
                double contribution = RecallOrder.Contribution(weight, entry.Score);
                ref ulong word = ref seen[id >> 6];
                ulong bit = 1UL << id;
                long fresh = (long)((word & bit) == 0 ? 1UL : 0UL);
                word |= bit;
                touched[count] = id;
                count += (int)fresh;
                ref double total = ref totals[id];
                // A first sight starts from the aggregate's identity, chosen by masking instead of a jump.
                long keep = fresh - 1;   // 0 when fresh, all ones when seen
                double start = BitConverter.Int64BitsToDouble((BitConverter.DoubleToInt64Bits(total) & keep) | (identity & ~keep));
                total = sum ? start + contribution : Math.Max(start, contribution);
            }
            scratch.TouchedCount = count;
        }
    }

    /// <summary>The top count of a finished merge (<see cref="Merge"/>'s scratch).</summary>
    public static List<RecallEntry> Select(RecallQuery query, RecallScratch scratch, IReadOnlyList<IRecallExclusion> exclusions)
    {
        var heap = new TopHeap(query.Members, query.Count);
        var totals = scratch.Totals;
        if (scratch.MostlySeen)
        {
            var seen = scratch.Seen;
            for (int w = 0; w < scratch.SeenWords; w++)
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
        if (heap.Admits(score, id) && !Recall.IsExcluded(exclusions, members, id))
            heap.Add(score, id);
    }
}
