using Istore.Net.Commands;
using Istore.Net.Server;

namespace Istore.Node.Hosting;

/// <summary>
/// CLIENT PAUSE timeout [WRITE|ALL] and CLIENT UNPAUSE, Redis's semantics: until the pause ends,
/// the commands it covers wait (the client's connection stops, its command runs again when the
/// pause ends) while the others run. HA's planned switchover pauses writes so a replica can
/// catch up with a master that no longer moves.
/// </summary>
internal sealed class ClientPause : IDisposable
{
    private readonly Lock _lock = new();
    private readonly List<Connection> _waiting = [];
    private readonly Timer _timer;
    private long _untilMs;
    private bool _all;

    public ClientPause() => _timer = new Timer(_ => EndIfDue());

    /// <summary>
    /// On the loop thread: if <paramref name="spec"/> must wait now, the connection's current
    /// command waits for the end of the pause (true). One volatile read when no pause is on.
    /// </summary>
    public bool TryHold(CommandSpec spec, Connection connection) => Volatile.Read(ref _untilMs) != 0 && Hold(connection, spec);

    /// <summary>
    /// Holds the command whatever the mode while a pause is on: a command a shard guard refuses
    /// waits out HA's cut-over pause, by whose end the proxies route by the table that moves its key.
    /// </summary>
    public bool TryHoldAny(Connection connection) => Volatile.Read(ref _untilMs) != 0 && Hold(connection, null);

    /// <param name="spec">The command, for WRITE mode; null: held in any mode.</param>
    private bool Hold(Connection connection, CommandSpec? spec)
    {
        lock (_lock)
        {
            if (_untilMs == 0 || Environment.TickCount64 >= _untilMs)
                return false;
            // WRITE mode: what changes the dataset or the stream (EXEC, PUBLISH and scripts may), as Redis pauses them.
            if (spec is not null && !_all && (spec.Flags & CommandFlags.Write) == 0 && spec.Name is not ("EXEC" or "PUBLISH" or "SPUBLISH" or "EVAL" or "EVALSHA" or "FCALL"))
                return false;
            _waiting.Add(connection);
            connection.SuspendToRetry();
            return true;
        }
    }

    /// <summary>Starts a pause or extends it; ALL stays ALL until the pause ends.</summary>
    public void Pause(long milliseconds, bool all)
    {
        lock (_lock)
        {
            long until = Environment.TickCount64 + milliseconds;
            _all = _all && _untilMs != 0 || all;
            _untilMs = Math.Max(_untilMs, until);
            _timer.Change(Math.Max(1, _untilMs - Environment.TickCount64), Timeout.Infinite);
        }
    }

    public void Unpause()
    {
        Connection[] waiting;
        lock (_lock)
        {
            _untilMs = 0;
            _all = false;
            waiting = [.. _waiting];
            _waiting.Clear();
        }
        foreach (var connection in waiting)
            connection.Resume();
    }

    private void EndIfDue()
    {
        bool due;
        lock (_lock)
            due = _untilMs != 0 && Environment.TickCount64 >= _untilMs;
        if (due)
            Unpause();
        else if (Volatile.Read(ref _untilMs) != 0)
            lock (_lock)
                _timer.Change(Math.Max(1, _untilMs - Environment.TickCount64), Timeout.Infinite);
    }

    public void Dispose() => _timer.Dispose();
}
