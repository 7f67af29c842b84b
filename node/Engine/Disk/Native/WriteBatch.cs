namespace Istore.Node.Engine.Disk.Native;

/// <summary>Writes applied together by <see cref="RocksDb.Write"/>, all or none. Reusable after <see cref="Clear"/>; one per thread.</summary>
internal sealed unsafe class WriteBatch : IDisposable
{
    internal nint Handle { get; private set; } = RocksDbNative.WriteBatchCreate();

    public int Count => RocksDbNative.WriteBatchCount(Handle);

    public void Put(ColumnFamily family, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        fixed (byte* k = key, v = value)
            RocksDbNative.WriteBatchPut(Handle, family.Handle, k, (nuint)key.Length, v, (nuint)value.Length);
    }

    public void Delete(ColumnFamily family, ReadOnlySpan<byte> key)
    {
        fixed (byte* k = key)
            RocksDbNative.WriteBatchDelete(Handle, family.Handle, k, (nuint)key.Length);
    }

    /// <summary>Deletes every key in [<paramref name="start"/>, <paramref name="end"/>) with one range tombstone.</summary>
    public void DeleteRange(ColumnFamily family, ReadOnlySpan<byte> start, ReadOnlySpan<byte> end)
    {
        fixed (byte* s = start, e = end)
            RocksDbNative.WriteBatchDeleteRange(Handle, family.Handle, s, (nuint)start.Length, e, (nuint)end.Length);
    }

    public void Clear() => RocksDbNative.WriteBatchClear(Handle);

    /// <summary>An empty batch in place of this one whose buffer grew large (<see cref="Clear"/> keeps the buffer's size).</summary>
    public void Renew()
    {
        RocksDbNative.WriteBatchDestroy(Handle);
        Handle = RocksDbNative.WriteBatchCreate();
    }

    public void Dispose()
    {
        if (Handle == 0)
            return;
        RocksDbNative.WriteBatchDestroy(Handle);
        Handle = 0;
    }
}
