using System.Diagnostics;
using Istore.Net.Server;
using Istore.Node.Keyspace;
using Istore.Node.Persistence;
using Microsoft.Extensions.Logging;

namespace Istore.Node.Hosting;

/// <summary>
/// The node's housekeeping thread: active expiry and eviction every 100 ms (so expired keys do
/// not pile up when nobody reads them, and data over maxmemory goes), the everysec fsync, automatic checkpoints as the log grows, and the
/// engine's maintenance (compaction) every 5 seconds or when it asks, replication's timeouts every 100 ms, and the
/// memory of large arrays let go handed back (<see cref="MemoryGiveBack"/>).
/// </summary>
internal sealed class BackgroundTasks : IDisposable
{
    private readonly Database _db;
    private readonly Checkpointer _checkpointer;
    private readonly NodeConfig _config;
    private readonly ILogger _logger;
    private readonly KeyspaceSession _keyspace;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private long _expiryCursor;
    private readonly Admin.LatencyMonitor _latency;

    private readonly Replication.ReplicationHub _replication;
    private readonly ServerHost _host;

    public BackgroundTasks(Database db, Checkpointer checkpointer, NodeConfig config, Replication.ReplicationHub replication, ServerHost host,
        Admin.LatencyMonitor latency, ILogger logger)
    {
        _host = host;
        _latency = latency;
        _db = db;
        _replication = replication;
        _checkpointer = checkpointer;
        _config = config;
        _logger = logger;
        _keyspace = new KeyspaceSession(db) { NoTouch = true };
        _thread = new Thread(Run) { Name = "istore-background", IsBackground = true };
        _thread.Start();
    }

    private void Run()
    {
        long lastSecond = Environment.TickCount64;
        int seconds = 0;
        while (!_stop.Token.WaitHandle.WaitOne(100))
        {
            if (!_db.CronPaused)
            {
                Guard("active expiry", ExpireSome);
                Guard("eviction", Evict);
            }
            if (_db.Tracking.ClientCount > 0)
            {
                // Under the write lock, so never between the keys of one command (an MSET's reach a BCAST client in one message).
                using (_db.Lock.Hold())
                    _db.Tracking.FlushBroadcast();
            }
            Guard("replication", _replication.Tick);
            if (_db.TakeMaintenanceRequest() || _db.Engine.WantsMaintenance)
                Guard("engine maintenance", () => _db.Engine.Maintain(_stop.Token));
            if (Environment.TickCount64 - lastSecond < 1000)
                continue;
            lastSecond = Environment.TickCount64;
            WallClock.Calibrate();
            Guard("memory give-back", () => MemoryGiveBack.Tick(_host.BytesReceived + _replication.Offset));
            if (++seconds % 5 == 0)
                Guard("engine maintenance", () => _db.Engine.Maintain(_stop.Token));
            // Also the retry of a failing log (Redis's serverCron retries its AOF write every second).
            Guard("log fsync", () => _db.Log.Flush(fsync: _db.Log.Policy != FsyncPolicy.No));
            if (_checkpointer.Due(_db.Log.CurrentSegmentBytes, _config.CheckpointLogBytes, _config.CheckpointGrowthPercent) && _db.Log.Failure is null)
                _checkpointer.TryStartBackground();
        }
    }

    /// <summary>
    /// Like Redis's active expire cycle: bounded work per tick, resumed next tick. Up to about 10 ms
    /// while more than a tenth of the keys looked at had expired, as Redis keeps going only then;
    /// otherwise about 1 ms, so a keyspace of long TTLs is not walked over and over. A cycle that
    /// overran (one huge key can) is the latency monitor's "expire-cycle" event.
    /// </summary>
    private void ExpireSome()
    {
        if (_db.Engine.VolatileKeyCount == 0 || !_db.ExpiresKeys || !_db.ActiveExpiry)
            return;   // nothing can expire: no walk over the keyspace (a disk engine's would read it from disk)
        const int step = 256;
        long started = Stopwatch.GetTimestamp();
        double budgetMs;
        do
        {
            (_expiryCursor, int expired) = _keyspace.ExpireStep(_expiryCursor, step);
            budgetMs = expired > step / 10 ? 10 : 1;
        }
        while (_expiryCursor != 0 && Stopwatch.GetElapsedTime(started).TotalMilliseconds < budgetMs);
        _latency.Sample("expire-cycle", (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>
    /// Keys over maxmemory go here too, not only before writes: after CONFIG SET maxmemory lowers
    /// the limit, or when a write's own budget ran out. A replica evicts nothing (its master's DELs arrive).
    /// </summary>
    private void Evict()
    {
        AccessTable.Tick();
        _db.Access.Fit(_db.Engine.EstimatedKeyCount);
        if (_db.OverMemoryLimit)
            _keyspace.FreeMemory(budgetMs: 25);
    }

    private void Guard(string task, Action action)
    {
        try { action(); }
        catch (Exception ex) { Log.BackgroundFailed(_logger, task, ex); }
    }

    /// <summary>Stops the thread and waits for it; safe to call more than once.</summary>
    public void Dispose()
    {
        if (_stop.IsCancellationRequested)
            return;
        _stop.Cancel();
        _thread.Join();
        _keyspace.Dispose();
    }
}
