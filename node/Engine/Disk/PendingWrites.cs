using Istore.Node.Engine.Disk.Native;

namespace Istore.Node.Engine.Disk;

/// <summary>
/// A command's writes, not yet applied: an indexed batch the command reads its own writes through
/// (HSETNX after HSET in one EXEC, SMOVE, RENAME), and the plain batch that is applied at the end,
/// all or none, with the key counts the command changed.
/// </summary>
internal sealed class PendingWrites(RocksDb db) : IDisposable
{
    private readonly WriteBatchWithIndex _index = new();
    private readonly WriteBatch _batch = new();

    /// <summary>Keys this command created (negative: removed).</summary>
    public long KeyDelta;

    /// <summary>Keys with an expiry this command added (negative: removed).</summary>
    public long VolatileDelta;

    private bool _written;

    /// <summary>No writes yet: checked after every command, so kept here rather than asked of RocksDB.</summary>
    public bool IsEmpty => !_written;

    public void Put(ColumnFamily family, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        _written = true;
        _index.Put(family, key, value);
        _batch.Put(family, key, value);
    }

    public void Delete(ColumnFamily family, ReadOnlySpan<byte> key)
    {
        _written = true;
        _index.Delete(family, key);
        _batch.Delete(family, key);
    }

    /// <summary>Reads a key as the command sees it: its own write, else the database.</summary>
    public bool TryGet(ColumnFamily family, ReadOnlySpan<byte> key, out BatchValue value) => db.TryGet(_index, family, key, out value);

    /// <summary>An iterator over the database with this command's writes merged in.</summary>
    public Native.Iterator NewIterator(ColumnFamily family, ReadOnlySpan<byte> upperBound) => db.NewIterator(_index, family, upperBound);

    /// <summary>Applies the writes with the count changes in one batch (the WAL holds the whole command or none of it).</summary>
    public void Commit(DiskEngine engine)
    {
        try
        {
            lock (engine.CountLock)
                engine.WriteWithCounts(_batch, KeyDelta, VolatileDelta);
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
        KeyDelta = VolatileDelta = 0;
    }

    public void Dispose()
    {
        _index.Dispose();
        _batch.Dispose();
    }
}
