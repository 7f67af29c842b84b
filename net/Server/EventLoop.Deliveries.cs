namespace Istore.Net.Server;

/// <summary>
/// Deliveries: work another connection's command (or another thread) hands to a connection on
/// this loop, such as serving a client blocked here or a pub/sub message; what it writes joins the
/// batch's replies.
/// </summary>
internal sealed unsafe partial class EventLoop
{
    /// <summary>Deliveries made on this loop's own thread (a write here served a client blocked here): they run at the batch's end, no wake-up needed.</summary>
    private readonly List<(Connection Connection, Action<Connection> Action)> _ownDeliveries = [];

    /// <summary>
    /// Runs <paramref name="action"/> for <paramref name="c"/> on this loop and sends what it wrote. From
    /// the loop's own thread it waits for the end of the batch, whose replies it then joins, as Redis
    /// serves blocked clients before its replies go out; from another thread it is posted.
    /// </summary>
    internal void Deliver(Connection c, Action<Connection> action)
    {
        if (Thread.CurrentThread == _thread)
            _ownDeliveries.Add((c, action));
        else
            Post(() => RunFor(c, action));
    }

    /// <summary>
    /// On the loop thread: runs the deliveries made on it so far. Each is taken off the list before
    /// it runs, since one may run commands (a resumed pipeline) that deliver more.
    /// </summary>
    private void RunOwnDeliveries()
    {
        while (_ownDeliveries.Count > 0)
        {
            var pending = _ownDeliveries.ToArray();
            _ownDeliveries.Clear();
            foreach (var (connection, action) in pending)
                RunFor(connection, action);
        }
    }

    /// <summary>
    /// On the loop thread, while <paramref name="c"/> runs a command: the deliveries made here for
    /// it so far go out now. Only its own: another connection's might resume that one's commands
    /// in the middle of this one's.
    /// </summary>
    internal void RunOwnDeliveries(Connection c)
    {
        if (Thread.CurrentThread != _thread)
            return;
        int kept = 0;
        List<Action<Connection>>? mine = null;
        for (int i = 0; i < _ownDeliveries.Count; i++)
        {
            if (_ownDeliveries[i].Connection == c)
                (mine ??= []).Add(_ownDeliveries[i].Action);
            else
                _ownDeliveries[kept++] = _ownDeliveries[i];
        }
        if (mine is null)
            return;
        _ownDeliveries.RemoveRange(kept, _ownDeliveries.Count - kept);
        foreach (var action in mine)
            RunFor(c, action);
    }

    /// <summary>On the loop thread: runs a delivery for a connection and queues what it wrote.</summary>
    private void RunFor(Connection c, Action<Connection> action)
    {
        if (c.IsClosed)
            return;
        action(c);
        QueueSend(c);
    }
}
