using System.Collections.Concurrent;
using FASTER.core;
using Istore.Net.Server;
using Microsoft.Extensions.Logging;

namespace Istore.Node.Engine.Memory;

/// <summary>
/// The redis-like engine: a FASTER KV of SpanByte keys and values. The hybrid log keeps the
/// newest <c>MemoryBytes</c> in RAM and spills older pages to <c>dir/hlog</c>; snapshot
/// checkpoints in <c>dir/checkpoints</c> carry a cookie (the log position to replay from). A
/// checkpoint's older ones are removed only once it is known whole (<see cref="FasterErrors"/>).
/// </summary>
public sealed class MemoryEngine : IStorageEngine
{
    private readonly IDevice _device;
    private readonly FasterKVSettings<SpanByte, SpanByte> _settings;
    private readonly DeferredMetadataCheckpoints _checkpoints;
    private readonly FasterErrors _errors;
    private readonly ConcurrentDictionary<long, byte> _issuedCursors = new();
    private readonly string _objectsDirectory;
    private long _keyCount;
    private long _volatileKeyCount;
    private long _stringBytes;
    private ClientSession<SpanByte, SpanByte, SpanByte, StringOutput, Empty, StringStoreFunctions>? _maintenanceSession;
    private long _bytesPerLiveRecord = 64;
    private long _compactions;
    /// <summary>Reads that waited for the disk (a record spilled past the memory budget).</summary>
    internal long PendingReads;
    /// <summary>Writes that waited for the disk to read a spilled record, the keyspace write lock held.</summary>
    internal long PendingWrites;
    private long _compactionsSkipped;
    private long _indexGrowths;

    /// <summary>
    /// Compaction and FASTER's checkpoint never run at once. A compaction makes the whole log
    /// read-only, so FASTER flushes all of it; a checkpoint that met that flush waited behind it
    /// for its metadata write, inside a state transition every writer spins on (a SET took 900 ms,
    /// its event loop in FASTER's retry loop: perf/semisync-stall.sh, RESULTS.md session 18).
    /// An index growth is a state machine of FASTER's too, and FASTER runs one at a time.
    /// </summary>
    private readonly SemaphoreSlim _logWork = new(1, 1);

    public MemoryEngine(MemoryEngineOptions options, ILogger? logger = null)
    {
        Options = options;
        System.IO.Directory.CreateDirectory(options.Directory);
        _device = Devices.CreateLogDevice(Path.Combine(options.Directory, "hlog"), preallocateFile: false);
        _checkpoints = new DeferredMetadataCheckpoints(new DirectoryInfo(Path.Combine(options.Directory, "checkpoints")).FullName);
        _errors = new FasterErrors(logger);
        // Records never span pages, so a page start is always a valid scan cursor, and a page is the
        // largest record FASTER accepts. An idle node holds about two pages in RAM.
        long pageBytes = Math.Min(Pow2Floor(options.PageBytes), Pow2Floor(options.MemoryBytes / 4));
        _settings = new FasterKVSettings<SpanByte, SpanByte>
        {
            LogDevice = _device,
            IndexSize = Pow2Floor(Math.Max(options.IndexBytes, 64 * 1024)),
            PageSize = pageBytes,
            MemorySize = Math.Max(Pow2Floor(options.MemoryBytes), pageBytes * 4),
            CheckpointManager = _checkpoints,
            TryRecoverLatest = true,
        };
        _errors.Attach(_settings);
        Store = new FasterKV<SpanByte, SpanByte>(_settings);
        // With at least one empty page, FASTER frees a page's memory when the page is closed
        // (instead of keeping every page it ever allocated), so compaction gives RAM back.
        Store.Log.SetEmptyPageCount(1, wait: true);
        RecoveredCookie = Store.RecoveredCommitCookie;
        _objectsDirectory = Path.Combine(options.Directory, "objects");
        System.IO.Directory.CreateDirectory(_objectsDirectory);
        if (RecoveredCookie is not null)
            ObjectSnapshotFile.Load(SnapshotPath(RecoveredCookie), Objects);
        using var counter = new MemorySession(this);
        (_keyCount, _volatileKeyCount, _stringBytes) = counter.CountLiveKeys();
    }

