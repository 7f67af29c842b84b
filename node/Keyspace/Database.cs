using Istore.Node.Engine;
using Istore.Node.Persistence;

namespace Istore.Node.Keyspace;

/// <summary>
/// The node's one database: the engine, the append-only log and the write lock that orders every
/// mutation with its log record. Threads reach it through their own <see cref="KeyspaceSession"/>.
/// </summary>
public sealed class Database(IStorageEngine engine)
{
    private AppendOnlyLog? _log;

    public IStorageEngine Engine { get; } = engine;

    /// <summary>The log, once recovery has replayed the old one and opened it for appending.</summary>
    public AppendOnlyLog Log => _log ?? throw new InvalidOperationException("the append-only log is not open yet (recovery is running)");

    internal void AttachLog(AppendOnlyLog log) => _log = log;

    /// <summary>Held for writing by every mutation (apply then log, so the log order is the apply order); collection reads share it.</summary>
    internal KeyspaceLock Lock { get; } = new();

    /// <summary>
    /// Odd while an atomic write (MSET, a multi-key DEL, RENAME, EXEC, a script…) is being
    /// applied under <see cref="Lock"/>. String reads take no lock, so they check it: a read
    /// that finds it odd waits for the lock first, and a read of several keys that saw it move runs
    /// again under the lock; neither sees such a write half applied.
    /// </summary>
    internal long AtomicSequence;

    private readonly System.Collections.Concurrent.ConcurrentBag<KeyspaceSession> _offLoop = [];
    private int _offLoopRunning;
    private volatile bool _closing;

    /// <summary>
    /// A session for work moved off the event loops (a recall's merge), the caller's alone until
    /// <see cref="ReturnOffLoopSession"/>: part of that work reads without the lock, beside other such work.
    /// </summary>
    internal KeyspaceSession RentOffLoopSession()
    {
        Interlocked.Increment(ref _offLoopRunning);
        if (_closing)
        {
            Interlocked.Decrement(ref _offLoopRunning);
            throw new InvalidOperationException("the node is shutting down");
        }
        return _offLoop.TryTake(out var session) ? session : new KeyspaceSession(this);
    }

    internal void ReturnOffLoopSession(KeyspaceSession session)
    {
        _offLoop.Add(session);
        Interlocked.Decrement(ref _offLoopRunning);
    }

    /// <summary>
    /// Before the engine closes: refuses new off-loop work and waits for what runs (it reads the
    /// engine without the lock, and would read freed memory). False if it still runs after <paramref name="timeout"/>.
    /// </summary>
    public bool CloseOffLoopWork(TimeSpan timeout)
    {
        _closing = true;
        return SpinWait.SpinUntil(() => Volatile.Read(ref _offLoopRunning) == 0, timeout);
    }

    /// <summary>Clients watching keys (WATCH); every write tells it which key changed.</summary>
    public KeyWatchers Watchers { get; } = new();

    /// <summary>Keyspace notifications (notify-keyspace-events).</summary>
    public PubSub.KeyspaceEvents Events { get; } = new();

    /// <summary>Client-side caching: who may cache which keys; every write tells it which key changed.</summary>
    public Tracking.ClientTracking Tracking { get; } = new();

    /// <summary>Clients blocked on keys (BLPOP …); writes that make a key ready serve them.</summary>
    public BlockedClients BlockedClients { get; } = new();

    /// <summary>
    /// False on a replica: an expired key is hidden from reads but not removed (nor logged), and
    /// active expiry does not run; the master streams the DEL when the key expires there.
    /// </summary>
    public volatile bool ExpiresKeys = true;

    /// <summary>DEBUG SET-ACTIVE-EXPIRE: false stops the background expiry; keys still expire when read.</summary>
    public volatile bool ActiveExpiry = true;

    /// <summary>DEBUG PAUSE-CRON 1: the housekeeping thread neither expires nor evicts until it is 0 again (durability and replication go on).</summary>
    public volatile bool CronPaused;

    private int _maintenanceRequested;

    /// <summary>Asks the housekeeping thread to run engine maintenance now (after FLUSHALL, say), not at its next turn.</summary>
    public void RequestMaintenance() => Volatile.Write(ref _maintenanceRequested, 1);

