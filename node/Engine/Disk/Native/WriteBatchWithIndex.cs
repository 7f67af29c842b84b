namespace Istore.Node.Engine.Disk.Native;

/// <summary>
/// A write batch with an index over its keys, so reads (<see cref="RocksDb.TryGet(WriteBatchWithIndex, ColumnFamily, ReadOnlySpan{byte}, out BatchValue)"/>,
/// <see cref="RocksDb.NewIterator(WriteBatchWithIndex, ColumnFamily, ReadOnlySpan{byte})"/>) see its writes over the
/// database's. A later write to a key replaces the earlier one in the index. Reusable after <see cref="Clear"/>; one per thread.
/// </summary>
internal sealed unsafe class WriteBatchWithIndex : IDisposable
{
    internal nint Handle { get; private set; } = RocksDbNative.WriteBatchWiCreate(0, overwriteKeys: 1);

    public int Count => RocksDbNative.WriteBatchWiCount(Handle);

    public void Put(ColumnFamily family, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        fixed (byte* k = key, v = value)
            RocksDbNative.WriteBatchWiPut(Handle, family.Handle, k, (nuint)key.Length, v, (nuint)value.Length);
    }

    public void Delete(ColumnFamily family, ReadOnlySpan<byte> key)
    {
        fixed (byte* k = key)
            RocksDbNative.WriteBatchWiDelete(Handle, family.Handle, k, (nuint)key.Length);
    }

    public void Clear() => RocksDbNative.WriteBatchWiClear(Handle);

    public void Dispose()
    {
        if (Handle == 0)
            return;
        RocksDbNative.WriteBatchWiDestroy(Handle);
        Handle = 0;
    }
}

/// <summary>A value read through a <see cref="WriteBatchWithIndex"/>: RocksDB's malloc'd copy, freed on dispose.</summary>
internal readonly unsafe struct BatchValue(byte* data, nuint length) : IDisposable
{
    public ReadOnlySpan<byte> Span => new(data, (int)length);

    public void Dispose()
    {
        if (data != null)
            RocksDbNative.Free((nint)data);
    }
}
