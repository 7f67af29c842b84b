namespace Istore.Proxy.Takeover;

/// <summary>A client connection that left its loop: the descriptor (owned by the takeover now) and its state.</summary>
internal sealed record MovedClient(int Fd, ClientRecord Record);

/// <summary>
/// Where the loops put clients that left them during a takeover, for the control thread to send
/// in batches. If the takeover fails, <see cref="Cancel"/> gives every client not yet sent (and
/// any that leaves a loop later) back to this process through <c>readopt</c>.
/// </summary>
internal sealed class HandOverSink(Action<MovedClient> readopt)
{
    private readonly object _lock = new();
    private readonly Queue<MovedClient> _queue = new();
    private bool _cancelled;

    /// <summary>From a loop thread.</summary>
    public void Add(MovedClient client)
    {
        lock (_lock)
        {
            if (!_cancelled)
            {
                _queue.Enqueue(client);
                Monitor.PulseAll(_lock);
                return;
            }
        }
        readopt(client);
    }

    /// <summary>Up to <paramref name="max"/> clients, waiting at most <paramref name="wait"/> for the first.</summary>
    public List<MovedClient> Take(int max, TimeSpan wait)
    {
        lock (_lock)
        {
            if (_queue.Count == 0)
                Monitor.Wait(_lock, wait);
            var batch = new List<MovedClient>(Math.Min(max, _queue.Count));
            while (batch.Count < max && _queue.TryDequeue(out var client))
                batch.Add(client);
            return batch;
        }
    }

    public int Count
    {
        get
        {
            lock (_lock)
                return _queue.Count;
        }
    }

    public void Cancel()
    {
        List<MovedClient> left;
        lock (_lock)
        {
            _cancelled = true;
            left = [.. _queue];
            _queue.Clear();
        }
        foreach (var client in left)
            readopt(client);
    }
}
