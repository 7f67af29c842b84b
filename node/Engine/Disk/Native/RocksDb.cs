using System.Runtime.InteropServices;
using System.Text;

namespace Istore.Node.Engine.Disk.Native;

/// <summary>A column family of an open database (valid until the database is disposed).</summary>
internal readonly record struct ColumnFamily(nint Handle);

/// <summary>
/// An open RocksDB database with its column families. Owns the native handles it creates (the
/// database, its options and block cache, the shared read/write options) and frees them on
/// <see cref="Dispose"/>; compaction filters belong to the caller and must be disposed after it.
/// Thread-safe as RocksDB is: any thread may read, write or iterate.
/// </summary>
internal sealed unsafe partial class RocksDb : IDisposable
{
    /// <summary>rocksdb_statistics_level_except_timers: tickers without a clock read around every operation.</summary>
    private const int StatisticsExceptTimers = 2;

    /// <summary>rocksdb_block_based_table_index_type_two_level_index_search (needed by partitioned filters).</summary>
    private const int TwoLevelIndexSearch = 2;

    /// <summary>rocksdb_block_based_table_data_block_index_type_binary_search_and_hash.</summary>
    private const int DataBlockBinarySearchAndHash = 1;

    private readonly nint _options;
    private readonly nint _cache;
    private readonly nint _readOptions;
    private readonly nint _writeOptions;
    private readonly nint[] _familyOptions;
    private readonly Dictionary<string, ColumnFamily> _families = new(StringComparer.Ordinal);
    private readonly Dictionary<string, nint> _optionsByFamily = new(StringComparer.Ordinal);
    private nint _db;

    private RocksDb(string path, DatabaseOptions options, IReadOnlyList<ColumnFamilyOptions> families, bool readOnly)
    {
        // HyperClockCache: lookups without a shard mutex or LRU list updates (an LRU cache's were ~15%
        // of a pipelined GET's CPU, most of it one lookup's cache misses and its mutex).
        _cache = RocksDbNative.CacheCreateHyperClock((nuint)options.BlockCacheBytes, 0);
        // Database-wide options hold column family settings too, unused: each family is opened with its own.
        _options = CreateOptions(options, _cache, new ColumnFamilyOptions("default"));
        RocksDbNative.OptionsSetCreateIfMissing(_options, 1);
        RocksDbNative.OptionsSetCreateMissingColumnFamilies(_options, 1);
        RocksDbNative.OptionsSetParanoidChecks(_options, 1);
        RocksDbNative.OptionsIncreaseParallelism(_options, options.BackgroundThreads);
        RocksDbNative.OptionsSetKeepLogFileNum(_options, 5);
        RocksDbNative.OptionsEnableStatistics(_options);
        RocksDbNative.OptionsSetStatisticsLevel(_options, StatisticsExceptTimers);
        RocksDbNative.OptionsSetManualWalFlush(_options, options.ManualWalFlush ? (byte)1 : (byte)0);
        // Writers are serialized by the engine anyway, and in-place memtable updates require it.
        RocksDbNative.OptionsSetAllowConcurrentMemtableWrite(_options, 0);
        // A family whose memtable hardly grows (updated in place) would keep every WAL file alive
        // until RocksDB's default limit of 4 x all memtables (2 GB with 64 MB write buffers): flush it sooner.
        RocksDbNative.OptionsSetMaxTotalWalSize(_options, (ulong)(4 * options.WriteBufferBytes));
        _familyOptions = families.Select(f => CreateOptions(options, _cache, f)).ToArray();
        _readOptions = RocksDbNative.ReadOptionsCreate();
        _writeOptions = RocksDbNative.WriteOptionsCreate();
        var names = families.Select(f => Marshal.StringToCoTaskMemUTF8(f.Name)).ToArray();
        var handles = new nint[families.Count];
        try
        {
            nint err;
            fixed (nint* namePointers = names, familyOptions = _familyOptions, handlePointers = handles)
            {
                _db = readOnly
                    ? RocksDbNative.OpenForReadOnlyColumnFamilies(_options, path, families.Count, (byte**)namePointers, familyOptions, handlePointers, 0, out err)
                    : RocksDbNative.OpenColumnFamilies(_options, path, families.Count, (byte**)namePointers, familyOptions, handlePointers, out err);
            }
            RocksDbException.ThrowIfError(err);
        }
        catch
        {
            FreeOptions();
            throw;
        }
        finally
        {
            foreach (var name in names)
                Marshal.FreeCoTaskMem(name);
        }
        for (int i = 0; i < families.Count; i++)
        {
            _families[families[i].Name] = new ColumnFamily(handles[i]);
            _optionsByFamily[families[i].Name] = _familyOptions[i];
        }
    }

