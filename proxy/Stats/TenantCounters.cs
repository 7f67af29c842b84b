using Istore.Net.Commands;

namespace Istore.Proxy.Stats;

/// <summary>One tenant's counters on one event loop (only that loop writes them).</summary>
internal sealed class TenantCounters
{
    /// <summary>Indexed by <see cref="CommandSpec.Index"/>; the last entry counts unknown commands.</summary>
    private readonly CommandCounters?[] _byCommand = new CommandCounters?[CommandTable.All.Count + 1];

    public long BytesIn;
    public long BytesOut;

    /// <summary>Commands refused by the QPS limit.</summary>
    public long Rejected;

    public CommandCounters For(CommandSpec? spec)
    {
        int index = spec?.Index ?? CommandTable.All.Count;
        return _byCommand[index] ??= new CommandCounters();
    }

    /// <summary>The counters of commands seen so far, with their names ("unknown" for names not in the table).</summary>
    public IEnumerable<(string Name, CommandCounters Counters)> Commands()
    {
        for (int i = 0; i < _byCommand.Length; i++)
            if (Volatile.Read(ref _byCommand[i]) is { } counters)
                yield return (i < CommandTable.All.Count ? CommandTable.All[i].Name.ToLowerInvariant() : "unknown", counters);
    }
}

internal sealed class CommandCounters
{
    public long Calls;
    public long Errors;
    public readonly LatencyHistogram Latency = new();
}
