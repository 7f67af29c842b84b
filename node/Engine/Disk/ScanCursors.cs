namespace Istore.Node.Engine.Disk;

/// <summary>
/// SCAN cursors for an ordered keyspace: a cursor is a number standing for the key to resume at
/// (as Kvrocks maps numbers to keys). The newest ~100,000 cursors are remembered in two
/// generations; an unknown cursor (forged, forgotten, or from before a restart) ends the pass, as
/// a cursor past the end of the table does in Redis and in the memory engine.
/// </summary>
internal sealed class ScanCursors
{
    private const int GenerationSize = 50_000;
    private readonly object _lock = new();
    private Dictionary<long, byte[]> _current = [];
    private Dictionary<long, byte[]> _previous = [];
    private long _next = Random.Shared.NextInt64(1, 1L << 40);

    public long Issue(byte[] resumeKey)
    {
        lock (_lock)
        {
            if (_current.Count >= GenerationSize)
                (_previous, _current) = (_current, []);
            long cursor = ++_next;
            _current[cursor] = resumeKey;
            return cursor;
        }
    }

    /// <summary>The key to resume at: empty for cursor 0 (the first key), null for an unknown cursor (nothing left).</summary>
    public byte[]? Resolve(long cursor)
    {
        if (cursor == 0)
            return [];
        lock (_lock)
            return _current.TryGetValue(cursor, out var key) || _previous.TryGetValue(cursor, out key) ? key : null;
    }
}
