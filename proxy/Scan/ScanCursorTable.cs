using Istore.Proxy.Takeover;

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

    /// <summary>During a takeover: tickets issued since the successor last got them.</summary>
    private List<KeyValuePair<ulong, ScanPosition>>? _issued;

    public ulong Issue(ScanPosition position)
    {
        lock (_lock)
        {
            if (_current.Count >= GenerationSize)
                (_previous, _current) = (_current, []);
            ulong ticket = ++_next;
            _current[ticket] = position;
            _issued?.Add(new(ticket, position));
            return ticket;
        }
    }

    public ScanPosition? Find(ulong ticket)
    {
        lock (_lock)
            return _current.GetValueOrDefault(ticket) ?? _previous.GetValueOrDefault(ticket);
    }

    /// <summary>A takeover starts: writes every ticket remembered; later ones are kept for <see cref="WriteIssued"/>.</summary>
    public void WriteAllAndTrack(BinaryFieldWriter writer)
    {
        lock (_lock)
        {
            _issued = [];
            Write(writer, [.. _previous, .. _current]);
        }
    }

    /// <summary>Writes the tickets issued since the last write (a client that got one may move next).</summary>
    public void WriteIssued(BinaryFieldWriter writer)
    {
        lock (_lock)
        {
            Write(writer, _issued ?? []);
            _issued?.Clear();
        }
    }

    /// <summary>The takeover failed: stop keeping issued tickets.</summary>
    public void StopTracking()
    {
        lock (_lock)
            _issued = null;
    }

    /// <summary>Remembers tickets a predecessor issued, so clients holding them continue their SCAN here.</summary>
    public void Carry(BinaryFieldReader reader)
    {
        int count = reader.Int32();
        lock (_lock)
            for (int i = 0; i < count; i++)
            {
                ulong ticket = (ulong)reader.Int64();
                var position = new ScanPosition(reader.String() ?? "", reader.Int32(), reader.Int32(), (ulong)reader.Int64());
                _current.TryAdd(ticket, position);
            }
    }

    private static void Write(BinaryFieldWriter writer, List<KeyValuePair<ulong, ScanPosition>> tickets)
    {
        writer.Int32(tickets.Count);
        foreach (var (ticket, position) in tickets)
        {
            writer.Int64((long)ticket);
            writer.String(position.Tenant);
            writer.Int32(position.Shard);
            writer.Int32(position.Shards);
            writer.Int64((long)position.BackendCursor);
        }
    }
}