    public MemoryEngineOptions Options { get; }

    internal FasterKV<SpanByte, SpanByte> Store { get; }

    internal ObjectSpace Objects { get; } = new();

    public string Name => "memory";

    public bool PinsObjects => true;

    /// <summary>Strings beyond a FASTER record (<see cref="MaxStoreRecordBytes"/>) live in the object space: as large as the disk engine's.</summary>
    public long MaxRecordBytes => 1L << 30;

    /// <summary>The largest key plus value one record of the log holds: a record must fit in a page.</summary>
    internal long MaxStoreRecordBytes => _settings.PageSize - 64;

    public long KeyCount => Volatile.Read(ref _keyCount) + Objects.Count;

    public byte[]? RecoveredCookie { get; }

    public IEngineSession CreateSession() => new MemorySession(this);

    public long VolatileKeyCount => Volatile.Read(ref _volatileKeyCount) + Objects.VolatileCount;

    /// <summary>
    /// What a key costs besides its bytes in the dataset estimate: the record header, the length
    /// prefixes, alignment and the index entry (MEMORY USAGE's figure).
    /// </summary>
    public const int KeyOverhead = 48;

    /// <summary>Strings' bytes (tracked exactly per write and delete) plus the collections' estimate.</summary>
    public long? DatasetBytes => Volatile.Read(ref _stringBytes) + Objects.Bytes;

    internal static long StringBytes(int keyLength, int valueLength) => KeyOverhead + keyLength + valueLength;

    /// <summary>Some records live only on disk: the log's head (the oldest page in memory) has moved past its begin.</summary>
    internal bool HasSpilled => Store.Log.HeadAddress > Store.Log.BeginAddress;

    internal void AddKeys(int keys, int volatileKeys, long bytes)
    {
        if (keys != 0) Interlocked.Add(ref _keyCount, keys);
        if (volatileKeys != 0) Interlocked.Add(ref _volatileKeyCount, volatileKeys);
        if (bytes != 0) Interlocked.Add(ref _stringBytes, bytes);
    }

    /// <summary>
    /// Collections are captured at the log boundary exactly (their log records are not idempotent)
    /// and written out while writes go on (<see cref="ObjectCapture"/>); strings go through FASTER's
    /// snapshot, whose records are. The object file is complete before FASTER commits the cookie
    /// that names it.
    /// </summary>
    public Func<Task> BeginCheckpoint(byte[] cookie, Keyspace.KeyspaceLock writeLock)
    {
        string path = SnapshotPath(cookie);
        var file = new ObjectSnapshotFile(path);
        ObjectCapture capture;
        try
        {
            capture = Objects.BeginCapture(CaptureSlot.Checkpoint, writeLock, file.Writer, ObjectSnapshotFile.WriteEntry);
            file.Writer.WriteVarUInt((ulong)capture.Expected);
        }
        catch
        {
            file.Dispose();
            throw;
        }
        return async () =>
        {
            using (file)
            {
                await Task.Run(() => Objects.Complete(capture)).ConfigureAwait(false);
                file.Commit();
            }
            Store.CommitCookie = cookie;
            long errors = _errors.Count;
            await _logWork.WaitAsync().ConfigureAwait(false);
            bool success;
            Guid token;
            try
            {
                (success, token) = await Store.TakeFullCheckpointAsync(CheckpointType.Snapshot).ConfigureAwait(false);
            }
            finally
            {
                _logWork.Release();
            }
            if (!success)
                throw new InvalidOperationException("FASTER could not start a checkpoint (another one is running)");
            try
            {
                if (_errors.Count != errors)
                    throw new IOException("the checkpoint could not be written whole: " + _errors.Last);
                _checkpoints.WritePending();
            }
            catch
            {
                // Recovery must not pick it: the previous checkpoint and the log since stay the truth.
                _checkpoints.Purge(token);
                throw;
            }
            foreach (var older in _checkpoints.GetLogCheckpointTokens().Concat(_checkpoints.GetIndexCheckpointTokens()).Distinct().Where(t => t != token).ToList())
                _checkpoints.Purge(older);
            ObjectSnapshotFile.DeleteAllBut(_objectsDirectory, path);
        };
    }

