namespace Istore.Net.Server;

/// <summary>
/// Idle clients give back grown buffers, as Redis's clientsCron shrinks an idle client's query
/// buffer: a client that once sent or fetched a big value would otherwise keep that memory, and
/// have it counted against maxmemory and maxmemory-clients, for as long as it stays connected.
/// </summary>
internal sealed partial class EventLoop
{
    private const long IdleSweepIntervalMs = 1000;
    private const long IdleAfterMs = 2000;

    private long _lastIdleSweepMs = Environment.TickCount64;

    /// <summary>
    /// Gives back a connection's grown receive buffer once it is empty (see <see cref="Connection.ShrinkInputIfIdle"/>);
    /// the arguments last parsed from it point into it and would keep it alive until the next command.
    /// </summary>
    private void ShrinkInput(Connection c, bool idle = false)
    {
        var input = c.Input;
        c.ShrinkInputIfIdle(idle);
        if (c.Input != input && _args.Buffer == input)
            _args.Clear();
    }

    /// <summary>Once a second: every connection of this loop idle for two seconds drops its grown, empty buffers.</summary>
    private void ShrinkIdleBuffers()
    {
        long now = Environment.TickCount64;
        if (now - _lastIdleSweepMs < IdleSweepIntervalMs)
            return;
        _lastIdleSweepMs = now;
        foreach (var c in _connections.Values)
        {
            if (now - c.LastInteractionMs < IdleAfterMs || c.IsSuspended)
                continue;
            ShrinkInput(c, idle: true);
            c.Output.ShrinkIfEmpty();
        }
    }
}
