using Istore.Net.Commands;

namespace Istore.Node.Admin;

/// <summary>
/// One event loop's command statistics (INFO commandstats, errorstats, stats). Only the loop's own
/// thread writes them, so counting costs no lock and no shared cache line; INFO sums the loops'
/// figures (a torn read can only be one command behind).
/// </summary>
public sealed class LoopStats
{
    public readonly long[] Calls = new long[CommandTable.All.Count];
    public readonly long[] Ticks = new long[CommandTable.All.Count];
    public readonly long[] Rejected = new long[CommandTable.All.Count];
    public readonly long[] Failed = new long[CommandTable.All.Count];

    /// <summary>LATENCY HISTOGRAM's per-command figures.</summary>
    public readonly LatencyHistograms Latency = new();

    /// <summary>Commands refused before they ran that have no table row (unknown names).</summary>
    public long RejectedUnknown;

    /// <summary>A container's calls by subcommand ("xgroup|createconsumer"): calls, ticks, failed. Rare, so a lock is fine.</summary>
    private readonly Dictionary<string, long[]> _subcommands = new(StringComparer.Ordinal);

    /// <summary>A container's call that named a subcommand (it counts for the container too, in the totals).</summary>
    public void CountSubcommand(string fullName, long ticks, bool failed)
    {
        lock (_subcommands)
        {
            if (!_subcommands.TryGetValue(fullName, out var counts))
                _subcommands[fullName] = counts = new long[3];
            counts[0]++;
            counts[1] += ticks;
            if (failed)
                counts[2]++;
        }
    }

    public void AddSubcommandsTo(Dictionary<string, long[]> into)
    {
        lock (_subcommands)
            foreach (var (name, counts) in _subcommands)
            {
                if (!into.TryGetValue(name, out var sum))
                    into[name] = sum = new long[3];
                for (int i = 0; i < 3; i++)
                    sum[i] += counts[i];
            }
    }

    /// <summary>Error replies by their first word (ERR, WRONGTYPE…). Error paths only, so a lock is fine.</summary>
    private readonly Dictionary<string, long> _errors = new(StringComparer.Ordinal);

    public void CountError(ReadOnlySpan<byte> reply)
    {
        // reply is "-CODE rest…": the code ends at the first space or CR.
        int end = reply.IndexOfAny((byte)' ', (byte)'\r');
        var code = System.Text.Encoding.ASCII.GetString(reply[1..(end < 0 ? reply.Length : end)]);
        lock (_errors)
            _errors[code] = _errors.GetValueOrDefault(code) + 1;
    }

    public void AddErrorsTo(Dictionary<string, long> into)
    {
        lock (_errors)
            foreach (var (code, count) in _errors)
                into[code] = into.GetValueOrDefault(code) + count;
    }

    public void Reset()
    {
        Array.Clear(Calls);
        Array.Clear(Ticks);
        Array.Clear(Rejected);
        Array.Clear(Failed);
        RejectedUnknown = 0;
        Latency.Reset();
        lock (_subcommands)
            _subcommands.Clear();
        lock (_errors)
            _errors.Clear();
    }
}