    /// <summary>
    /// Collections are captured at this offset exactly (their stream records are not idempotent);
    /// strings are read from the live store afterwards. A string changed meanwhile is written at
    /// its newer value, which the stream from this offset sets again: string records are absolute,
    /// so replaying them over a newer value converges.
    /// </summary>
    public IDatasetSnapshot BeginDatasetSnapshot(string workDirectory, Keyspace.KeyspaceLock writeLock) => new MemoryDatasetSnapshot(this, writeLock);

    private string SnapshotPath(byte[] cookie) => Path.Combine(_objectsDirectory, Convert.ToHexStringLower(cookie) + ".snap");

    /// <summary>Remembers a cursor handed to a client, so a forged one can be told apart.</summary>
    internal void IssueCursor(long cursor)
    {
        if (_issuedCursors.Count > 100_000)
            _issuedCursors.Clear();
        _issuedCursors[cursor] = 0;
    }

    /// <summary>
    /// A scan must start on a record boundary: cursors we issued are, page starts are;
    /// anything else (a client's invention) is moved back to the start of its page.
    /// </summary>
    internal long ToScanAddress(long cursor)
    {
        long begin = Store.Log.BeginAddress;
        if (cursor == 0 || cursor <= begin)
            return begin;
        if (_issuedCursors.ContainsKey(cursor))
            return cursor;
        long page = cursor & ~(_settings.PageSize - 1);
        return Math.Max(page, begin);
    }

    internal long RandomAddress()
    {
        long begin = Store.Log.BeginAddress, tail = Store.Log.TailAddress;
        if (tail <= begin)
            return begin;
        long page = Random.Shared.NextInt64(begin, tail) & ~(_settings.PageSize - 1);
        return Math.Max(page, begin);
    }

    /// <summary>
    /// Compacts the log once dead records (overwritten, deleted, or copied by checkpoints) make up
    /// about half of it, or when no key is left: everything becomes read-only, live records are copied to the tail, and
    /// the log's begin moves past the rest, so memory and the spill file stop growing with churn.
    /// The live size per key is learnt from each compaction.
    /// </summary>
    public void Maintain(CancellationToken stop)
    {
        GrowIndexWhileCrowded(stop);
        bool compacted = CompactLog(stop);
        if (Objects.TakeLargeRemoval() && !compacted)
            MemoryGiveBack.Request();   // removed big collections
    }

