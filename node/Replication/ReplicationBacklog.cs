namespace Istore.Node.Replication;

/// <summary>
/// The last <see cref="Capacity"/> bytes of the replication stream, in a ring. Offsets count bytes
/// of the stream since the replication history began (Redis's master_repl_offset); the ring holds
/// [<see cref="StartOffset"/>, <see cref="EndOffset"/>). Appended under the log's file lock (so in
/// log order), read by every replica's sender; a replica that falls behind the ring is dropped
/// rather than buffered, so the backlog is also every replica's output-buffer limit.
/// As in Redis, the ring exists only once it can serve someone (<see cref="Activate"/>: a replica
/// attached, or this node follows a master): a node without replicas does not fill
/// repl-backlog-size of memory with a copy of its writes; until then only the offsets move.
/// </summary>
public sealed class ReplicationBacklog
{
    private readonly object _lock = new();
    private byte[]? _ring;
    private long _capacity;
    private int _head;      // ring index of StartOffset
    private long _start;
    private long _end;

    public ReplicationBacklog(long capacity, long offset)
    {
        _capacity = capacity;
        _start = _end = offset;
    }

    public long Capacity
    {
        get { lock (_lock) return _capacity; }
    }

    /// <summary>Whether the ring holds history (INFO's repl_backlog_active).</summary>
    public bool Active
    {
        get { lock (_lock) return _ring is not null; }
    }

    /// <summary>Starts keeping history from the current offset on; nothing if already kept.</summary>
    public void Activate()
    {
        lock (_lock)
        {
            if (_ring is not null)
                return;
            _ring = new byte[_capacity];
            _start = _end;
            _head = 0;
        }
    }

    public long StartOffset
    {
        get { lock (_lock) return _start; }
    }

    public long EndOffset
    {
        get { lock (_lock) return _end; }
    }

    public long HistoryLength
    {
        get { lock (_lock) return _end - _start; }
    }

    /// <summary>Raised (outside the lock) after bytes were appended.</summary>
    public event Action? Appended;

    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
            return;
        lock (_lock)
        {
            if (_ring is null)
            {
                _start = _end += bytes.Length;
                return;
            }
            int capacity = _ring.Length;
            if (bytes.Length > capacity)
            {
                _start += (_end - _start) + bytes.Length - capacity;
                _end += bytes.Length;
                bytes = bytes[^capacity..];
                _head = 0;
                bytes.CopyTo(_ring);
            }
            else
            {
                CopyIn(Index(_end), bytes);
                _end += bytes.Length;
                long overflow = _end - _start - capacity;
                if (overflow > 0)
                {
                    _start += overflow;
                    _head = (int)((_head + overflow) % capacity);
                }
            }
        }
        Appended?.Invoke();
    }

    /// <summary>Copies stream bytes from <paramref name="offset"/> into <paramref name="into"/>; -1 when that offset is no longer (or not yet) held.</summary>
    public int Read(long offset, Span<byte> into)
    {
        lock (_lock)
        {
            if (offset < _start || offset > _end)
                return -1;
            if (_ring is null)
                return 0;   // at the end: nothing to send yet
            int count = (int)Math.Min(into.Length, _end - offset);
            int at = Index(offset), first = Math.Min(count, _ring.Length - at);
            _ring.AsSpan(at, first).CopyTo(into);
            _ring.AsSpan(0, count - first).CopyTo(into[first..]);
            return count;
        }
    }

    /// <summary>Whether a replica that has everything before <paramref name="offset"/> can continue from here.</summary>
    public bool Holds(long offset)
    {
        lock (_lock)
            return offset >= _start && offset <= _end;
    }

    /// <summary>Starts an empty history at <paramref name="offset"/> (a replica after a full sync), kept from now on.</summary>
    public void Reset(long offset)
    {
        lock (_lock)
        {
            _ring ??= new byte[_capacity];
            _start = _end = offset;
            _head = 0;
        }
    }

    /// <summary>CONFIG SET repl-backlog-size: keeps the newest bytes that fit.</summary>
    public void Resize(long capacity)
    {
        lock (_lock)
        {
            _capacity = capacity;
            if (_ring is null)
                return;
            long keep = Math.Min(_end - _start, capacity);
            var kept = new byte[keep];
            long from = _end - keep;
            int at = Index(from), first = (int)Math.Min(keep, _ring.Length - at);
            _ring.AsSpan(at, first).CopyTo(kept);
            _ring.AsSpan(0, (int)keep - first).CopyTo(kept.AsSpan(first));
            _ring = new byte[capacity];
            kept.CopyTo(_ring, 0);
            _head = 0;
            _start = from;
        }
    }

    private int Index(long offset) => (int)((_head + (offset - _start)) % _ring!.Length);

    private void CopyIn(int at, ReadOnlySpan<byte> bytes)
    {
        int first = Math.Min(bytes.Length, _ring!.Length - at);
        bytes[..first].CopyTo(_ring.AsSpan(at));
        bytes[first..].CopyTo(_ring);
    }
}
