namespace Istore.Node.Engine.Disk.Native;

/// <summary>Reads and writes through a <see cref="WriteBatchWithIndex"/>: a command sees its own pending writes.</summary>
internal sealed unsafe partial class RocksDb
{
    /// <summary>Reads <paramref name="key"/> from the batch, else the database. False when missing (or deleted in the batch).</summary>
    public bool TryGet(WriteBatchWithIndex batch, ColumnFamily family, ReadOnlySpan<byte> key, out BatchValue value)
    {
        byte* data;
        nuint length;
        nint err;
        fixed (byte* k = key)
            data = RocksDbNative.WriteBatchWiGetFromBatchAndDb(batch.Handle, _db, _readOptions, family.Handle, k, (nuint)key.Length, out length, out err);
        RocksDbException.ThrowIfError(err);
        value = new BatchValue(data, length);
        return data != null;
    }

    /// <summary>An iterator over the batch's writes merged with the database, below an exclusive upper bound.</summary>
    public Iterator NewIterator(WriteBatchWithIndex batch, ColumnFamily family, ReadOnlySpan<byte> upperBound) =>
        new(_db, family.Handle, upperBound, fillCache: true, snapshot: 0, batch.Handle);
}
