using Istore.Net.Server;
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
/// A write or sync the disk refuses (a full disk) never stops the node: as Redis's AOF, the log
/// cuts the segment back to its last whole record, keeps the unwritten bytes in order, reports
/// <see cref="Failure"/> (writes are refused with -MISCONF meanwhile) and retries at most twice a
/// second (housekeeping asks every second) until a write succeeds.
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
    private SafeFileHandle? _file;
    /// <summary>Bytes of whole records in the current segment: where the next write goes, and what a failed one is cut back to.</summary>
    private long _fileLength;
    /// <summary>Records taken from the buffer whose write failed; written before anything newer.</summary>
    private (byte[] Buffer, int Length)? _stalled;
    private volatile string? _failure;
    private volatile bool _syncFailed;
    private long _nextAttemptMs;
    private readonly List<Action> _whenWritten = [];
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
        _fileLength = RandomAccess.GetLength(_file);
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
        get { lock (_bufferLock) return Volatile.Read(ref _fileLength) + (_stalled?.Length ?? 0) + _pending.Length; }
    }

    /// <summary>
    /// Why the last write or sync failed, as Redis words it after -MISCONF ("Errors writing to the
    /// AOF file: No space left on device"); null while the log writes (aof_last_write_status:ok).
    /// </summary>
    public string? Failure => _failure;

    /// <summary>
    /// Runs <paramref name="written"/> once every record appended so far is written: now if the log
    /// is not failing, else on the thread whose retry succeeds.
    /// </summary>
    public void WhenWritten(Action written)
    {
        lock (_whenWritten)
        {
            if (_failure is not null)
            {
                _whenWritten.Add(written);
                return;
            }
        }
        written();
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

    /// <summary>Bytes the running command has appended so far (caller holds the keyspace write lock).</summary>
    internal int RunningCommandLength
    {
        get { lock (_bufferLock) return _pending.Length - _commandStart; }
    }

    /// <summary>
    /// Inserts a record <paramref name="offset"/> bytes into the running command's records (a
    /// transaction's MULTI, which is needed only once its second record comes). Caller holds the
    /// keyspace write lock; the running command's records are never flushed, so they are all here.
    /// </summary>
    internal void InsertIntoCommand(int offset, ReadOnlySpan<byte> record)
    {
        lock (_bufferLock)
        {
            _pending.Insert(_commandStart + offset, record);
            _appendedBytes += record.Length;
        }
    }

    /// <summary>The pending bytes a flush may take: all of them, or those before a running command.</summary>
    private int Flushable => _commandStart < 0 ? _pending.Length : _commandStart;

    /// <summary>Takes the first <paramref name="length"/> pending bytes (caller holds the buffer lock); a running command's records move to the front.</summary>
    /// <summary>
    /// The buffer just written out becomes the next spare, unless a large record grew it: then it is let
    /// go (a 200 MB SET's buffer, kept as the spare while the node stays quiet, held its RSS up).
    /// </summary>
    private void KeepSpare(byte[] buffer)
    {
        if (buffer.Length > 4 * 1024 * 1024)
        {
            MemoryGiveBack.Dropped(buffer.Length);
            buffer = new byte[64 * 1024];
        }
        _spare = buffer;
    }

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
    /// began; a segment rotated away meanwhile was synced by the rotation. Returns false when the
    /// records are not all written (and synced, if asked): the log is failing (<see cref="Failure"/>).
    /// </summary>
    public bool Flush(bool fsync)
    {
        if (_engineLog is not null)
        {
            FlushEngineLog(_engineLog, fsync || Policy == FsyncPolicy.Always);
            return true;
        }
        SafeFileHandle handle;
        long written;
        lock (_fileLock)
        {
            bool failing = _failure is not null;
            if (failing && Environment.TickCount64 < _nextAttemptMs)
                return false;
            fsync |= _syncFailed;   // a failed sync is cleared only by one that succeeds
            if (_stalled is { } stalled)
            {
                if (!WriteOut(stalled.Buffer, stalled.Length))
                    return false;
                _stalled = null;
            }
            byte[] buffer;
            int length;
            lock (_bufferLock)
            {
                if (Flushable == 0 && !(fsync && _syncedBytes < _writtenBytes) && !failing)
                    return true;
                (buffer, length) = Take(_spare, Flushable);
            }
            if (length > 0 && !WriteOut(buffer, length))
            {
                _stalled = (buffer, length);
                _spare = new byte[64 * 1024];
                return false;
            }
            KeepSpare(buffer);
            if (!fsync && Policy != FsyncPolicy.Always)
            {
                if (failing)
                    Recovered();
                return true;
            }
            handle = _file!;
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
        catch (IOException ex)
        {
            lock (_fileLock)
            {
                _syncFailed = true;
                Failed(ex);
            }
            return false;
        }
        _syncFailed = false;
        lock (_bufferLock)
            _syncedBytes = Math.Max(_syncedBytes, written);
        if (_failure is not null)
            lock (_fileLock)
                if (_stalled is null && Environment.TickCount64 >= _nextAttemptMs)
                    Recovered();
        return true;
    }

    /// <summary>
    /// Writes whole records at the segment's end (caller holds the file lock). A write cut short is
    /// cut back off the file, as Redis's ftruncate after a short AOF write, so the segment never holds
    /// a torn record before later ones; even if that fails, the next write goes to the same place.
    /// </summary>
    private bool WriteOut(byte[] buffer, int length)
    {
        try
        {
            RandomAccess.Write(_file!, buffer.AsSpan(0, length), _fileLength);
        }
        catch (IOException ex)
        {
            try { RandomAccess.SetLength(_file!, _fileLength); }
            catch (IOException) { /* the next write overwrites the partial bytes */ }
            Failed(ex);
            return false;
        }
        Volatile.Write(ref _fileLength, _fileLength + length);
        _writtenBytes += length;
        Backlog?.Append(buffer.AsSpan(0, length));
        return true;
    }

    /// <summary>Marks the log failing with Redis's words for the error (caller holds the file lock).</summary>
    private void Failed(IOException ex)
    {
        _nextAttemptMs = Environment.TickCount64 + RetryIntervalMs;
        string reason = ex.HResult is > 0 and < 4096 ? System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(ex.HResult) : ex.Message;
        if (_failure is null)
            _logger.LogWarning("Error writing to the append-only log: {Reason}; writes are refused until it succeeds (retried every second)", reason);
        _failure = "Errors writing to the AOF file: " + reason;
    }

    /// <summary>A retry wrote everything that was waiting: writes are accepted again and held replies go (caller holds the file lock).</summary>
    private void Recovered()
    {
        Action[] waiting;
        lock (_whenWritten)
        {
            _failure = null;
            waiting = [.. _whenWritten];
            _whenWritten.Clear();
        }
        _logger.LogWarning("Append-only log write error looks solved: writes are accepted again");
        foreach (var written in waiting)
            written();
    }

    /// <summary>How often a failing log tries again (housekeeping asks every second; event loops may ask between).</summary>
    private const int RetryIntervalMs = 500;

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
                KeepSpare(Take(_spare, flushable).Buffer);
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

    /// <summary>
    /// Closes the current segment and starts the next; returns the new segment's number. A failing
    /// log does not rotate (its records must go to the current segment first): it throws, and the
    /// checkpoint that asked fails with nothing lost.
    /// </summary>
    public long Rotate()
    {
        lock (_fileLock)
        {
            lock (_bufferLock)
            {
                _changes = 0;   // a checkpoint rotates as it begins: what follows is not in it
                if (_file is null)
                    return ++CurrentSegment;
                if (_failure is { } failure)
                    throw new IOException(failure);
                var (buffer, length) = Take(_spare, _pending.Length);
                if (!WriteOut(buffer, length))
                {
                    _stalled = (buffer, length);
                    _spare = new byte[64 * 1024];
                    throw new IOException(_failure);
                }
                KeepSpare(buffer);
                RandomAccess.FlushToDisk(_file);
                var next = OpenSegment(CurrentSegment + 1);
                _file.Dispose();
                _file = next;
                _fileLength = 0;
                CurrentSegment++;
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

    /// <summary>Opens a segment to write at its end (explicit offsets, not O_APPEND, so a failed write can be overwritten in place).</summary>
    private SafeFileHandle OpenSegment(long number)
    {
        var path = SegmentPath(_directory!, number);
        _logger.LogDebug("Appending to {Path}", path);
        return File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read);
    }

    public void Dispose()
    {
        Flush(fsync: true);
        _file?.Dispose();
    }
}
