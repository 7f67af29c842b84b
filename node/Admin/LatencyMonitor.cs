namespace Istore.Node.Admin;

/// <summary>
/// LATENCY: per event ("command", "fast-command", "expire-cycle"…), the last 160 samples at or
/// above <see cref="ThresholdMs"/> (0 = off), one per second as in Redis (a later sample in the
/// same second keeps the larger), and the all-time maximum.
/// </summary>
public sealed class LatencyMonitor
{
    private const int HistoryLength = 160;

    private readonly Dictionary<string, EventHistory> _events = new(StringComparer.Ordinal);

    public long ThresholdMs;

    public sealed class EventHistory
    {
        public List<(long UnixSeconds, long Ms)> Samples { get; } = [];

        public long MaxMs { get; set; }
    }

    /// <summary>Records a sample when monitoring is on and it reaches the threshold.</summary>
    public void Sample(string evt, long ms)
    {
        long threshold = ThresholdMs;
        if (threshold == 0 || ms < threshold)
            return;
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        lock (_events)
        {
            if (!_events.TryGetValue(evt, out var history))
                _events[evt] = history = new EventHistory();
            history.MaxMs = Math.Max(history.MaxMs, ms);
            var samples = history.Samples;
            if (samples.Count > 0 && samples[^1].UnixSeconds == now)
            {
                samples[^1] = (now, Math.Max(samples[^1].Ms, ms));
                return;
            }
            samples.Add((now, ms));
            if (samples.Count > HistoryLength)
                samples.RemoveAt(0);
        }
    }

    /// <summary>A copy of every event's history, by event name.</summary>
    public SortedDictionary<string, (List<(long UnixSeconds, long Ms)> Samples, long MaxMs)> Snapshot()
    {
        lock (_events)
        {
            var copy = new SortedDictionary<string, (List<(long, long)>, long)>(StringComparer.Ordinal);
            foreach (var (name, history) in _events)
                copy[name] = ([.. history.Samples], history.MaxMs);
            return copy;
        }
    }

    /// <summary>Forgets the named events (all when none are named); returns how many existed.</summary>
    public int Reset(IReadOnlyCollection<string> names)
    {
        lock (_events)
        {
            if (names.Count == 0)
            {
                int all = _events.Count;
                _events.Clear();
                return all;
            }
            return names.Count(name => _events.Remove(name));
        }
    }
}