    /// <summary>Opens (creating if missing) the database at <paramref name="path"/> with exactly these column families.</summary>
    public static RocksDb Open(string path, DatabaseOptions options, IReadOnlyList<ColumnFamilyOptions> families) => new(path, options, families, readOnly: false);

    /// <summary>Opens an existing database without changing any of its files (no writes, no WAL replay to disk).</summary>
    public static RocksDb OpenReadOnly(string path, DatabaseOptions options, IReadOnlyList<ColumnFamilyOptions> families) => new(path, options, families, readOnly: true);

    /// <summary>The column families of an existing database, or an empty list if none exists at <paramref name="path"/>.</summary>
    public static List<string> ListColumnFamilies(string path)
    {
        if (!File.Exists(Path.Combine(path, "CURRENT")))
            return [];
        nint options = RocksDbNative.OptionsCreate();
        try
        {
            byte** list = RocksDbNative.ListColumnFamilies(options, path, out nuint count, out nint err);
            RocksDbException.ThrowIfError(err);
            var names = new List<string>((int)count);
            for (nuint i = 0; i < count; i++)
                names.Add(Marshal.PtrToStringUTF8((nint)list[i])!);
            RocksDbNative.ListColumnFamiliesDestroy(list, count);
            return names;
        }
        finally
        {
            RocksDbNative.OptionsDestroy(options);
        }
    }

    public ColumnFamily Family(string name) => _families[name];

    /// <summary>
    /// Reads a value without copying it out of RocksDB (the block cache or memtable stays pinned
    /// until the returned value is disposed), as of now or <paramref name="at"/>. False when the key is missing.
    /// </summary>
    public bool TryGet(ColumnFamily family, ReadOnlySpan<byte> key, out PinnedValue value, Snapshot? at = null)
    {
        nint slice, err;
        fixed (byte* k = key)
            slice = RocksDbNative.GetPinned(_db, at?.ReadOptions ?? _readOptions, family.Handle, k, (nuint)key.Length, out err);
        RocksDbException.ThrowIfError(err);
        value = new PinnedValue(slice);
        return slice != 0;
    }

    /// <summary>
    /// Reads <paramref name="count"/> keys of one family at one point in time with RocksDB's batched
    /// MultiGet, which looks each file's filter and blocks up once for all the keys that fall in it.
    /// <paramref name="values"/>[i] is the pinned value of key i (0 when missing), for a <see cref="PinnedValue"/> to free.
    /// </summary>
    public void MultiGet(ColumnFamily family, int count, byte** keys, nuint* keyLengths, nint* values)
    {
        var errs = stackalloc nint[count];
        new Span<nint>(errs, count).Clear();
        RocksDbNative.BatchedMultiGet(_db, _readOptions, family.Handle, (nuint)count, keys, keyLengths, values, errs, 0);
        nint first = 0;
        for (int i = 0; i < count; i++)
        {
            if (errs[i] == 0)
                continue;
            if (first == 0)
                first = errs[i];
            else
                RocksDbNative.Free(errs[i]);
        }
        if (first == 0)
            return;
        for (int i = 0; i < count; i++)
            new PinnedValue(values[i]).Dispose();
        new Span<nint>(values, count).Clear();
        RocksDbException.ThrowIfError(first);
    }

    /// <summary>Applies a batch atomically. With manual WAL flushing its log record reaches the OS at the next <see cref="FlushWal"/>.</summary>
    public void Write(WriteBatch batch)
    {
        RocksDbNative.Write(_db, _writeOptions, batch.Handle, out nint err);
        RocksDbException.ThrowIfError(err);
    }

