using System.Buffers.Binary;
using Istore.Node.Engine.Disk.Native;

namespace Istore.Node.Engine.Disk;

/// <summary>
/// The ssdb-like engine: RocksDB in <c>dir/db</c> with the Kvrocks-style layout of
/// <see cref="DiskFormat"/>. Durability is RocksDB's WAL (see <see cref="ISelfDurableEngine"/>),
/// flushed by hand: a batch's writes reach the OS in one write() before its replies are sent
/// (group commit, as the memory engine's log), and are fsync'd as appendfsync says;
/// SAVE/BGSAVE make a RocksDB checkpoint in <c>dir/checkpoints/latest</c>. Mutations run under the
/// keyspace write lock, so writers to one key are serialized and each command is one WriteBatch;
/// <see cref="CountLock"/> additionally orders them against the compaction filter's count updates.
/// </summary>
public sealed partial class DiskEngine : IStorageEngine, ISelfDurableEngine
{
    private readonly ExpiredKeyFilter _expiredKeys;
    private readonly StaleSubkeyFilter _staleSubkeys;
    private readonly string _checkpoints;
    private long _volatileKeyCount;
    private int _countsDirty;
    private int _flushed;
    private bool _disposed;

    public DiskEngine(DiskEngineOptions options)
    {
        Options = options;
        string path = Path.Combine(options.Directory, "db");
        _checkpoints = Path.Combine(options.Directory, "checkpoints");
        Directory.CreateDirectory(path);
        try
        {
            _expiredKeys = new ExpiredKeyFilter(this, options.ExpiredGraceMs);
            _staleSubkeys = new StaleSubkeyFilter(this);
        }
        catch (DllNotFoundException ex)
        {
            throw new RocksDbException($"the disk engine needs RocksDB's native library (librocksdb.so beside istore-node): {ex.Message}");
        }
        try
        {
            Db = DiskDirectory.Open(path, options, _expiredKeys, _staleSubkeys);
        }
        catch
        {
            _expiredKeys.Dispose();
            _staleSubkeys.Dispose();
            throw;
        }
        Metadata = Db.Family(DiskFormat.MetadataFamily);
        Subkeys = Db.Family(DiskFormat.SubkeyFamily);
        Default = Db.Family(DiskFormat.DefaultFamily);
        long storedKeys;
        (storedKeys, _volatileKeyCount, _streamOffset) = ReadCounts();
        RestoreKeyCount(storedKeys);
        RecoveredStreamOffset = _streamOffset;
        Versions = new CollectionVersions(Db, Default);
    }

    public DiskEngineOptions Options { get; }

    internal RocksDb Db { get; }

    internal ColumnFamily Metadata { get; }

    internal ColumnFamily Default { get; }

    /// <summary>Hash fields and set members (see <see cref="DiskFormat"/>).</summary>
    internal ColumnFamily Subkeys { get; }

    internal CollectionVersions Versions { get; }

    internal ScanCursors Cursors { get; } = new();

    private int _snapshotReaders;

    /// <summary>
    /// Whether compaction may drop a dead collection's elements now: not while a session reads at a
    /// snapshot (<see cref="DiskSession.BeginSnapshotReads"/>), which may still need them, since a
    /// compaction filter is applied whatever snapshots exist. They go at a later compaction.
    /// </summary>
    internal bool MayDropStaleElements => Volatile.Read(ref _snapshotReaders) == 0;

    internal void SnapshotReadsBegin() => Interlocked.Increment(ref _snapshotReaders);

    internal void SnapshotReadsEnd() => Interlocked.Decrement(ref _snapshotReaders);

    /// <summary>Held while a mutation reads a key's old record, writes its batch and updates the counts.</summary>
    internal object CountLock { get; } = new();

    public string Name => "disk";

    /// <summary>RocksDB takes larger values, but a value must fit the node's buffers (and proto-max-bulk-len is 512 MB).</summary>
    public long MaxRecordBytes => 1L << 30;

    public long VolatileKeyCount => Volatile.Read(ref _volatileKeyCount);

    /// <summary>Recovery is RocksDB's own (WAL replay on open): there is no node log position to resume from.</summary>
    public byte[]? RecoveredCookie => null;

    public IEngineSession CreateSession() => new DiskSession(this);

    public void FlushLog(bool sync) => Db.FlushWal(sync);

    public Func<long>? StreamOffset { get; set; }

    public long RecoveredStreamOffset { get; }

    /// <summary>The replication offset the last batch recorded.</summary>
    private long _streamOffset;

