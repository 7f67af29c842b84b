using Istore.Node.Engine.Disk.Native;

namespace Istore.Node.Engine.Disk;

/// <summary>
/// A command's writes, not yet applied: an indexed batch the command reads its own writes through
/// (HSETNX after HSET in one EXEC, SMOVE, RENAME), and the plain batch that is applied at the end,
/// all or none, with the key counts the command changed.
/// </summary>
internal sealed class PendingWrites(DiskEngine engine) : IDisposable
{
    private readonly RocksDb _db = engine.Db;
    private readonly WriteBatchWithIndex _index = new();
    private readonly WriteBatch _batch = new();

    /// <summary>Keys this command created (negative: removed).</summary>
    public long KeyDelta;

    /// <summary>Keys with an expiry this command added (negative: removed).</summary>
    public long VolatileDelta;

    /// <summary>What this command's metadata records change the measured dataset by, while the engine measures it.</summary>
    private long _bytesDelta;

    private bool _written;

    /// <summary>Set while the session reads at a snapshot (<see cref="DiskSession.BeginSnapshotReads"/>): nothing may be written then.</summary>
    private Snapshot? _readAt;

    public void ReadAt(Snapshot? snapshot)
    {
        if (_written)
            throw new InvalidOperationException("a session with pending writes cannot read at a snapshot");
        _readAt = snapshot;
    }

    /// <summary>No writes yet: checked after every command, so kept here rather than asked of RocksDB.</summary>
    public bool IsEmpty => !_written;

    public void Put(ColumnFamily family, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        ThrowIfReadingAtSnapshot();
        if (family == engine.Metadata && engine.MeasuresData)
            _bytesDelta += DiskFormat.DataBytes(key, value) - ReplacedBytes(key);
        _written = true;
        _index.Put(family, key, value);
        _batch.Put(family, key, value);
    }

    public void Delete(ColumnFamily family, ReadOnlySpan<byte> key)
    {
        ThrowIfReadingAtSnapshot();
        if (family == engine.Metadata && engine.MeasuresData)
            _bytesDelta -= ReplacedBytes(key);
        _written = true;
        _index.Delete(family, key);
        _batch.Delete(family, key);
    }

    /// <summary>What the key's record as this command sees it counts toward the measured dataset (0: none).</summary>
    private long ReplacedBytes(ReadOnlySpan<byte> key)
    {
        if (!TryGet(engine.Metadata, key, out var record))
            return 0;
        using (record)
            return DiskFormat.DataBytes(key, record.Span);
    }

    /// <summary>Reads a key as the command sees it: its own write, else the database (pinned, without the batch lookup, while it wrote nothing; at the snapshot, if any).</summary>
    public bool TryGet(ColumnFamily family, ReadOnlySpan<byte> key, out StoredValue value)
    {
        bool found;
        if (_written)
        {
            found = _db.TryGet(_index, family, key, out var pending);
            value = new StoredValue(default, pending, fromBatch: true);
        }
        else
        {
            found = _db.TryGet(family, key, out var stored, _readAt);
            value = new StoredValue(stored, default, fromBatch: false);
        }
        return found;
    }

    /// <summary>
    /// An iterator over the database with this command's writes merged in; a plain one while it has
    /// none (a read-only command: RL.RECALL's windows, ranges), which saves the merge on every step.
    /// Like every iterator here it must not outlive a write to the batch.
    /// </summary>
    public Native.Iterator NewIterator(ColumnFamily family, ReadOnlySpan<byte> upperBound) =>
        _written ? _db.NewIterator(_index, family, upperBound) : _db.NewIterator(family, upperBound, snapshot: _readAt);

    private void ThrowIfReadingAtSnapshot()
    {
        if (_readAt is not null)
            throw new InvalidOperationException("a session reading at a snapshot cannot write");
    }

    /// <summary>Applies the writes with the count changes in one batch (the WAL holds the whole command or none of it).</summary>
    public void Commit(DiskEngine engine)
    {
        try
        {
            lock (engine.CountLock)
                engine.WriteWithCounts(_batch, KeyDelta, VolatileDelta, bytesDelta: _bytesDelta);
        }
        finally
        {
            Discard();
        }
    }

    /// <summary>Forgets the writes without applying them (a failed command).</summary>
    public void Discard()
    {
        _index.Clear();
        _batch.Clear();
        _written = false;
        KeyDelta = VolatileDelta = _bytesDelta = 0;
    }

    public void Dispose()
    {
        _index.Dispose();
        _batch.Dispose();
    }
}

/// <summary>A value read from the database (pinned) or through a pending batch (copied); freed on dispose.</summary>
internal readonly struct StoredValue(PinnedValue stored, BatchValue pending, bool fromBatch) : IDisposable
{
    public ReadOnlySpan<byte> Span => fromBatch ? pending.Span : stored.Span;

    public void Dispose()
    {
        stored.Dispose();
        pending.Dispose();
    }
}