    /// <summary>Writes the buffered write-ahead log to the OS and, with <paramref name="sync"/>, to disk (fsync).</summary>
    public void FlushWal(bool sync)
    {
        RocksDbNative.FlushWal(_db, sync ? (byte)1 : (byte)0, out nint err);
        RocksDbException.ThrowIfError(err);
    }

    /// <summary>An iterator over one column family, below an optional exclusive upper bound, optionally at a snapshot.</summary>
    public Iterator NewIterator(ColumnFamily family, ReadOnlySpan<byte> upperBound = default, bool fillCache = true, Snapshot? snapshot = null) =>
        new(_db, family.Handle, upperBound, fillCache, snapshot?.Handle ?? 0);

    public Snapshot CreateSnapshot() => new(_db, RocksDbNative.CreateSnapshot(_db));

    /// <summary>
    /// A consistent copy of the database in <paramref name="directory"/> (which must not exist): SST
    /// files are hard-linked. Memtables are flushed first unless the WAL is larger than
    /// <paramref name="logSizeForFlush"/> bytes; otherwise the live WAL is copied instead.
    /// </summary>
    public void CreateCheckpoint(string directory, ulong logSizeForFlush = 0)
    {
        nint checkpoint = RocksDbNative.CheckpointObjectCreate(_db, out nint err);
        RocksDbException.ThrowIfError(err);
        try
        {
            RocksDbNative.CheckpointCreate(checkpoint, directory, logSizeForFlush, out err);
            RocksDbException.ThrowIfError(err);
        }
        finally
        {
            RocksDbNative.CheckpointObjectDestroy(checkpoint);
        }
    }

    /// <summary>An integer property such as <c>rocksdb.estimate-num-keys</c>; null when RocksDB does not know it.</summary>
    public ulong? IntProperty(ColumnFamily family, string name) =>
        RocksDbNative.PropertyInt(_db, family.Handle, name, out ulong value) == 0 ? value : null;

    /// <summary>Compacts a whole column family now (compaction filters run on every record).</summary>
    public void CompactAll(ColumnFamily family) => RocksDbNative.CompactRange(_db, family.Handle, null, 0, null, 0);

