using System.Runtime.InteropServices;

namespace Istore.Node.Engine.Disk.Native;

/// <summary>RocksDB's indexed write batch (<c>rocksdb_writebatch_wi_*</c>): a batch a command can read its own writes from.</summary>
internal static unsafe partial class RocksDbNative
{
    [LibraryImport(Library, EntryPoint = "rocksdb_writebatch_wi_create")]
    public static partial nint WriteBatchWiCreate(nuint reservedBytes, byte overwriteKeys);

    [LibraryImport(Library, EntryPoint = "rocksdb_writebatch_wi_destroy")]
    public static partial void WriteBatchWiDestroy(nint batch);

    [LibraryImport(Library, EntryPoint = "rocksdb_writebatch_wi_clear")]
    public static partial void WriteBatchWiClear(nint batch);

    [LibraryImport(Library, EntryPoint = "rocksdb_writebatch_wi_count")]
    public static partial int WriteBatchWiCount(nint batch);

    [LibraryImport(Library, EntryPoint = "rocksdb_writebatch_wi_put_cf")]
    public static partial void WriteBatchWiPut(nint batch, nint family, byte* key, nuint keyLength, byte* value, nuint valueLength);

    [LibraryImport(Library, EntryPoint = "rocksdb_writebatch_wi_delete_cf")]
    public static partial void WriteBatchWiDelete(nint batch, nint family, byte* key, nuint keyLength);

    /// <summary>The value in the batch, else in the database: a malloc'd copy (free with <see cref="Free"/>), null when missing.</summary>
    [LibraryImport(Library, EntryPoint = "rocksdb_writebatch_wi_get_from_batch_and_db_cf")]
    public static partial byte* WriteBatchWiGetFromBatchAndDb(nint batch, nint db, nint readOptions, nint family, byte* key, nuint keyLength, out nuint valueLength, out nint err);

    /// <summary>An iterator over the batch merged with <paramref name="baseIterator"/>, which it takes over.</summary>
    [LibraryImport(Library, EntryPoint = "rocksdb_writebatch_wi_create_iterator_with_base_cf")]
    public static partial nint WriteBatchWiCreateIteratorWithBase(nint batch, nint baseIterator, nint family);

}
