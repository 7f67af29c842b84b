using Istore.Net.Commands;
using Istore.Node.Admin;

namespace Istore.Node.Commands;

/// <summary>
/// LATENCY HISTOGRAM [command …]: per command (a container's per subcommand, "client|id"), its
/// calls and the cumulative count at each non-empty bucket of <see cref="LatencyHistograms"/>,
/// summed over the event loops. Names that are no command are skipped, as Redis does.
/// </summary>
internal static class LatencyHistogramReply
{
    public static void Write(CommandContext c)
    {
        var all = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var loop in c.Node.Stats.Loops)
            loop.Latency.AddTo(all);
        var chosen = new List<(string Name, long[] Counts)>();
        if (c.Count == 2)
            chosen.AddRange(all.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => (pair.Key, pair.Value)));
        for (int i = 2; i < c.Count; i++)
            chosen.AddRange(Named(all, c.ArgString(i).ToLowerInvariant()));
        c.Output.WriteMapHeader(chosen.Count);
        foreach (var (name, counts) in chosen)
        {
            c.Output.WriteBulkString(name);
            c.Output.WriteMapHeader(2);
            c.Output.WriteBulkString("calls"u8);
            c.Output.WriteInteger(counts.Sum());
            c.Output.WriteBulkString("histogram_usec"u8);
            c.Output.WriteMapHeader(counts.Count(n => n > 0));
            long cumulative = 0;
            for (int b = 0; b < counts.Length; b++)
            {
                if (counts[b] == 0)
                    continue;
                cumulative += counts[b];
                c.Output.WriteInteger(LatencyHistograms.BucketMicros[b]);
                c.Output.WriteInteger(cumulative);
            }
        }
    }

    /// <summary>A command with figures, or a container's subcommands with figures, or one "container|sub".</summary>
    private static IEnumerable<(string, long[])> Named(Dictionary<string, long[]> all, string name)
    {
        int bar = name.IndexOf('|');
        var spec = CommandTable.Find(bar < 0 ? name : name[..bar]);
        if (spec is null || (bar >= 0 && !spec.IsContainer))
            return [];
        if (bar >= 0 || !spec.IsContainer)
            return all.TryGetValue(name, out var counts) ? [(name, counts)] : [];
        return all.Where(pair => pair.Key.StartsWith(name + "|", StringComparison.Ordinal))
            .OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => (pair.Key, pair.Value));
    }
}
