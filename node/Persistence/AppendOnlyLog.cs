using Istore.Node.Engine;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Istore.Node.Persistence;

/// <summary>
/// The append-only log of write effects, in numbered segment files (<c>dir/aof/00000001.aof</c>).
/// Every mutation appends its effect while holding the keyspace write lock, so the log order is
/// the apply order. Event loops flush once per batch before replying; a checkpoint starts a new
/// segment and, once durable, deletes the older ones. For an engine with its own write-ahead log
/// (<see cref="ISelfDurableEngine"/>) there are no files: records are framed and counted (the
/// write stream replication will follow) and dropped, and a flush flushes (and syncs) the engine's log.
/// </summary>
public sealed class AppendOnlyLog : IDisposable
{
    private readonly object _bufferLock = new();
    private readonly object _fileLock = new();
    private readonly string? _directory;
    private readonly ISelfDurableEngine? _engineLog;
    private readonly ILogger _logger;
    private readonly LogRecordWriter _pending = new();
    private byte[] _spare = new byte[64 * 1024];
    private FileStream? _file;
    private long _appendedBytes;
    private long _changes;
    private long _changesAtCommandStart;
    private long _writtenBytes;
    private long _syncedBytes;

    public AppendOnlyLog(string directory, FsyncPolicy policy, long firstSegment, ILogger logger)
    {
        _directory = directory;
        _logger = logger;
        Policy = policy;
        Directory.CreateDirectory(directory);
        CurrentSegment = Math.Max(firstSegment, LastSegmentOnDisk(directory));
        _file = OpenSegment(CurrentSegment);
    }

    /// <summary>A log without files over an engine that logs its own writes.</summary>
    public AppendOnlyLog(ISelfDurableEngine engineLog, FsyncPolicy policy, ILogger logger)
    {
        _engineLog = engineLog;
        _logger = logger;
        Policy = policy;
        CurrentSegment = 1;
    }

    public FsyncPolicy Policy { get; set; }

    public long CurrentSegment { get; private set; }

    /// <summary>Bytes in the current segment, on disk or pending (drives automatic checkpoints).</summary>
    public long CurrentSegmentBytes
    {
        get { lock (_bufferLock) return (_file?.Length ?? 0) + _pending.Length; }
    }

    /// <summary>Total bytes appended since start (INFO aof_appended_bytes).</summary>
    public long AppendedBytes => Interlocked.Read(ref _appendedBytes);

    /// <summary>
    /// Records that changed data since the last checkpoint began (INFO rdb_changes_since_last_save):
    /// one per changing command, where Redis counts changed elements (MSET of two keys: 1 here, 2 there).
    /// </summary>
    public long ChangesSinceCheckpoint
    {
        get { lock (_bufferLock) return _changes; }
    }

    /// <summary>The replication offset of the first byte this process appends (what recovery found).</summary>
    public long StreamBase { get; set; }

    /// <summary>The replication offset: stream bytes ever appended under this history (master_repl_offset).</summary>
    public long StreamOffset => StreamBase + AppendedBytes;

    /// <summary>Where flushed records go on their way to replicas; fed in log order.</summary>
    public Replication.ReplicationBacklog? Backlog { get; set; }

    /// <summary>
    /// Appends stream bytes as received from a master (whole records). A replica logs exactly its
    /// master's stream, so its offsets, its log and its backlog match the master's byte for byte.
    /// Caller holds the keyspace write lock.
    /// </summary>
    public void AppendRaw(ReadOnlySpan<byte> records)
    {
        lock (_bufferLock)
        {
            _pending.Raw(records);
            _appendedBytes += records.Length;
        }
    }

    /// <summary>Moves the offset (a replica that loaded a snapshot taken at <paramref name="offset"/>). Caller holds the keyspace write lock.</summary>
    public void ResetStream(long offset)
    {
        lock (_bufferLock)
            StreamBase = offset - _appendedBytes;
    }

    /// <summary>Where the running command's records start in the pending buffer; -1 when no command runs.</summary>
    private int _commandStart = -1;

    /// <summary>
    /// A command starts (caller holds the keyspace write lock): until it ends, flushes take only the
    /// records before it, so a command that fails can take its records back (see <see cref="EndCommand"/>).
    /// </summary>
    public void BeginCommand()
    {
        lock (_bufferLock)
        {
            _commandStart = _pending.Length;
            _changesAtCommandStart = _changes;
        }
    }

    /// <summary>The command ended: its records become flushable, or with <paramref name="keep"/> false are dropped (its effect was rolled back).</summary>
    public void EndCommand(bool keep)
    {
        lock (_bufferLock)
        {
            if (!keep)
            {
                _appendedBytes -= _pending.Length - _commandStart;
                _pending.Truncate(_commandStart);
                _changes = _changesAtCommandStart;
            }
            _commandStart = -1;
        }
    }

    /// <summary>The pending bytes a flush may take: all of them, or those before a running command.</summary>
    private int Flushable => _commandStart < 0 ? _pending.Length : _commandStart;

    /// <summary>Takes the first <paramref name="length"/> pending bytes (caller holds the buffer lock); a running command's records move to the front.</summary>
    private (byte[] Buffer, int Length) Take(byte[] spare, int length)
    {
        if (_commandStart >= 0)
            _commandStart = Math.Max(0, _commandStart - length);
        return _pending.Swap(spare, length);
    }

