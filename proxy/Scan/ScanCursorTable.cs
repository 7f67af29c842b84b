namespace Istore.Proxy.Scan;

/// <summary>Where a SCAN stopped on a shard, for a backend cursor too large to carry in the client's cursor.</summary>
internal sealed record ScanPosition(string Tenant, int Shard, int Shards, ulong BackendCursor);

/// <summary>
/// Positions behind SCAN tickets, shared by every event loop. The newest ~100,000 are remembered
/// in two generations (as the disk engine keeps its cursors); tickets start at a random number so
/// that one from before a restart is very unlikely to name a new position.
/// </summary>
internal sealed class ScanCursorTable
{
    private const int GenerationSize = 50_000;
    private readonly Lock _lock = new();
    private Dictionary<ulong, ScanPosition> _current = [];
    private Dictionary<ulong, ScanPosition> _previous = [];
    private ulong _next = (ulong)Random.Shared.NextInt64(1, 1L << 40);

    public ulong Issue(ScanPosition position)
    {
        lock (_lock)
        {
            if (_current.Count >= GenerationSize)
                (_previous, _current) = (_current, []);
            ulong ticket = ++_next;
            _current[ticket] = position;
            return ticket;
        }
    }

    public ScanPosition? Find(ulong ticket)
    {
        lock (_lock)
            return _current.GetValueOrDefault(ticket) ?? _previous.GetValueOrDefault(ticket);
    }
}
