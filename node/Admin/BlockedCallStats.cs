using Istore.Net.Commands;

namespace Istore.Node.Admin;

/// <summary>
/// A blocked command's INFO commandstats and LATENCY HISTOGRAM entry, counted once, when it is
/// answered, as Redis's updateStatsOnUnblock: for the time it ran before blocking plus the time
/// serving it took, never the wait; an error reply counts as a failed call and in total_error_replies.
/// </summary>
public sealed class BlockedCallStats(LoopStats stats, CommandSpec spec, long ranTicks, Hosting.NodeStats totals)
{
    /// <summary>Runs on the client's own loop (the stats are that loop's), with the reply just written.</summary>
    public void Answered(long serveTicks, ReadOnlySpan<byte> reply)
    {
        long ticks = ranTicks + serveTicks;
        stats.Calls[spec.Index]++;
        stats.Ticks[spec.Index] += ticks;
        stats.Latency.Record(spec, ticks);
        if (reply.Length > 0 && reply[0] == (byte)'-')
        {
            stats.Failed[spec.Index]++;
            stats.CountError(reply);
            Interlocked.Increment(ref totals.ErrorReplies);
        }
    }
}