    /// <summary>
    /// Opens the pending buffer to append a record (counted as a change unless it is a marker or a
    /// PUBLISH); dispose the scope to release it. Caller holds the keyspace write lock.
    /// </summary>
    internal AppendScope BeginAppend(bool change)
    {
        Monitor.Enter(_bufferLock);
        return new AppendScope(this, _pending.Length, change);
    }

    internal readonly ref struct AppendScope(AppendOnlyLog log, int startLength, bool change)
    {
        public LogRecordWriter Writer => log._pending;

        public void Dispose()
        {
            if (change)
                log._changes++;
            log._appendedBytes += log._pending.Length - startLength;
            Monitor.Exit(log._bufferLock);
        }
    }

    /// <summary>
    /// Writes pending records to the OS under the file lock and, when asked or under <c>always</c>,
    /// syncs them to disk after releasing it: the everysec fsync on the housekeeping thread then
    /// does not hold every event loop's flush (and so its replies) for the length of a disk sync,
    /// and loops under <c>always</c> sync side by side. A sync covers every byte written before it
    /// began; a segment rotated away meanwhile was synced by the rotation.
    /// </summary>
    public void Flush(bool fsync)
    {
        if (_engineLog is not null)
        {
            FlushEngineLog(_engineLog, fsync || Policy == FsyncPolicy.Always);
            return;
        }
        SafeFileHandle handle;
        long written;
        lock (_fileLock)
        {
            byte[] buffer;
            int length;
            lock (_bufferLock)
            {
                if (Flushable == 0 && !(fsync && _syncedBytes < _writtenBytes))
                    return;
                (buffer, length) = Take(_spare, Flushable);
            }
            if (length > 0)
            {
                _file!.Write(buffer, 0, length);
                _file.Flush(flushToDisk: false);
                _writtenBytes += length;
                Backlog?.Append(buffer.AsSpan(0, length));
            }
            _spare = buffer.Length > 4 * 1024 * 1024 ? new byte[64 * 1024] : buffer;
            if (!fsync && Policy != FsyncPolicy.Always)
                return;
            handle = _file!.SafeFileHandle;
            written = _writtenBytes;
        }
        try
        {
            RandomAccess.FlushToDisk(handle);
        }
        catch (ObjectDisposedException)
        {
            // Rotate closed the segment after syncing it.
        }
        lock (_bufferLock)
            _syncedBytes = Math.Max(_syncedBytes, written);
    }

    /// <summary>
    /// The engine's log: its buffered writes reach the OS under the lock, but the fsync runs outside
    /// it (RocksDB syncs its WAL while writes go on), so the everysec fsync on the housekeeping
    /// thread does not hold every event loop's replies for the length of a disk sync.
    /// </summary>
    private void FlushEngineLog(ISelfDurableEngine engineLog, bool sync)
    {
        long written;
        lock (_fileLock)
        {
            lock (_bufferLock)
            {
                int flushable = Flushable;
                if (flushable == 0 && !(sync && _syncedBytes < _writtenBytes))
                    return;
                _writtenBytes += flushable;
                Backlog?.Append(_pending.Written[..flushable]);
                (_spare, _) = Take(_spare, flushable);
            }
            written = _writtenBytes;
            if (!sync)
            {
                engineLog.FlushLog(sync: false);
                return;
            }
        }
        engineLog.FlushLog(sync: true);
        lock (_bufferLock)
            _syncedBytes = Math.Max(_syncedBytes, written);
    }

    /// <summary>Closes the current segment and starts the next; returns the new segment's number.</summary>
    public long Rotate()
    {
        lock (_fileLock)
        {
            lock (_bufferLock)
            {
                _changes = 0;   // a checkpoint rotates as it begins: what follows is not in it
                if (_file is null)
                    return ++CurrentSegment;
                var (buffer, length) = Take(_spare, _pending.Length);
                _file.Write(buffer, 0, length);
                Backlog?.Append(buffer.AsSpan(0, length));
                _spare = buffer;
                _file.Flush(flushToDisk: true);
                _file.Dispose();
                CurrentSegment++;
                _file = OpenSegment(CurrentSegment);
                return CurrentSegment;
            }
        }
    }

    /// <summary>Deletes segments a durable checkpoint has made unnecessary.</summary>
    public void DeleteSegmentsBefore(long segment)
    {
        if (_directory is null)
            return;
        foreach (var (number, path) in Segments(_directory))
            if (number < segment)
                File.Delete(path);
    }

    internal static string SegmentPath(string directory, long number) => Path.Combine(directory, $"{number:D8}.aof");

    /// <summary>Segment files in order.</summary>
    internal static IEnumerable<(long Number, string Path)> Segments(string directory)
    {
        if (!Directory.Exists(directory))
            return [];
        return Directory.EnumerateFiles(directory, "*.aof")
            .Select(p => (Ok: long.TryParse(Path.GetFileNameWithoutExtension(p), out long n), Number: n, Path: p))
            .Where(s => s.Ok)
            .Select(s => (s.Number, s.Path))
            .OrderBy(s => s.Number);
    }

    private static long LastSegmentOnDisk(string directory) => Segments(directory).Select(s => s.Number).DefaultIfEmpty(1).Max();

    private FileStream OpenSegment(long number)
    {
        var path = SegmentPath(_directory!, number);
        _logger.LogDebug("Appending to {Path}", path);
        return new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, 1);
    }

    public void Dispose()
    {
        Flush(fsync: true);
        _file?.Dispose();
    }
}