    /// <summary>
    /// Adds the count changes and the replication offset to <paramref name="batch"/>, writes it, then
    /// publishes the counts. Caller holds <see cref="CountLock"/>; <paramref name="atCommand"/> when
    /// a command (holding the keyspace write lock) writes, so the log's offset is this batch's;
    /// <paramref name="bytesDelta"/> moves the measured dataset (see DiskEngine.DataBytes.cs).
    /// </summary>
    internal void WriteWithCounts(WriteBatch batch, long keyDelta, long volatileDelta, bool atCommand = true, long bytesDelta = 0)
    {
        long keys = _keyCount + keyDelta, volatileKeys = _volatileKeyCount + volatileDelta;
        if (atCommand && StreamOffset is { } offset)
            _streamOffset = offset();
        PutCounts(batch, StoredKeyCount(keys), volatileKeys, _streamOffset);
        try
        {
            Db.Write(batch);
        }
        catch (RocksDbException ex)
        {
            // RocksDB stops taking writes after a background error; reads go on. A full disk met by a
            // flush or compaction it recovers from by itself once its polling sees free space; one met
            // by the write-ahead log (NNNNNN.log) is fatal to this RocksDB until it is reopened.
            string advice = ex.Message.Contains(".log:", StringComparison.Ordinal)
                ? "free disk space and restart the node" : "writes resume once disk space is freed";
            throw new EngineLimitException($"ERR the disk engine cannot write ({ex.Message}); {advice}");
        }
        Volatile.Write(ref _keyCount, keys);
        Volatile.Write(ref _volatileKeyCount, volatileKeys);
        AddDataBytes(bytesDelta);
    }

    /// <summary>FLUSHALL happened: compact at the next maintenance so the disk space comes back soon.</summary>
    internal void NoteFlushed() => Volatile.Write(ref _flushed, 1);

    /// <summary>
    /// The compaction filter found an expired record: true to drop it. It leaves the counts only if it
    /// is still the key's newest record (not since overwritten or deleted). When a command holds the
    /// lock the record is kept for a later compaction rather than blocking RocksDB's thread.
    /// </summary>
    internal bool ForgetExpired(ReadOnlySpan<byte> key, ReadOnlySpan<byte> record)
    {
        if (!Monitor.TryEnter(CountLock))
            return false;
        try
        {
            Db.TryGet(Metadata, key, out var current);
            bool newest;
            using (current)
                newest = current.Span.SequenceEqual(record);
            if (newest)
            {
                Interlocked.Decrement(ref _keyCount);
                Interlocked.Decrement(ref _volatileKeyCount);
                Volatile.Write(ref _countsDirty, 1);
            }
            return true;
        }
        finally
        {
            Monitor.Exit(CountLock);
        }
    }

    public IDatasetSnapshot BeginDatasetSnapshot(string workDirectory, Keyspace.KeyspaceLock writeLock) => new DiskDatasetSnapshot(this, workDirectory, asFiles: false);

    /// <summary>A RocksDB checkpoint is consistent by itself and nothing is replayed after it: nothing to capture under the lock.</summary>
    public Func<Task> BeginCheckpoint(byte[] cookie, Keyspace.KeyspaceLock writeLock) => () => CheckpointAsync(cookie);

    private Task CheckpointAsync(byte[] cookie) => Task.Run(() =>
    {
        lock (_checkpoints)
        {
            string fresh = Path.Combine(_checkpoints, "new"), latest = Path.Combine(_checkpoints, "latest");
            Directory.CreateDirectory(_checkpoints);
            if (Directory.Exists(fresh))
                Directory.Delete(fresh, recursive: true);
            Db.CreateCheckpoint(fresh);
            File.WriteAllBytes(Path.Combine(fresh, "istore-cookie"), cookie);
            if (Directory.Exists(latest))
                Directory.Delete(latest, recursive: true);
            Directory.Move(fresh, latest);
        }
    });

    /// <summary>Persists counts the compaction filter changed; after FLUSHALL compacts, so range-deleted data leaves the disk.</summary>
    public void Maintain(CancellationToken stop)
    {
        if (Interlocked.Exchange(ref _countsDirty, 0) == 1)
        {
            lock (CountLock)
            {
                using var batch = new WriteBatch();
                WriteWithCounts(batch, 0, 0, atCommand: false);
            }
            Db.FlushWal(sync: false);
        }
        if (Interlocked.Exchange(ref _flushed, 0) == 1)
        {
            foreach (var family in DiskFormat.Families)
                Db.CompactAll(Db.Family(family));
        }
    }

    public bool WantsMaintenance => false;

