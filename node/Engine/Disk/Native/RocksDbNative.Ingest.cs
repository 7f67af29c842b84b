using System.Runtime.InteropServices;

namespace Istore.Node.Engine.Disk.Native;

/// <summary>SST files made outside a database (<c>rocksdb_sstfilewriter_*</c>), their ingestion into one, and memtable flushes: a full sync ships a dataset as files.</summary>
internal static unsafe partial class RocksDbNative
{
    [LibraryImport(Library, EntryPoint = "rocksdb_envoptions_create")]
    public static partial nint EnvOptionsCreate();

    [LibraryImport(Library, EntryPoint = "rocksdb_envoptions_destroy")]
    public static partial void EnvOptionsDestroy(nint envOptions);

    [LibraryImport(Library, EntryPoint = "rocksdb_sstfilewriter_create")]
    public static partial nint SstFileWriterCreate(nint envOptions, nint options);

    [LibraryImport(Library, EntryPoint = "rocksdb_sstfilewriter_open", StringMarshalling = StringMarshalling.Utf8)]
    public static partial void SstFileWriterOpen(nint writer, string path, out nint err);

    [LibraryImport(Library, EntryPoint = "rocksdb_sstfilewriter_put")]
    public static partial void SstFileWriterPut(nint writer, byte* key, nuint keyLength, byte* value, nuint valueLength, out nint err);

    [LibraryImport(Library, EntryPoint = "rocksdb_sstfilewriter_finish")]
    public static partial void SstFileWriterFinish(nint writer, out nint err);

    [LibraryImport(Library, EntryPoint = "rocksdb_sstfilewriter_file_size")]
    public static partial void SstFileWriterFileSize(nint writer, out ulong size);

    [LibraryImport(Library, EntryPoint = "rocksdb_sstfilewriter_destroy")]
    public static partial void SstFileWriterDestroy(nint writer);

    [LibraryImport(Library, EntryPoint = "rocksdb_ingestexternalfileoptions_create")]
    public static partial nint IngestOptionsCreate();

    [LibraryImport(Library, EntryPoint = "rocksdb_ingestexternalfileoptions_set_move_files")]
    public static partial void IngestOptionsSetMoveFiles(nint options, byte move);

    [LibraryImport(Library, EntryPoint = "rocksdb_ingestexternalfileoptions_set_link_files")]
    public static partial void IngestOptionsSetLinkFiles(nint options, byte link);

    [LibraryImport(Library, EntryPoint = "rocksdb_ingestexternalfileoptions_set_verify_checksums_before_ingest")]
    public static partial void IngestOptionsSetVerifyChecksums(nint options, byte verify);

    [LibraryImport(Library, EntryPoint = "rocksdb_ingestexternalfileoptions_destroy")]
    public static partial void IngestOptionsDestroy(nint options);

    [LibraryImport(Library, EntryPoint = "rocksdb_ingest_external_file_cf")]
    public static partial void IngestExternalFileCf(nint db, nint family, byte** files, nuint count, nint options, out nint err);

    [LibraryImport(Library, EntryPoint = "rocksdb_flushoptions_create")]
    public static partial nint FlushOptionsCreate();

    [LibraryImport(Library, EntryPoint = "rocksdb_flushoptions_set_wait")]
    public static partial void FlushOptionsSetWait(nint options, byte wait);

    [LibraryImport(Library, EntryPoint = "rocksdb_flushoptions_destroy")]
    public static partial void FlushOptionsDestroy(nint options);

    [LibraryImport(Library, EntryPoint = "rocksdb_flush_cfs")]
    public static partial void FlushCfs(nint db, nint options, nint* families, int count, out nint err);
}
