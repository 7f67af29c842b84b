namespace Istore.Ha.Admin;

/// <summary>Every mutation through the admin API (who, what, when, result), the last 1,000 kept.</summary>
public sealed class EventLog
{
    private const int Kept = 1000;

    private readonly Lock _lock = new();
    private readonly Queue<AdminEvent> _events = new();
    private long _nextId;

    public AdminEvent Record(string who, string what, string result, bool ok)
    {
        lock (_lock)
        {
            var e = new AdminEvent(++_nextId, DateTimeOffset.UtcNow, who, what, result, ok);
            _events.Enqueue(e);
            if (_events.Count > Kept)
                _events.Dequeue();
            return e;
        }
    }

    public List<AdminEvent> All()
    {
        lock (_lock)
            return [.. _events];
    }
}
