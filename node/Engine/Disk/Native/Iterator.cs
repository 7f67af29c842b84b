using System.Runtime.InteropServices;

namespace Istore.Node.Engine.Disk.Native;

/// <summary>
/// A RocksDB iterator over one column family. <see cref="Key"/> and <see cref="Value"/> point
/// into RocksDB's memory and are valid until the next move. Owns its read options and the copy of
/// its upper bound, which RocksDB reads for as long as the iterator lives. Over a write batch with
/// index the batch's writes are merged in (the upper bound applies to the database's side only).
/// </summary>
internal sealed unsafe class Iterator : IDisposable
{
    private readonly nint _readOptions;
    private readonly byte* _upperBound;
    private nint _handle;

    internal Iterator(nint db, nint family, ReadOnlySpan<byte> upperBound, bool fillCache, nint snapshot, nint batch = 0)
    {
        _readOptions = RocksDbNative.ReadOptionsCreate();
        RocksDbNative.ReadOptionsSetFillCache(_readOptions, fillCache ? (byte)1 : (byte)0);
        if (snapshot != 0)
            RocksDbNative.ReadOptionsSetSnapshot(_readOptions, snapshot);
        if (!upperBound.IsEmpty)
        {
            _upperBound = (byte*)NativeMemory.Alloc((nuint)upperBound.Length);
            upperBound.CopyTo(new Span<byte>(_upperBound, upperBound.Length));
            RocksDbNative.ReadOptionsSetIterateUpperBound(_readOptions, _upperBound, (nuint)upperBound.Length);
        }
        _handle = RocksDbNative.CreateIterator(db, _readOptions, family);
        if (batch != 0)
            _handle = RocksDbNative.WriteBatchWiCreateIteratorWithBase(batch, _handle, family);
    }

    public bool Valid => RocksDbNative.IterValid(_handle) != 0;

    public void SeekToFirst() => RocksDbNative.IterSeekToFirst(_handle);

    public void SeekToLast() => RocksDbNative.IterSeekToLast(_handle);

    /// <summary>Moves to the first key at or after <paramref name="key"/>.</summary>
    public void Seek(ReadOnlySpan<byte> key)
    {
        fixed (byte* k = key)
            RocksDbNative.IterSeek(_handle, k, (nuint)key.Length);
    }

    /// <summary>Moves to the last key at or before <paramref name="key"/>.</summary>
    public void SeekForPrev(ReadOnlySpan<byte> key)
    {
        fixed (byte* k = key)
            RocksDbNative.IterSeekForPrev(_handle, k, (nuint)key.Length);
    }

    public void Next() => RocksDbNative.IterNext(_handle);

    public void Prev() => RocksDbNative.IterPrev(_handle);

    public ReadOnlySpan<byte> Key
    {
        get
        {
            byte* k = RocksDbNative.IterKey(_handle, out nuint length);
            return new ReadOnlySpan<byte>(k, (int)length);
        }
    }

    public ReadOnlySpan<byte> Value
    {
        get
        {
            byte* v = RocksDbNative.IterValue(_handle, out nuint length);
            return new ReadOnlySpan<byte>(v, (int)length);
        }
    }

    /// <summary>An iterator that stops being valid may have hit an error (a corrupt block): surface it.</summary>
    public void ThrowIfError()
    {
        RocksDbNative.IterGetError(_handle, out nint err);
        RocksDbException.ThrowIfError(err);
    }

    public void Dispose()
    {
        if (_handle == 0)
            return;
        RocksDbNative.IterDestroy(_handle);
        _handle = 0;
        RocksDbNative.ReadOptionsDestroy(_readOptions);
        if (_upperBound != null)
            NativeMemory.Free(_upperBound);
    }
}