    /// <summary>
    /// Statistics tickers by name (<c>rocksdb.block.cache.hit</c>, <c>rocksdb.wal.synced</c>, …) from
    /// RocksDB's statistics text: names are stable across versions, the tickers' numbers are not.
    /// </summary>
    public Dictionary<string, long> Tickers()
    {
        nint text = RocksDbNative.OptionsStatisticsGetString(_options);
        if (text == 0)
            return [];
        string statistics = Marshal.PtrToStringUTF8(text) ?? "";
        RocksDbNative.Free(text);
        var tickers = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in statistics.Split('\n'))
        {
            // "rocksdb.wal.synced COUNT : 12"; histograms have "P50 : …" instead and are skipped.
            int count = line.IndexOf(" COUNT : ", StringComparison.Ordinal);
            if (count > 0 && long.TryParse(line.AsSpan(count + 9), out long value))
                tickers[line[..count]] = value;
        }
        return tickers;
    }

    public long BlockCacheUsage => (long)RocksDbNative.CacheGetUsage(_cache);

    public long BlockCachePinnedUsage => (long)RocksDbNative.CacheGetPinnedUsage(_cache);

    private static nint CreateOptions(DatabaseOptions options, nint cache, ColumnFamilyOptions family)
    {
        nint o = RocksDbNative.OptionsCreate();
        RocksDbNative.OptionsSetInplaceUpdateSupport(o, family.InPlaceUpdates ? (byte)1 : (byte)0);
        RocksDbNative.OptionsSetWriteBufferSize(o, (nuint)options.WriteBufferBytes);
        RocksDbNative.OptionsSetCompression(o, (int)options.Compression);
        RocksDbNative.OptionsSetLevelCompactionDynamicLevelBytes(o, 1);
        // A bloom filter over the memtable's keys: a write's "does the key exist?" read of a new key stops there.
        RocksDbNative.OptionsSetMemtableWholeKeyFiltering(o, 1);
        RocksDbNative.OptionsSetMemtablePrefixBloomSizeRatio(o, 0.02);
        nint table = RocksDbNative.BlockBasedOptionsCreate();
        RocksDbNative.BlockBasedOptionsSetBlockCache(table, cache);
        // Full bloom filters (10 bits per key, ~1% false positives) spare a disk read for most misses;
        // the table options take ownership of the policy.
        RocksDbNative.BlockBasedOptionsSetFilterPolicy(table, RocksDbNative.FilterPolicyCreateBloomFull(10));
        // Index and filter blocks live in the block cache, so its size bounds the memory they take.
        // Partitioned: a big SST file's whole filter would be larger than a cache shard, never stay
        // cached, and be read again by every lookup; its partitions are small and stay.
        RocksDbNative.BlockBasedOptionsSetCacheIndexAndFilterBlocks(table, 1);
        RocksDbNative.BlockBasedOptionsSetCacheIndexAndFilterBlocksWithHighPriority(table, 1);
        RocksDbNative.BlockBasedOptionsSetIndexType(table, TwoLevelIndexSearch);
        RocksDbNative.BlockBasedOptionsSetPartitionFilters(table, 1);
        RocksDbNative.BlockBasedOptionsSetPinTopLevelIndexAndFilter(table, 1);
        // Every point read checks every L0 file: their filter and index partitions stay pinned (few files,
        // small), so those checks skip the block cache's lookup and its shard mutex.
        RocksDbNative.BlockBasedOptionsSetPinL0FilterAndIndexBlocksInCache(table, 1);
        // A hash index inside each data block: a point lookup finds its key without a binary search.
        RocksDbNative.BlockBasedOptionsSetDataBlockIndexType(table, DataBlockBinarySearchAndHash);
        RocksDbNative.BlockBasedOptionsSetDataBlockHashRatio(table, 0.75);
        RocksDbNative.OptionsSetBlockBasedTableFactory(o, table);
        RocksDbNative.BlockBasedOptionsDestroy(table);
        if (family.Filter is not null)
            RocksDbNative.OptionsSetCompactionFilter(o, family.Filter.Handle);
        return o;
    }

    private void FreeOptions()
    {
        foreach (var o in _familyOptions)
            RocksDbNative.OptionsDestroy(o);
        RocksDbNative.OptionsDestroy(_options);
        RocksDbNative.ReadOptionsDestroy(_readOptions);
        RocksDbNative.WriteOptionsDestroy(_writeOptions);
        RocksDbNative.CacheDestroy(_cache);
    }

    public void Dispose()
    {
        if (_db == 0)
            return;
        // Compactions still running call the compaction filters, which read through the family
        // handles: they end before the handles go (closing waits for them only after that).
        RocksDbNative.CancelAllBackgroundWork(_db, wait: 1);
        foreach (var family in _families.Values)
            RocksDbNative.ColumnFamilyHandleDestroy(family.Handle);
        RocksDbNative.Close(_db);
        _db = 0;
        FreeOptions();
    }
}

/// <summary>A value read with <see cref="RocksDb.TryGet"/>, pinned in RocksDB's memory until disposed.</summary>
internal readonly unsafe struct PinnedValue(nint slice) : IDisposable
{
    public ReadOnlySpan<byte> Span
    {
        get
        {
            if (slice == 0)
                return default;
            byte* data = RocksDbNative.PinnableSliceValue(slice, out nuint length);
            return new ReadOnlySpan<byte>(data, (int)length);
        }
    }

    public void Dispose()
    {
        if (slice != 0)
            RocksDbNative.PinnableSliceDestroy(slice);
    }
}

/// <summary>A point-in-time view: reads and iterators given it see the database as it was.</summary>
internal sealed class Snapshot : IDisposable
{
    private readonly nint _db;

    public Snapshot(nint db, nint handle)
    {
        _db = db;
        Handle = handle;
        ReadOptions = RocksDbNative.ReadOptionsCreate();
        RocksDbNative.ReadOptionsSetSnapshot(ReadOptions, handle);
    }

    internal nint Handle { get; private set; }

    /// <summary>Point reads at this snapshot.</summary>
    internal nint ReadOptions { get; }

    public void Dispose()
    {
        if (Handle == 0)
            return;
        RocksDbNative.ReadOptionsDestroy(ReadOptions);
        RocksDbNative.ReleaseSnapshot(_db, Handle);
        Handle = 0;
    }
}
