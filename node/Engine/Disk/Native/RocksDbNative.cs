using System.Runtime.InteropServices;

namespace Istore.Node.Engine.Disk.Native;

/// <summary>
/// The part of RocksDB's C API (<c>rocksdb/c.h</c>) the disk engine uses, bound with
/// <c>[LibraryImport]</c>: blittable arguments only, so the stubs are generated at build time and
/// work in a Native AOT binary. Handles are opaque pointers; the wrappers beside this file own them.
/// Every call that takes <c>errptr</c> reports failure as a malloc'd message, see <see cref="RocksDbException.ThrowIfError"/>.
/// </summary>
internal static unsafe partial class RocksDbNative
{
    /// <summary>librocksdb.so, found beside the executable (the RocksDB NuGet package's glibc x64 build).</summary>
    public const string Library = "rocksdb";

    // Database
    [LibraryImport(Library, EntryPoint = "rocksdb_open_column_families", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint OpenColumnFamilies(nint options, string name, int count, byte** names, nint* familyOptions, nint* handles, out nint err);

    [LibraryImport(Library, EntryPoint = "rocksdb_open_for_read_only_column_families", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint OpenForReadOnlyColumnFamilies(nint options, string name, int count, byte** names, nint* familyOptions, nint* handles, byte errorIfWalFileExists, out nint err);

    [LibraryImport(Library, EntryPoint = "rocksdb_list_column_families", StringMarshalling = StringMarshalling.Utf8)]
    public static partial byte** ListColumnFamilies(nint options, string name, out nuint count, out nint err);

    [LibraryImport(Library, EntryPoint = "rocksdb_list_column_families_destroy")]
    public static partial void ListColumnFamiliesDestroy(byte** list, nuint count);

    [LibraryImport(Library, EntryPoint = "rocksdb_column_family_handle_destroy")]
    public static partial void ColumnFamilyHandleDestroy(nint handle);

    [LibraryImport(Library, EntryPoint = "rocksdb_close")]
    public static partial void Close(nint db);

    [LibraryImport(Library, EntryPoint = "rocksdb_cancel_all_background_work")]
    public static partial void CancelAllBackgroundWork(nint db, byte wait);

    [LibraryImport(Library, EntryPoint = "rocksdb_free")]
    public static partial void Free(nint ptr);

    // Reads and writes
    [LibraryImport(Library, EntryPoint = "rocksdb_get_pinned_cf")]
    public static partial nint GetPinned(nint db, nint readOptions, nint family, byte* key, nuint keyLength, out nint err);

    [LibraryImport(Library, EntryPoint = "rocksdb_batched_multi_get_cf")]
    public static partial void BatchedMultiGet(nint db, nint readOptions, nint family, nuint count, byte** keys, nuint* keyLengths, nint* values, nint* errs, byte sortedInput);

    [LibraryImport(Library, EntryPoint = "rocksdb_pinnableslice_value")]
    public static partial byte* PinnableSliceValue(nint slice, out nuint length);

    [LibraryImport(Library, EntryPoint = "rocksdb_pinnableslice_destroy")]
    public static partial void PinnableSliceDestroy(nint slice);

    [LibraryImport(Library, EntryPoint = "rocksdb_write")]
    public static partial void Write(nint db, nint writeOptions, nint batch, out nint err);

    [LibraryImport(Library, EntryPoint = "rocksdb_flush_wal")]
    public static partial void FlushWal(nint db, byte sync, out nint err);

    [LibraryImport(Library, EntryPoint = "rocksdb_writebatch_create")]
    public static partial nint WriteBatchCreate();

    [LibraryImport(Library, EntryPoint = "rocksdb_writebatch_destroy")]
    public static partial void WriteBatchDestroy(nint batch);

    [LibraryImport(Library, EntryPoint = "rocksdb_writebatch_clear")]
    public static partial void WriteBatchClear(nint batch);

    [LibraryImport(Library, EntryPoint = "rocksdb_writebatch_count")]
    public static partial int WriteBatchCount(nint batch);

    [LibraryImport(Library, EntryPoint = "rocksdb_writebatch_put_cf")]
    public static partial void WriteBatchPut(nint batch, nint family, byte* key, nuint keyLength, byte* value, nuint valueLength);

    [LibraryImport(Library, EntryPoint = "rocksdb_writebatch_delete_cf")]
    public static partial void WriteBatchDelete(nint batch, nint family, byte* key, nuint keyLength);

    [LibraryImport(Library, EntryPoint = "rocksdb_writebatch_delete_range_cf")]
    public static partial void WriteBatchDeleteRange(nint batch, nint family, byte* start, nuint startLength, byte* end, nuint endLength);

    // Iterators and snapshots
    [LibraryImport(Library, EntryPoint = "rocksdb_create_iterator_cf")]
    public static partial nint CreateIterator(nint db, nint readOptions, nint family);

    [LibraryImport(Library, EntryPoint = "rocksdb_iter_destroy")]
    public static partial void IterDestroy(nint iterator);

    [LibraryImport(Library, EntryPoint = "rocksdb_iter_valid")]
    public static partial byte IterValid(nint iterator);

    [LibraryImport(Library, EntryPoint = "rocksdb_iter_seek_to_first")]
    public static partial void IterSeekToFirst(nint iterator);

    [LibraryImport(Library, EntryPoint = "rocksdb_iter_seek_to_last")]
    public static partial void IterSeekToLast(nint iterator);

    [LibraryImport(Library, EntryPoint = "rocksdb_iter_seek")]
    public static partial void IterSeek(nint iterator, byte* key, nuint keyLength);

    [LibraryImport(Library, EntryPoint = "rocksdb_iter_seek_for_prev")]
    public static partial void IterSeekForPrev(nint iterator, byte* key, nuint keyLength);

    [LibraryImport(Library, EntryPoint = "rocksdb_iter_next")]
    public static partial void IterNext(nint iterator);

    [LibraryImport(Library, EntryPoint = "rocksdb_iter_prev")]
    public static partial void IterPrev(nint iterator);

    [LibraryImport(Library, EntryPoint = "rocksdb_iter_key")]
    public static partial byte* IterKey(nint iterator, out nuint length);

    [LibraryImport(Library, EntryPoint = "rocksdb_iter_value")]
    public static partial byte* IterValue(nint iterator, out nuint length);

    [LibraryImport(Library, EntryPoint = "rocksdb_iter_get_error")]
    public static partial void IterGetError(nint iterator, out nint err);

    [LibraryImport(Library, EntryPoint = "rocksdb_create_snapshot")]
    public static partial nint CreateSnapshot(nint db);

    [LibraryImport(Library, EntryPoint = "rocksdb_release_snapshot")]
    public static partial void ReleaseSnapshot(nint db, nint snapshot);

    // Checkpoints, properties, compaction
    [LibraryImport(Library, EntryPoint = "rocksdb_checkpoint_object_create")]
    public static partial nint CheckpointObjectCreate(nint db, out nint err);

    [LibraryImport(Library, EntryPoint = "rocksdb_checkpoint_create", StringMarshalling = StringMarshalling.Utf8)]
    public static partial void CheckpointCreate(nint checkpoint, string directory, ulong logSizeForFlush, out nint err);

    [LibraryImport(Library, EntryPoint = "rocksdb_checkpoint_object_destroy")]
    public static partial void CheckpointObjectDestroy(nint checkpoint);

    [LibraryImport(Library, EntryPoint = "rocksdb_property_int_cf", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int PropertyInt(nint db, nint family, string name, out ulong value);

    [LibraryImport(Library, EntryPoint = "rocksdb_compact_range_cf")]
    public static partial void CompactRange(nint db, nint family, byte* start, nuint startLength, byte* limit, nuint limitLength);

    // Options
    [LibraryImport(Library, EntryPoint = "rocksdb_options_create")]
    public static partial nint OptionsCreate();

    [LibraryImport(Library, EntryPoint = "rocksdb_options_destroy")]
    public static partial void OptionsDestroy(nint options);

    [LibraryImport(Library, EntryPoint = "rocksdb_options_set_create_if_missing")]
    public static partial void OptionsSetCreateIfMissing(nint options, byte value);

    [LibraryImport(Library, EntryPoint = "rocksdb_options_set_create_missing_column_families")]
    public static partial void OptionsSetCreateMissingColumnFamilies(nint options, byte value);

    [LibraryImport(Library, EntryPoint = "rocksdb_options_set_paranoid_checks")]
    public static partial void OptionsSetParanoidChecks(nint options, byte value);

    [LibraryImport(Library, EntryPoint = "rocksdb_options_increase_parallelism")]
    public static partial void OptionsIncreaseParallelism(nint options, int threads);

    [LibraryImport(Library, EntryPoint = "rocksdb_options_set_write_buffer_size")]
    public static partial void OptionsSetWriteBufferSize(nint options, nuint bytes);

    [LibraryImport(Library, EntryPoint = "rocksdb_options_set_max_total_wal_size")]
    public static partial void OptionsSetMaxTotalWalSize(nint options, ulong bytes);

    [LibraryImport(Library, EntryPoint = "rocksdb_options_set_compression")]
    public static partial void OptionsSetCompression(nint options, int compression);

    [LibraryImport(Library, EntryPoint = "rocksdb_options_set_level_compaction_dynamic_level_bytes")]
    public static partial void OptionsSetLevelCompactionDynamicLevelBytes(nint options, byte value);

    [LibraryImport(Library, EntryPoint = "rocksdb_options_set_keep_log_file_num")]
    public static partial void OptionsSetKeepLogFileNum(nint options, nuint count);

    [LibraryImport(Library, EntryPoint = "rocksdb_options_enable_statistics")]
    public static partial void OptionsEnableStatistics(nint options);

    [LibraryImport(Library, EntryPoint = "rocksdb_options_set_statistics_level")]
    public static partial void OptionsSetStatisticsLevel(nint options, int level);

    [LibraryImport(Library, EntryPoint = "rocksdb_options_set_memtable_whole_key_filtering")]
    public static partial void OptionsSetMemtableWholeKeyFiltering(nint options, byte value);

    [LibraryImport(Library, EntryPoint = "rocksdb_options_set_memtable_prefix_bloom_size_ratio")]
    public static partial void OptionsSetMemtablePrefixBloomSizeRatio(nint options, double ratio);

    [LibraryImport(Library, EntryPoint = "rocksdb_options_statistics_get_string")]
    public static partial nint OptionsStatisticsGetString(nint options);

    [LibraryImport(Library, EntryPoint = "rocksdb_options_set_manual_wal_flush")]
    public static partial void OptionsSetManualWalFlush(nint options, byte value);

    [LibraryImport(Library, EntryPoint = "rocksdb_options_set_allow_concurrent_memtable_write")]
    public static partial void OptionsSetAllowConcurrentMemtableWrite(nint options, byte value);

    [LibraryImport(Library, EntryPoint = "rocksdb_options_set_inplace_update_support")]
    public static partial void OptionsSetInplaceUpdateSupport(nint options, byte value);

    [LibraryImport(Library, EntryPoint = "rocksdb_options_set_compaction_filter")]
    public static partial void OptionsSetCompactionFilter(nint options, nint filter);

    [LibraryImport(Library, EntryPoint = "rocksdb_options_set_block_based_table_factory")]
    public static partial void OptionsSetBlockBasedTableFactory(nint options, nint tableOptions);

    [LibraryImport(Library, EntryPoint = "rocksdb_block_based_options_create")]
    public static partial nint BlockBasedOptionsCreate();

    [LibraryImport(Library, EntryPoint = "rocksdb_block_based_options_destroy")]
    public static partial void BlockBasedOptionsDestroy(nint tableOptions);

    [LibraryImport(Library, EntryPoint = "rocksdb_block_based_options_set_block_cache")]
    public static partial void BlockBasedOptionsSetBlockCache(nint tableOptions, nint cache);

    [LibraryImport(Library, EntryPoint = "rocksdb_block_based_options_set_filter_policy")]
    public static partial void BlockBasedOptionsSetFilterPolicy(nint tableOptions, nint policy);

    [LibraryImport(Library, EntryPoint = "rocksdb_block_based_options_set_cache_index_and_filter_blocks")]
    public static partial void BlockBasedOptionsSetCacheIndexAndFilterBlocks(nint tableOptions, byte value);

    [LibraryImport(Library, EntryPoint = "rocksdb_block_based_options_set_index_type")]
    public static partial void BlockBasedOptionsSetIndexType(nint tableOptions, int type);

    [LibraryImport(Library, EntryPoint = "rocksdb_block_based_options_set_partition_filters")]
    public static partial void BlockBasedOptionsSetPartitionFilters(nint tableOptions, byte value);

    [LibraryImport(Library, EntryPoint = "rocksdb_block_based_options_set_pin_top_level_index_and_filter")]
    public static partial void BlockBasedOptionsSetPinTopLevelIndexAndFilter(nint tableOptions, byte value);

    [LibraryImport(Library, EntryPoint = "rocksdb_block_based_options_set_pin_l0_filter_and_index_blocks_in_cache")]
    public static partial void BlockBasedOptionsSetPinL0FilterAndIndexBlocksInCache(nint tableOptions, byte value);

    [LibraryImport(Library, EntryPoint = "rocksdb_block_based_options_set_cache_index_and_filter_blocks_with_high_priority")]
    public static partial void BlockBasedOptionsSetCacheIndexAndFilterBlocksWithHighPriority(nint tableOptions, byte value);

    [LibraryImport(Library, EntryPoint = "rocksdb_block_based_options_set_data_block_index_type")]
    public static partial void BlockBasedOptionsSetDataBlockIndexType(nint tableOptions, int type);

    [LibraryImport(Library, EntryPoint = "rocksdb_block_based_options_set_data_block_hash_ratio")]
    public static partial void BlockBasedOptionsSetDataBlockHashRatio(nint tableOptions, double ratio);

    [LibraryImport(Library, EntryPoint = "rocksdb_filterpolicy_create_bloom_full")]
    public static partial nint FilterPolicyCreateBloomFull(double bitsPerKey);

    /// <summary>A HyperClockCache; <paramref name="estimatedEntryCharge"/> 0 sizes its table by itself (AutoHyperClockCache).</summary>
    [LibraryImport(Library, EntryPoint = "rocksdb_cache_create_hyper_clock")]
    public static partial nint CacheCreateHyperClock(nuint capacity, nuint estimatedEntryCharge);

    [LibraryImport(Library, EntryPoint = "rocksdb_cache_destroy")]
    public static partial void CacheDestroy(nint cache);

    [LibraryImport(Library, EntryPoint = "rocksdb_cache_get_usage")]
    public static partial nuint CacheGetUsage(nint cache);

    [LibraryImport(Library, EntryPoint = "rocksdb_cache_get_pinned_usage")]
    public static partial nuint CacheGetPinnedUsage(nint cache);

    [LibraryImport(Library, EntryPoint = "rocksdb_readoptions_create")]
    public static partial nint ReadOptionsCreate();

    [LibraryImport(Library, EntryPoint = "rocksdb_readoptions_destroy")]
    public static partial void ReadOptionsDestroy(nint readOptions);

    [LibraryImport(Library, EntryPoint = "rocksdb_readoptions_set_fill_cache")]
    public static partial void ReadOptionsSetFillCache(nint readOptions, byte value);

    [LibraryImport(Library, EntryPoint = "rocksdb_readoptions_set_snapshot")]
    public static partial void ReadOptionsSetSnapshot(nint readOptions, nint snapshot);

    [LibraryImport(Library, EntryPoint = "rocksdb_readoptions_set_iterate_upper_bound")]
    public static partial void ReadOptionsSetIterateUpperBound(nint readOptions, byte* key, nuint keyLength);

    [LibraryImport(Library, EntryPoint = "rocksdb_writeoptions_create")]
    public static partial nint WriteOptionsCreate();

    [LibraryImport(Library, EntryPoint = "rocksdb_writeoptions_destroy")]
    public static partial void WriteOptionsDestroy(nint writeOptions);

    [LibraryImport(Library, EntryPoint = "rocksdb_writeoptions_set_sync")]
    public static partial void WriteOptionsSetSync(nint writeOptions, byte value);

    // Compaction filters: the callbacks are [UnmanagedCallersOnly] functions, see CompactionFilter.
    [LibraryImport(Library, EntryPoint = "rocksdb_compactionfilter_create")]
    public static partial nint CompactionFilterCreate(
        nint state,
        delegate* unmanaged[Cdecl]<nint, void> destructor,
        delegate* unmanaged[Cdecl]<nint, int, byte*, nuint, byte*, nuint, byte**, nuint*, byte*, byte> filter,
        delegate* unmanaged[Cdecl]<nint, byte*> name);

    [LibraryImport(Library, EntryPoint = "rocksdb_compactionfilter_destroy")]
    public static partial void CompactionFilterDestroy(nint filter);
}