    public IEnumerable<(string Name, string Value)> Stats()
    {
        yield return ("disk_engine_estimated_keys", Property(Metadata, "rocksdb.estimate-num-keys"));
        yield return ("disk_engine_key_count_known", KeyCountUnknown ? "0" : "1");
        yield return ("disk_engine_key_recounts", Volatile.Read(ref _recounts).ToString());
        yield return ("disk_engine_sst_bytes", Sum("rocksdb.total-sst-files-size"));
        yield return ("disk_engine_live_sst_bytes", Sum("rocksdb.live-sst-files-size"));
        yield return ("disk_engine_memtable_bytes", Sum("rocksdb.cur-size-all-mem-tables"));
        yield return ("disk_engine_pending_compaction_bytes", Sum("rocksdb.estimate-pending-compaction-bytes"));
        yield return ("disk_engine_running_compactions", Property(Default, "rocksdb.num-running-compactions"));
        yield return ("disk_engine_background_errors", Property(Default, "rocksdb.background-errors"));
        yield return ("disk_engine_block_cache_capacity", Options.BlockCacheBytes.ToString());
        yield return ("disk_engine_block_cache_usage", Db.BlockCacheUsage.ToString());
        yield return ("disk_engine_block_cache_pinned_usage", Db.BlockCachePinnedUsage.ToString());
        var tickers = Db.Tickers();
        yield return ("disk_engine_block_cache_hits", tickers.GetValueOrDefault("rocksdb.block.cache.hit").ToString());
        yield return ("disk_engine_block_cache_misses", tickers.GetValueOrDefault("rocksdb.block.cache.miss").ToString());
        yield return ("disk_engine_wal_bytes", tickers.GetValueOrDefault("rocksdb.wal.bytes").ToString());
        yield return ("disk_engine_wal_syncs", tickers.GetValueOrDefault("rocksdb.wal.synced").ToString());
        // Write batches that went through the WAL: one per write command (MSET's keys together), so a crash keeps all of one or none.
        yield return ("disk_engine_wal_writes", tickers.GetValueOrDefault("rocksdb.write.wal").ToString());
        // Bytes commands read (point reads and iterators, not compactions): what a command's cost grows with.
        yield return ("disk_engine_bytes_read", (tickers.GetValueOrDefault("rocksdb.bytes.read") + tickers.GetValueOrDefault("rocksdb.db.iter.bytes.read")).ToString());
        yield return ("disk_engine_expired_keys_compacted", _expiredKeys.Removed.ToString());
        yield return ("disk_engine_stale_subkeys_compacted", _staleSubkeys.Removed.ToString());
    }

    private string Property(ColumnFamily family, string name) => (Db.IntProperty(family, name) ?? 0).ToString();

    private string Sum(string name) =>
        DiskFormat.Families.Sum(f => (long)(Db.IntProperty(Db.Family(f), name) ?? 0)).ToString();

    /// <summary>The counts record: keys, keys with an expiry, and the replication offset the batch brings the data to.</summary>
    private void PutCounts(WriteBatch batch, long keys, long volatileKeys, long streamOffset)
    {
        Span<byte> counts = stackalloc byte[24];
        BinaryPrimitives.WriteInt64LittleEndian(counts, keys);
        BinaryPrimitives.WriteInt64LittleEndian(counts[8..], volatileKeys);
        BinaryPrimitives.WriteInt64LittleEndian(counts[16..], streamOffset);
        batch.Put(Default, DiskFormat.CountsKey, counts);
    }

    /// <summary>Reads the counts record (16 bytes before replication kept its offset there).</summary>
    private (long Keys, long Volatile, long StreamOffset) ReadCounts()
    {
        if (!Db.TryGet(Default, DiskFormat.CountsKey, out var counts))
            return (0, 0, 0);
        using (counts)
        {
            var span = counts.Span;
            if (span.Length is not (16 or 24))
                throw new InvalidDataException($"the key counts record has {span.Length} bytes, not 24: damaged database");
            return (BinaryPrimitives.ReadInt64LittleEndian(span), BinaryPrimitives.ReadInt64LittleEndian(span[8..]),
                span.Length == 24 ? BinaryPrimitives.ReadInt64LittleEndian(span[16..]) : 0);
        }
    }

    public void Dispose()
    {
        StopRecount();
        try
        {
            if (!_disposed)
                Db.FlushWal(sync: true);   // writes no command flushed (lazy expiry, say) are not left in RocksDB's buffer
        }
        finally
        {
            _disposed = true;
            Db.Dispose();
            _expiredKeys.Dispose();
            _staleSubkeys.Dispose();
        }
    }
}
