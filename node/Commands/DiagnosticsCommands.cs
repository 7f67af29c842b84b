using System.Text;
using Istore.Node.Admin;

namespace Istore.Node.Commands;

/// <summary>SLOWLOG GET|LEN|RESET|HELP and LATENCY LATEST|HISTORY|GRAPH|RESET|DOCTOR|HISTOGRAM|HELP, over <see cref="Diagnostics"/>.</summary>
internal static class DiagnosticsCommands
{
    public static void Register(HandlerTable t)
    {
        t.Add("SLOWLOG", SlowLogCommand);
        t.Add("MONITOR", Monitor);
        t.Add("LATENCY", Latency);
        t.Add("MEMORY", MemoryCommand.Execute);
        t.Add("LOLWUT", LolwutCommand.Execute);
        t.Add("CLUSTER", ClusterCommand.Execute);
    }

    private static readonly string[] SlowLogHelp =
    [
        "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "GET [<count>]",
        "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
        "    Entries are made of:",
        "    id, timestamp, time in microseconds, arguments array, client IP and port,",
        "    client name",
        "LEN",
        "    Return the length of the slowlog.",
        "RESET",
        "    Reset the slowlog.",
        "HELP",
        "    Prints this help.",
    ];

    /// <summary>MONITOR: from now on this client receives every command run (see <see cref="Admin.Monitors"/>); a second MONITOR is ignored.</summary>
    private static void Monitor(CommandContext c)
    {
        if (c.Client.InTransaction)
        {
            c.Output.WriteError("ERR MONITOR isn't allowed for DENY BLOCKING client");
            return;
        }
        if (c.Client.Monitoring)
            return;
        c.Client.Monitoring = true;
        c.Node.Monitors.Add(c.Connection);
        c.Output.WriteOk();
    }

    private static void SlowLogCommand(CommandContext c)
    {
        var log = c.Node.Diagnostics.SlowLog;
        if (c.ArgIs(1, "HELP"u8))
            HelpReply.Write(c, "slowlog", SlowLogHelp);
        else if (c.ArgIs(1, "LEN"u8) && c.Count == 2)
            c.Output.WriteInteger(log.Count);
        else if (c.ArgIs(1, "RESET"u8) && c.Count == 2)
        {
            log.Reset();
            c.Output.WriteOk();
        }
        else if (c.ArgIs(1, "GET"u8) && c.Count > 3)
        {
            c.Output.WriteError($"ERR unknown subcommand or wrong number of arguments for '{CommandErrors.Truncate(c.ArgString(1))}'. Try SLOWLOG HELP.");
        }
        else if (c.ArgIs(1, "GET"u8))
        {
            long count = 10;
            if (c.Count == 3 && (!RedisNumber.TryParseInt64(c.Arg(2), out count) || count < -1))
            {
                c.Output.WriteError("ERR count should be greater than or equal to -1");
                return;
            }
            var entries = log.Newest(count);
            c.Output.WriteArrayHeader(entries.Count);
            foreach (var entry in entries)
            {
                c.Output.WriteArrayHeader(6);
                c.Output.WriteInteger(entry.Id);
                c.Output.WriteInteger(entry.UnixSeconds);
                c.Output.WriteInteger(entry.Micros);
                c.Output.WriteArrayHeader(entry.Args.Length);
                foreach (var arg in entry.Args)
                    c.Output.WriteBulkString(arg);
                c.Output.WriteBulkString(entry.Address);
                c.Output.WriteBulkString(entry.Name);
            }
        }
        else if (c.ArgIs(1, "LEN"u8) || c.ArgIs(1, "RESET"u8))
            c.Output.WriteError(CommandErrors.WrongArgs("slowlog|" + c.ArgString(1)));
        else
            c.Output.WriteError(CommandErrors.UnknownSubcommand("slowlog", c.ArgString(1)));
    }

    private static readonly string[] LatencyHelp =
    [
        "LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "DOCTOR",
        "    Return a human readable latency analysis report.",
        "GRAPH <event>",
        "    Return an ASCII latency graph for the <event> class.",
        "HISTORY <event>",
        "    Return time-latency samples for the <event> class.",
        "LATEST",
        "    Return the latest latency samples for all events.",
        "RESET [<event> ...]",
        "    Reset latency data of one or more <event> classes.",
        "    (default: reset all data for all event classes)",
        "HISTOGRAM [COMMAND ...]",
        "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
        "    If no commands are specified then all histograms are replied.",
        "HELP",
        "    Prints this help.",
    ];

