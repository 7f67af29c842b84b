namespace Istore.Node.Replication;

/// <summary>
/// Clients waiting for replicas to acknowledge an offset: WAIT, and semi-synchronous writes whose
/// replies are held. Each waiter finishes once (acknowledged or timed out) with the number of
/// replicas that have the offset. Checked on every acknowledgement and by the housekeeping timer.
/// </summary>
public sealed class AckWaiters(Func<long, int> acknowledged)
{
    private readonly object _lock = new();
    private readonly List<Waiter> _waiters = [];

    private sealed record Waiter(long Offset, int Needed, long DeadlineTicks, Action<int> Done);

    /// <summary>Calls <paramref name="done"/> (on the acknowledging thread) once <paramref name="needed"/> replicas have <paramref name="offset"/>, or at the deadline (0 = none).</summary>
    public void Add(long offset, int needed, long timeoutMs, Action<int> done)
    {
        lock (_lock)
        {
            int have = acknowledged(offset);
            if (have < needed)
            {
                _waiters.Add(new Waiter(offset, needed, timeoutMs == 0 ? long.MaxValue : Environment.TickCount64 + timeoutMs, done));
                return;
            }
        }
        done(acknowledged(offset));
    }

    /// <summary>Finishes the waiters that are satisfied or past their deadline.</summary>
    public void Check()
    {
        List<(Waiter, int)>? finished = null;
        long now = Environment.TickCount64;
        lock (_lock)
        {
            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                var waiter = _waiters[i];
                int have = acknowledged(waiter.Offset);
                if (have >= waiter.Needed || now >= waiter.DeadlineTicks)
                {
                    (finished ??= []).Add((waiter, have));
                    _waiters.RemoveAt(i);
                }
            }
        }
        if (finished is null)
            return;
        for (int i = finished.Count - 1; i >= 0; i--)
            finished[i].Item1.Done(finished[i].Item2);
    }
}