    internal bool TakeMaintenanceRequest() => Interlocked.Exchange(ref _maintenanceRequested, 0) == 1;

    /// <summary>
    /// Last use and use counts per key (OBJECT IDLETIME/FREQ, LRU/LFU eviction), in at most the
    /// engine's <see cref="IStorageEngine.AccessTableSlots"/> slots.
    /// </summary>
    public AccessTable Access { get; } = new(engine.AccessTableSlots);

    /// <summary>
    /// maxmemory: the data size the eviction policies hold the dataset to (0 = no limit). It starts
    /// as --maxmemory, the memory engine's RAM budget, where data beyond it spills to disk.
    /// </summary>
    public long MaxMemory;

    /// <summary>
    /// True once maxmemory was set with CONFIG SET: then it is Redis's maxmemory, which noeviction
    /// enforces too (denyoom commands get -OOM over it) instead of letting the data spill.
    /// </summary>
    public volatile bool MaxMemoryExplicit;

    public volatile EvictionPolicy Policy = EvictionPolicy.NoEviction;

    /// <summary>maxmemory-samples: keys looked at per eviction round.</summary>
    public volatile int EvictionSamples = 5;

    /// <summary>The eviction pool and sampling window every evicting session shares (under the write lock).</summary>
    internal EvictionCandidates Eviction { get; } = new();

    /// <summary>
    /// The memory engine's nominal overhead of an empty node, counted in <see cref="UsedMemory"/> as
    /// Redis counts its used_memory_startup (about 0.9 MB): used memory is never 0, so a maxmemory
    /// below it refuses writes even to an empty dataset, as in Redis.
    /// </summary>
    public const long StartupBytes = 1 << 20;

    /// <summary>
    /// What maxmemory is compared with, INFO's used_memory: the engine's dataset estimate over
    /// <see cref="StartupBytes"/>, plus what the clients hold (their buffers, as in Redis's
    /// used_memory); the managed heap, which holds those buffers too, while the disk engine
    /// measures no dataset (no memory limit has applied yet, see <see cref="IStorageEngine.MeasureDataset"/>).
    /// </summary>
    public long UsedMemory => Engine.DatasetBytes is { } dataset ? StartupBytes + dataset + ClientMemory() : GC.GetTotalMemory(false);

    /// <summary>The clients' memory (INFO's mem_clients_normal), from the server host once it exists.</summary>
    public Func<long> ClientMemory { get; set; } = () => 0;

    /// <summary>
    /// Over maxmemory, with a limit that applies: a policy that evicts, or an explicit maxmemory
    /// under noeviction; and this node is a master (a replica gets its master's DELs and writes).
    /// Under noeviction with the start-up limit nothing is enforced: the memory engine's log
    /// spills to disk instead (see the README).
    /// </summary>
    public bool OverMemoryLimit =>
        (Policy != EvictionPolicy.NoEviction || MaxMemoryExplicit) && ExpiresKeys && Volatile.Read(ref MaxMemory) is > 0 and var limit && UsedMemory > limit;

    // Counters for INFO stats, updated with Interlocked.
    public long EvictedKeys;
    public long ExpiredKeys;

    /// <summary>Every read counts one of these: striped, so the loops do not share a written cache line.</summary>
    public readonly StripedCounter KeyspaceHits = new(), KeyspaceMisses = new();

    [ThreadStatic] private static long t_commandNowMs;

    /// <summary>
    /// Unix ms now; inside a command, the time it started (Redis's command time snapshot: no key
    /// expires midway, and the commands of an EXEC or a script all see the time it started).
    /// </summary>
    public static long NowMs => t_commandNowMs != 0 ? t_commandNowMs : WallClock.NowMs();

    /// <summary>
    /// Fixes <see cref="NowMs"/> on this thread at a command's start (a <see cref="System.Diagnostics.Stopwatch"/>
    /// timestamp) unless an outer command (EXEC, a script) has; true when this call did, and must <see cref="EndCommandTime"/>.
    /// </summary>
    public static bool BeginCommandTime(long startedTimestamp)
    {
        if (t_commandNowMs != 0)
            return false;
        t_commandNowMs = WallClock.MsAt(startedTimestamp);
        return true;
    }

    public static void EndCommandTime() => t_commandNowMs = 0;
}
