using System.Globalization;
using System.Text;
using Istore.Net.Commands;
using Istore.Node.Hosting;

namespace Istore.Node.Admin;

/// <summary>INFO commandstats and errorstats: the loops' <see cref="LoopStats"/> summed, in Redis's format.</summary>
internal static class CommandStatsInfo
{
    public static void Append(StringBuilder text, NodeServer node, bool commands)
    {
        var loops = node.Stats.Loops;
        if (!commands)
        {
            var errors = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var loop in loops)
                loop.AddErrorsTo(errors);
            foreach (var (code, count) in errors.OrderBy(e => e.Key, StringComparer.Ordinal))
                text.Append("errorstat_").Append(code).Append(":count=").Append(count).Append("\r\n");
            return;
        }
        var subcommands = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var loop in loops)
            loop.AddSubcommandsTo(subcommands);
        foreach (var spec in CommandTable.All.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            int i = spec.Index;
            long calls = 0, ticks = 0, rejected = 0, failed = 0;
            foreach (var loop in loops)
            {
                calls += loop.Calls[i];
                ticks += loop.Ticks[i];
                rejected += loop.Rejected[i];
                failed += loop.Failed[i];
            }
            // As Redis: a container's calls show under their subcommands; the container keeps what named none.
            string name = spec.Name.ToLowerInvariant();
            var named = spec.IsContainer
                ? subcommands.Where(s => s.Key.StartsWith(name + "|", StringComparison.Ordinal)).OrderBy(s => s.Key, StringComparer.Ordinal).ToList()
                : [];
            foreach (var (_, counts) in named)
            {
                calls -= counts[0];
                ticks -= counts[1];
                failed -= counts[2];
            }
            if (calls != 0 || rejected != 0 || failed != 0)
                AppendLine(text, name, calls, ticks, rejected, failed);
            foreach (var (sub, counts) in named)
                AppendLine(text, sub, counts[0], counts[1], 0, counts[2]);
        }
    }

    private static void AppendLine(StringBuilder text, string name, long calls, long ticks, long rejected, long failed)
    {
        long usec = Diagnostics.TicksToMicros(ticks);
        double perCall = calls == 0 ? 0 : (double)usec / calls;
        text.Append("cmdstat_").Append(name)
            .Append(":calls=").Append(calls)
            .Append(",usec=").Append(usec)
            .Append(",usec_per_call=").Append(perCall.ToString("F2", CultureInfo.InvariantCulture))
            .Append(",rejected_calls=").Append(rejected)
            .Append(",failed_calls=").Append(failed).Append("\r\n");
    }
}
