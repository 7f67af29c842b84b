namespace Istore.Node.Engine.Disk.Native;

/// <summary>
/// Writes one SST file outside any database, keys in ascending order, with a column family's
/// table settings (so the file reads as fast as one of its own once ingested).
/// </summary>
internal sealed unsafe class SstFileWriter : IDisposable
{
    private readonly nint _envOptions;
    private nint _writer;

    internal SstFileWriter(nint familyOptions, string path)
    {
        _envOptions = RocksDbNative.EnvOptionsCreate();
        _writer = RocksDbNative.SstFileWriterCreate(_envOptions, familyOptions);
        try
        {
            RocksDbNative.SstFileWriterOpen(_writer, path, out nint err);
            RocksDbException.ThrowIfError(err);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public ulong FileSize
    {
        get
        {
            RocksDbNative.SstFileWriterFileSize(_writer, out ulong size);
            return size;
        }
    }

    public void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        nint err;
        fixed (byte* k = key, v = value)
            RocksDbNative.SstFileWriterPut(_writer, k, (nuint)key.Length, v, (nuint)value.Length, out err);
        RocksDbException.ThrowIfError(err);
    }

    /// <summary>Completes the file (it must hold at least one key).</summary>
    public void Finish()
    {
        RocksDbNative.SstFileWriterFinish(_writer, out nint err);
        RocksDbException.ThrowIfError(err);
    }

    public void Dispose()
    {
        if (_writer == 0)
            return;
        RocksDbNative.SstFileWriterDestroy(_writer);
        RocksDbNative.EnvOptionsDestroy(_envOptions);
        _writer = 0;
    }
}