    private static void Latency(CommandContext c)
    {
        var monitor = c.Node.Diagnostics.Latency;
        if (c.ArgIs(1, "HELP"u8))
        {
            HelpReply.Write(c, "latency", LatencyHelp);
        }
        else if (c.ArgIs(1, "LATEST"u8) && c.Count == 2)
        {
            var events = monitor.Snapshot();
            c.Output.WriteArrayHeader(events.Count);
            foreach (var (name, (samples, max)) in events)
            {
                c.Output.WriteArrayHeader(4);
                c.Output.WriteBulkString(name);
                c.Output.WriteInteger(samples[^1].UnixSeconds);
                c.Output.WriteInteger(samples[^1].Ms);
                c.Output.WriteInteger(max);
            }
        }
        else if (c.ArgIs(1, "HISTORY"u8) && c.Count == 3)
        {
            var samples = monitor.Snapshot().GetValueOrDefault(c.ArgString(2)).Samples ?? [];
            c.Output.WriteArrayHeader(samples.Count);
            foreach (var (time, ms) in samples)
            {
                c.Output.WriteArrayHeader(2);
                c.Output.WriteInteger(time);
                c.Output.WriteInteger(ms);
            }
        }
        else if (c.ArgIs(1, "GRAPH"u8) && c.Count == 3)
        {
            var name = c.ArgString(2);
            if (!monitor.Snapshot().TryGetValue(name, out var history))
                c.Output.WriteError($"ERR No samples available for event '{CommandErrors.Truncate(name)}'");
            else
                c.Output.WriteVerbatimText(Graph(name, history.Samples, history.MaxMs));
        }
        else if (c.ArgIs(1, "RESET"u8))
        {
            var names = new List<string>();
            for (int i = 2; i < c.Count; i++)
                names.Add(c.ArgString(i));
            c.Output.WriteInteger(monitor.Reset(names));
        }
        else if (c.ArgIs(1, "HISTOGRAM"u8))
        {
            LatencyHistogramReply.Write(c);
        }
        else if (c.ArgIs(1, "DOCTOR"u8) && c.Count == 2)
        {
            c.Output.WriteVerbatimText(Doctor(c.Node.Diagnostics));
        }
        else if (c.ArgIs(1, "LATEST"u8) || c.ArgIs(1, "HISTORY"u8) || c.ArgIs(1, "GRAPH"u8) || c.ArgIs(1, "DOCTOR"u8))
        {
            c.Output.WriteError(CommandErrors.WrongArgs("latency|" + c.ArgString(1)));
        }
        else
        {
            c.Output.WriteError(CommandErrors.UnknownSubcommand("latency", c.ArgString(1)));
        }
    }

    /// <summary>One column per sample, its height proportional to the sample over the event's maximum.</summary>
    private static string Graph(string name, List<(long UnixSeconds, long Ms)> samples, long max)
    {
        const int Rows = 8;
        var text = new StringBuilder();
        text.Append(name).Append(" - high ").Append(max).Append(" ms, low ").Append(samples.Min(s => s.Ms)).Append(" ms (all time high ").Append(max).Append(" ms)\n");
        text.Append(new string('-', Math.Max(samples.Count, 20))).Append('\n');
        for (int row = Rows; row > 0; row--)
        {
            foreach (var (_, ms) in samples)
                text.Append(ms * Rows >= row * Math.Max(max, 1) ? '#' : ' ');
            text.Append('\n');
        }
        return text.ToString();
    }

    private static string Doctor(Diagnostics diagnostics)
    {
        var events = diagnostics.Latency.Snapshot();
        if (diagnostics.Latency.ThresholdMs == 0)
            return "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this istore instance. "
                + "You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it.\n";
        if (events.Count == 0)
            return "Dave, no latency spike was observed during the lifetime of this istore instance, not in the slightest bit.\n";
        var text = new StringBuilder("Dave, I have observed latency spikes in this istore instance:\n\n");
        int n = 1;
        foreach (var (name, (samples, max)) in events)
        {
            double average = samples.Average(s => s.Ms);
            text.Append(n++).Append(". ").Append(name).Append(": ").Append(samples.Count)
                .Append(" latency spikes (average ").Append((long)average).Append("ms, worst all time ").Append(max).Append("ms).\n");
        }
        text.Append("\nI have a few advices for you:\n\n- Check SLOWLOG GET for the commands that took longest; a large key (HGETALL, SMEMBERS, LRANGE of a long list) is the usual cause.\n");
        return text.ToString();
    }
}
