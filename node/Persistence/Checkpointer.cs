using System.Diagnostics;
using Istore.Node.Hosting;
using Istore.Node.Keyspace;
using Microsoft.Extensions.Logging;

namespace Istore.Node.Persistence;

/// <summary>
/// Takes checkpoints (SAVE, BGSAVE, automatically as the log grows, at shutdown): start a new log
/// segment, snapshot the engine with that segment number as its cookie, then delete the older
/// segments. Recovery loads the snapshot and replays from that segment on.
/// </summary>
public sealed class Checkpointer(Database db, Admin.LatencyMonitor latency, ILogger logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public long LastSaveUnixSeconds { get; private set; } = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    public bool InProgress => _gate.CurrentCount == 0;

    public bool LastSucceeded { get; private set; } = true;

    public long Count { get; private set; }

    public long LastDurationMs { get; private set; } = -1;

    /// <summary>
    /// How long writers waited while the last checkpoint began (log rotation and the engine's
    /// capture, under the write lock), Redis's latest_fork_usec: its fork is the same moment. The
    /// latency monitor's "fork" event too.
    /// </summary>
    public long LastBeginMicroseconds { get; private set; }

    /// <summary>Checkpoints begun (Redis's total_forks).</summary>
    public long Begun { get; private set; }

    /// <summary>
    /// The data the last completed checkpoint holds (Redis's aof_base_size): the engine's dataset
    /// estimate when it began (0 while the engine does not measure it); until then, the data recovered at start.
    /// </summary>
    public long BaseBytes { get; private set; } = db.Engine.DatasetBytes ?? 0;

    /// <summary>
    /// Redis's auto-aof-rewrite rule: the log has grown past <paramref name="minBytes"/> and by
    /// <paramref name="percent"/> of <see cref="BaseBytes"/> (0 percent: never by itself). So a
    /// dataset of gigabytes, which each memory checkpoint writes whole, is not rewritten after every
    /// 64 MB of writes (measured: 650 MB of strings under SET load were checkpointed back to back).
    /// The disk engine keeps no log files of its own (RocksDB's WAL is its log): it never grows one.
    /// </summary>
    public bool Due(long logBytes, long minBytes, long percent) =>
        percent > 0 && logBytes > minBytes && logBytes * 100.0 >= BaseBytes * (double)percent;

    public async Task CheckpointAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await RunAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Starts a checkpoint in the background unless one is running (BGSAVE). The gate is taken
    /// before returning, so INFO and a second BGSAVE see it in progress at once.
    /// </summary>
    public bool TryStartBackground()
    {
        if (!_gate.Wait(0))
            return false;
        _ = Task.Run(async () =>
        {
            try { await RunAsync().ConfigureAwait(false); }
            catch (Exception) { /* logged by RunAsync and reflected in INFO persistence */ }
            finally { _gate.Release(); }
        });
        return true;
    }

    /// <summary>One checkpoint; the caller holds the gate.</summary>
    private async Task RunAsync()
    {
        try
        {
            var watch = Stopwatch.StartNew();
            long segment;
            Func<Task> finish;
            long data;
            var cookie = new byte[16];
            // Rotate between write commands: a multi-key command's MULTI … EXEC group must not
            // straddle two segments (replaying the older one alone would cut the open group off as
            // a torn tail, losing half of an acknowledged command if this checkpoint never completes).
            // The engine captures its non-idempotent state (collections) at this same boundary.
            // The rotation syncs the segment it closes under the write lock (nothing of the next
            // segment may reach the disk first); syncing it here, with no lock held, leaves that
            // sync only the records written since: under everysec it could otherwise be a second of
            // writes, and every client would wait for the disk that long.
            db.Log.Flush(fsync: true);
            long locked;
            using (db.Lock.Hold())
            {
                locked = Stopwatch.GetTimestamp();
                segment = db.Log.Rotate();
                BitConverter.TryWriteBytes(cookie.AsSpan(), segment);
                BitConverter.TryWriteBytes(cookie.AsSpan(8), db.Log.StreamOffset);
                finish = db.Engine.BeginCheckpoint(cookie, db.Lock);
                data = db.Engine.DatasetBytes ?? 0;
            }
            LastBeginMicroseconds = (long)Stopwatch.GetElapsedTime(locked).TotalMicroseconds;
            Begun++;
            latency.Sample("fork", LastBeginMicroseconds / 1000);
            await finish().ConfigureAwait(false);
            // Records written during the snapshot may be in it: make them durable in the log
            // before the segments it replaces go away.
            db.Log.Flush(fsync: true);
            db.Log.DeleteSegmentsBefore(segment);
            BaseBytes = data;   // only once it holds the data: a failed checkpoint is retried at the old base's pace
            LastSaveUnixSeconds = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            LastDurationMs = watch.ElapsedMilliseconds;
            LastSucceeded = true;
            Count++;
            Log.CheckpointDone(logger, watch.ElapsedMilliseconds, segment);
        }
        catch (Exception ex)
        {
            LastSucceeded = false;
            Log.CheckpointFailed(logger, ex);
            throw;
        }
    }

    /// <summary>The segment number a checkpoint's cookie names (the first segment to replay).</summary>
    public static long SegmentFromCookie(byte[]? cookie) => cookie is { Length: 8 or 16 } ? BitConverter.ToInt64(cookie) : 1;

    /// <summary>The replication offset at that segment's start (cookies from before replication have none: 0).</summary>
    public static long OffsetFromCookie(byte[]? cookie) => cookie is { Length: 16 } ? BitConverter.ToInt64(cookie, 8) : 0;
}
