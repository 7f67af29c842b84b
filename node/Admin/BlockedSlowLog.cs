using System.Diagnostics;
using Istore.Net.Resp;
using Istore.Node.Commands;

namespace Istore.Node.Admin;

/// <summary>
/// A blocked command's SLOWLOG entry, held until it is answered: as Redis (blocked.c
/// updateStatsOnUnblock), a blocking command is logged once, when it is served or gives up, for
/// the time it ran before blocking plus the time serving it took — never the time it waited.
/// </summary>
public sealed class BlockedSlowLog
{
    private readonly SlowLog _log;
    private readonly byte[][] _args;
    private readonly string _address;
    private readonly string? _name;
    private readonly long _ranTicks;

    private BlockedSlowLog(CommandContext c)
    {
        _log = c.Node.Diagnostics.SlowLog;
        _args = Enumerable.Range(0, c.Count).Select(c.Args.ToArray).ToArray();   // the receive buffer is reused while it waits
        _address = c.Connection.RemoteAddress;
        _name = c.Client.Name;
        _ranTicks = Stopwatch.GetTimestamp() - c.StartedTicks;
    }

    /// <summary>The pending entry of the command <paramref name="c"/> that is about to block; null while the slow log is off.</summary>
    public static BlockedSlowLog? For(CommandContext c) => c.Node.Diagnostics.SlowLog.SlowerThanMicros < 0 ? null : new(c);

    /// <summary>The command got its answer; serving it took <paramref name="serveTicks"/> (0 for a timeout).</summary>
    public void Answered(long serveTicks)
    {
        long micros = Diagnostics.TicksToMicros(_ranTicks + serveTicks);
        if (_log.SlowerThanMicros < 0 || micros < _log.SlowerThanMicros)
            return;
        var args = new CommandArgs();
        args.SetFrom(_args);
        _log.Add(args, micros, _address, _name, static _ => false);
    }
}