    /// <summary>
    /// Doubles FASTER's hash index while it holds more than <see cref="KeysPerBucket"/> string keys a
    /// bucket. A bucket (one cache line) has seven entries; past them a lookup walks overflow
    /// buckets, one more cache miss each, so a fixed index slows every command as the keyspace grows
    /// (GET over 20 M keys ran at 0.6× redis-server's speed with the 16 MB index this node once had).
    /// The split is FASTER's own and online: this thread splits chunk after chunk, and a command that
    /// meets an unsplit chunk splits that one (16,384 buckets) first. Never beside a checkpoint or
    /// a compaction; recovery restores the index at the size its checkpoint had.
    /// </summary>
    private void GrowIndexWhileCrowded(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested && WantsMaintenance)
        {
            if (!_logWork.Wait(0))
                return;   // a checkpoint or a compaction is running: next time
            try
            {
                if (!Store.GrowIndex())
                    return;
            }
            finally
            {
                _logWork.Release();
            }
            Interlocked.Increment(ref _indexGrowths);
        }
    }

    private const int KeysPerBucket = 4;

    public bool WantsMaintenance => Volatile.Read(ref _keyCount) > Store.IndexSize * KeysPerBucket;

    private bool CompactLog(CancellationToken stop)
    {
        var log = Store.Log;
        long tail = log.TailAddress;
        long size = tail - log.BeginAddress;
        long strings = Volatile.Read(ref _keyCount);
        bool empty = strings == 0 && size > _settings.PageSize;
        if (!empty && (size < 4 * _settings.PageSize || size < 2 * strings * _bytesPerLiveRecord))
            return false;
        if (!_logWork.Wait(0))
            return false;   // a checkpoint is running: next time
        try
        {
            _maintenanceSession ??= Store.For(new StringStoreFunctions()).NewSession<StringStoreFunctions>();
            log.ShiftReadOnlyAddress(tail, wait: false);
            if (!WaitReadOnly(tail, stop))
                return false;
            long begin = _maintenanceSession.Compact(tail, CompactionType.Lookup);
            if (log.HeadAddress < begin)
            {
                log.ShiftHeadAddress(begin, wait: false);   // close (and free) the dead pages still in memory, once the epoch allows
                _maintenanceSession.Refresh();
            }
        }
        finally
        {
            _logWork.Release();
        }
        MemoryGiveBack.Request();   // the freed log pages (large pinned arrays)
        strings = Volatile.Read(ref _keyCount);
        if (strings > 0)
            _bytesPerLiveRecord = Math.Max(32, (log.TailAddress - log.BeginAddress) / strings);
        Interlocked.Increment(ref _compactions);
        return true;
    }

    /// <summary>
    /// Waits until the log is read-only up to <paramref name="address"/>, which compaction needs.
    /// FASTER's own wait (<c>ShiftReadOnlyAddress(wait: true)</c>) yields without draining the
    /// epoch, so it relies on another thread to run the shift's epoch action and the flush behind
    /// it; a node being stopped, its other threads idle, once spun in it at 100% CPU, its
    /// housekeeping thread never joining. Here each round refreshes the maintenance session, which
    /// runs pending epoch actions, and the wait ends on shutdown or after <see cref="ShiftWaitLimit"/>:
    /// compaction is then skipped this time (INFO memory_engine_compactions_skipped).
    /// </summary>
    private bool WaitReadOnly(long address, CancellationToken stop)
    {
        long deadline = Environment.TickCount64 + (long)ShiftWaitLimit.TotalMilliseconds;
        while (Store.Log.SafeReadOnlyAddress < address)
        {
            if (stop.IsCancellationRequested || Environment.TickCount64 > deadline)
            {
                Interlocked.Increment(ref _compactionsSkipped);
                return false;
            }
            _maintenanceSession!.Refresh();
            Thread.Sleep(1);
        }
        return true;
    }

    private static readonly TimeSpan ShiftWaitLimit = TimeSpan.FromSeconds(30);

    public IEnumerable<(string Name, string Value)> Stats()
    {
        var log = Store.Log;
        yield return ("memory_engine_log_memory_bytes", log.MemorySizeBytes.ToString());
        yield return ("memory_engine_log_begin_address", log.BeginAddress.ToString());
        yield return ("memory_engine_log_head_address", log.HeadAddress.ToString());
        yield return ("memory_engine_log_tail_address", log.TailAddress.ToString());
        yield return ("memory_engine_index_bytes", (Store.IndexSize * 64).ToString());
        yield return ("memory_engine_index_growths", Interlocked.Read(ref _indexGrowths).ToString());
        yield return ("memory_engine_overflow_buckets", Store.OverflowBucketCount.ToString());
        yield return ("memory_engine_compactions", Interlocked.Read(ref _compactions).ToString());
        yield return ("memory_engine_pending_reads", Interlocked.Read(ref PendingReads).ToString());
        yield return ("memory_engine_pending_writes", Interlocked.Read(ref PendingWrites).ToString());
        yield return ("memory_engine_compactions_skipped", Interlocked.Read(ref _compactionsSkipped).ToString());
        yield return ("ranklist_members", Objects.RankListMembers.Count.ToString());
    }

    private static long Pow2Floor(long value) => value <= 1 ? 1 : 1L << (63 - (int)long.LeadingZeroCount(value));

    public void Dispose()
    {
        _maintenanceSession?.Dispose();
        _logWork.Dispose();
        Store.Dispose();
        _checkpoints.Dispose();
        _device.Dispose();
    }
}
