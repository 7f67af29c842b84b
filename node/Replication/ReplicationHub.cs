using System.Net;
using Istore.Net.Server;
using Istore.Node.Engine;
using Istore.Node.Hosting;
using Istore.Node.Keyspace;
using Microsoft.Extensions.Logging;

namespace Istore.Node.Replication;

/// <summary>What a replica's feed sends first: the PSYNC answer, then the snapshot of a full sync (if any), then the stream from <c>From</c>.</summary>
internal sealed record FeedStart(string Answer, long From, SnapshotSpool.Reader? Snapshot);

/// <summary>
/// A node's replication: its history ids and offset, the backlog every flushed log record goes
/// to, the replicas fed from it (master side), the link to its own master (replica side), and the
/// clients waiting for acknowledgements (WAIT, semi-synchronous writes). Chained replication needs
/// nothing more: a replica logs its master's stream verbatim, so its backlog can feed replicas too.
/// </summary>
public sealed class ReplicationHub : IDisposable
{
    private readonly NodeServer _node;
    private readonly Database _db;
    private readonly object _lock = new();
    /// <summary>Replaced whole under <see cref="_lock"/>, read without it (the log's flush wakes the feeds while holding its own lock).</summary>
    private volatile ReplicaFeed[] _replicas = [];
    private readonly string _idsPath;
    private ReplicationIds _ids;
    private SnapshotSpool? _spool;
    /// <summary>The snapshot being made as files, for replicas of this engine's format (see <see cref="IFileSyncEngine"/>).</summary>
    private SnapshotSpool? _fileSpool;
    private int _snapshots;
    private readonly CancellationTokenSource _stopping = new();

    public ReplicationHub(NodeServer node, ReplicationSettings settings, long recoveredOffset)
    {
        _node = node;
        _db = node.Database;
        Settings = settings;
        Logger = node.Logger;
        Waiters = new AckWaiters(AckedAtLeast);
        SyncWaiters = new AckWaiters(ReceivedAtLeast);
        _idsPath = Path.Combine(node.Options.Directory, "replication");
        _ids = ReplicationIds.Load(_idsPath, recoveredOffset);
        _ids.Save(_idsPath);
        Backlog = new ReplicationBacklog(settings.BacklogBytes, _db.Log.StreamOffset);
        Backlog.Appended += WakeFeeds;
        _db.Log.Backlog = Backlog;
    }

    public ReplicationSettings Settings { get; }

    internal ILogger Logger { get; }

    /// <summary>The node's client host: replicas obey its client-output-buffer-limit and count in its statistics.</summary>
    internal Istore.Net.Server.ServerHost Host => _node.Host;

    public ReplicationBacklog Backlog { get; }

    /// <summary>WAIT: replicas that applied the offset.</summary>
    public AckWaiters Waiters { get; }

    /// <summary>Semi-synchronous writes (and MIGRATE's deletes under them): replicas that hold the offset.</summary>
    public AckWaiters SyncWaiters { get; }

    public string ReplId => _ids.ReplId;

    public string ReplId2 => _ids.ReplId2;

    public long SecondOffset => _ids.SecondOffset;

    public long Offset => _db.Log.StreamOffset;

    /// <summary>The link to this node's master; null on a master.</summary>
    public MasterLink? Link { get; private set; }

    public bool IsReplica => Link is not null;

    /// <summary>True while a replica loads a full sync's snapshot: commands that need the data answer -LOADING.</summary>
    public bool Loading { get; internal set; }

    /// <summary>Full-sync snapshots made (replicas that asked while one was being made shared it).</summary>
    public int SnapshotsMade => Volatile.Read(ref _snapshots);

    public long SyncFull;
    public long SyncPartialOk;
    public long SyncPartialErr;

    internal IReadOnlyList<ReplicaFeed> Replicas => _replicas;

    /// <summary>
    /// PSYNC from a replica: continue from <paramref name="psyncOffset"/> (Redis's convention: the
    /// first byte wanted) when that history is ours and still in the backlog, else a full sync
    /// from a snapshot (shared with replicas already waiting for one). The connection is handed
    /// off to the replica's feed. A replica that announced this engine's file format gets the
    /// snapshot as files. Returns an error to reply instead, or null.
    /// </summary>
    internal string? Psync(Connection connection, string replid, long psyncOffset, int listeningPort, IReadOnlyList<string> capabilities) =>
        Attach(connection, replid, psyncOffset, listeningPort, capabilities, legacySync: false);

    /// <summary>The legacy SYNC: always a full sync (key by key), then the stream; the client acknowledges nothing.</summary>
    internal string? Sync(Connection connection, int listeningPort) => Attach(connection, "?", 0, listeningPort, [], legacySync: true);

    private string? Attach(Connection connection, string replid, long psyncOffset, int listeningPort, IReadOnlyList<string> capabilities, bool legacySync)
    {
        if (Link is { Up: false })
            return "NOMASTERLINK Can't SYNC while not connected with my master";
        if (IsOurMaster(connection.RemoteAddress, listeningPort))
            return "ERR this node replicates from the node asking to replicate from it (a replication cycle)";
        lock (_lock)
        {
            _db.Log.Flush(fsync: false);
            Backlog.Activate();   // from now on this master keeps history for its replicas to continue from
            long have = psyncOffset - 1;
            bool ours = replid == _ids.ReplId || (replid == _ids.ReplId2 && psyncOffset <= _ids.SecondOffset);
            string address = connection.RemoteAddress;
            Func<FeedStart> begin;
            string what;
            if (ours && Backlog.Holds(have))
            {
                var start = new FeedStart($"+CONTINUE {_ids.ReplId}\r\n", have, null);
                begin = () => start;
                what = "a partial resync";
                Interlocked.Increment(ref SyncPartialOk);
            }
            else
            {
                if (replid != "?")
                    Interlocked.Increment(ref SyncPartialErr);
                Interlocked.Increment(ref SyncFull);
                begin = _db.Engine is IFileSyncEngine engine && capabilities.Contains(engine.FileSyncCapability)
                    ? () => BeginFileSync(engine)
                    : BeginSnapshotSync();
                what = "a full resync";
            }
            Logger.ReplicaSync(address, listeningPort, what, $"PSYNC {replid} {psyncOffset}");
            long provisional = Offset;
            connection.HandOff((socket, unread) =>
            {
                var feed = new ReplicaFeed(this, socket, unread, address, listeningPort, begin, provisional, legacySync);
                lock (_lock)
                    _replicas = [.. _replicas, feed];
                feed.Start();
            });
            return null;
        }
    }

    /// <summary>A key-by-key full sync, started (or joined) now, under the hub's lock.</summary>
    private Func<FeedStart> BeginSnapshotSync()
    {
        var reader = Join(_spool);
        if (reader is null)
            (_spool, reader) = StartSnapshot(files: false);
        var start = new FeedStart($"+FULLRESYNC {_ids.ReplId} {_spool!.Offset}\r\n", _spool.Offset, reader);
        return () => start;
    }

    /// <summary>
    /// A full sync as files, on the replica's sender thread: the memtables are flushed first, with
    /// no lock held, so the checkpoint made under the write lock copies next to no WAL (and its
    /// reader replays next to none); then it joins a snapshot still being made or starts one.
    /// </summary>
    private FeedStart BeginFileSync(IFileSyncEngine engine)
    {
        lock (_lock)
        {
            if (Join(_fileSpool) is { } joined)
                return new FeedStart($"+FULLRESYNC {_ids.ReplId} {_fileSpool!.Offset}\r\n", _fileSpool.Offset, joined);
        }
        // On the sender thread a failure (RocksDB's, say) must drop this replica, not end the process.
        try
        {
            engine.PrepareFileSnapshot();
            lock (_lock)
            {
                var reader = Join(_fileSpool);
                if (reader is null)
                    (_fileSpool, reader) = StartSnapshot(files: true);
                return new FeedStart($"+FULLRESYNC {_ids.ReplId} {_fileSpool!.Offset}\r\n", _fileSpool.Offset, reader);
            }
        }
        catch (Exception ex) when (ex is not IOException)
        {
            throw new IOException("the snapshot could not be made: " + ex.Message, ex);
        }
    }

    /// <summary>
    /// Whether a replica connecting from <paramref name="remoteAddress"/> that listens on
    /// <paramref name="listeningPort"/> is the master we follow: a master told to follow its own
    /// replica can reach it before the replica has noticed its link drop, and both would report up.
    /// </summary>
    private bool IsOurMaster(string remoteAddress, int listeningPort)
    {
        if (Link is not { } link || link.Port != listeningPort)
            return false;
        string ip = remoteAddress[..remoteAddress.LastIndexOf(':')];
        if (!IPAddress.TryParse(ip, out var remote))
            return false;
        return IPAddress.TryParse(link.Host, out var master) ? master.Equals(remote)
            : link.Host == "localhost" && IPAddress.IsLoopback(remote);
    }

    /// <summary>
    /// A reader of a snapshot still being made, if the backlog still holds its offset: a replica
    /// that joined one too old to continue from would be dropped and join it again, forever
    /// (Kvrocks issue #1319); it gets a new snapshot instead.
    /// </summary>
    private SnapshotSpool.Reader? Join(SnapshotSpool? spool) =>
        spool is not null && Backlog.Holds(spool.Offset) ? spool.TryJoin() : null;

    /// <summary>Captures the dataset at the current offset (under the write lock, so exactly there) and starts writing it out, as files or keys.</summary>
    private (SnapshotSpool, SnapshotSpool.Reader) StartSnapshot(bool files)
    {
        int number = Interlocked.Increment(ref _snapshots);
        string dir = _node.Options.Directory;
        using (_db.Lock.Hold())
        {
            _db.Log.Flush(fsync: false);
            long offset = _db.Log.StreamOffset;
            string work = Path.Combine(dir, $"replication-snapshot-{number}");
            var dataset = files ? ((IFileSyncEngine)_db.Engine).BeginFileSnapshot(work) : _db.Engine.BeginDatasetSnapshot(work, _db.Lock);
            var snapshot = new SnapshotWithFunctions(dataset, _node.Scripts.Functions.Dump());
            var spool = new SnapshotSpool(Path.Combine(dir, $"replication-{number}.snap"), offset, snapshot, ex => Logger.SnapshotFailed(ex), out var reader);
            return (spool, reader);
        }
    }

    internal void Remove(ReplicaFeed feed)
    {
        lock (_lock)
            _replicas = _replicas.Where(f => f != feed).ToArray();
    }

    private void WakeFeeds()
    {
        foreach (var feed in _replicas)
            feed.Wake();
    }

    /// <summary>A replica acknowledged an offset: finish the waiters it satisfies.</summary>
    internal void Acknowledged()
    {
        SyncWaiters.Check();
        Waiters.Check();
    }

    /// <summary>Online replicas that have applied <paramref name="offset"/>.</summary>
    public int AckedAtLeast(long offset) => Count(offset, static (feed, at) => feed.AckOffset >= at);

    /// <summary>Online replicas that hold <paramref name="offset"/> in whole records.</summary>
    public int ReceivedAtLeast(long offset) => Count(offset, static (feed, at) => feed.ReceivedOffset >= at);

    private int Count(long offset, Func<ReplicaFeed, long, bool> has)
    {
        int count = 0;
        foreach (var feed in _replicas)
        {
            if (feed.Online && feed.Acknowledges && has(feed, offset))
                count++;
        }
        return count;
    }

    /// <summary>Replicas that count for min-replicas-to-write: online, acknowledged within min-replicas-max-lag.</summary>
    public int GoodReplicas()
    {
        int count = 0;
        foreach (var feed in _replicas)
        {
            if (feed.Online && feed.Acknowledges && feed.SecondsSinceAck <= Settings.MinReplicasMaxLagSeconds)
                count++;
        }
        return count;
    }

    /// <summary>Whether writes are refused for want of good replicas (min-replicas-to-write).</summary>
    public bool TooFewReplicas => Settings.MinReplicasToWrite > 0 && Link is null && GoodReplicas() < Settings.MinReplicasToWrite;

    /// <summary>Housekeeping, every 100 ms: drop replicas that stopped acknowledging or fell too far behind, time out waiters.</summary>
    public void Tick()
    {
        foreach (var feed in Replicas)
        {
            feed.CheckTimeout();
            feed.CheckOutputLimit();
        }
        Acknowledged();
        Link?.Tick();
    }

    /// <summary>REPLICAOF host port: follow that master (continuing this node's history if it can).</summary>
    public bool ReplicaOf(string host, int port)
    {
        lock (_lock)
        {
            if (Link is { } link && link.Host == host && link.Port == port)
                return false;
            Link?.Stop();
            _db.ExpiresKeys = false;
            Backlog.Activate();   // a replica keeps history too, so its own replicas (and, once promoted, its siblings) can continue
            SetIds(_ids with { WasReplica = true });
            Link = new MasterLink(_node, this, host, port);
            DisconnectReplicas("this node now replicates from " + host + ":" + port);
            Logger.RoleChanged($"replica of {host}:{port}");
            Link.Start();
            return true;
        }
    }

    /// <summary>REPLICAOF NO ONE: stop following and start a new history, keeping the old one as the second id so the former siblings continue incrementally.</summary>
    public void BecomeMaster()
    {
        lock (_lock)
        {
            if (Link is not { } link)
                return;
            link.Stop();
            Link = null;
            using (_db.Lock.Hold())
            {
                _db.Log.Flush(fsync: false);
                SetIds(new ReplicationIds(ReplicationIds.NewId(), _ids.ReplId, Offset + 1, WasReplica: false));
            }
            _db.ExpiresKeys = true;
            DisconnectReplicas("this node became a master");
            Logger.RoleChanged($"master, new replication id {_ids.ReplId}, second id {_ids.ReplId2} up to offset {_ids.SecondOffset}");
        }
    }

    /// <summary>Replicas of this node reconnect and learn the new history with their next PSYNC (continuing through the second id).</summary>
    private void DisconnectReplicas(string why)
    {
        foreach (var feed in _replicas)
            feed.Close(why);
    }

    internal void SetIds(ReplicationIds ids)
    {
        _ids = ids;
        SaveIds();
    }

    /// <summary>
    /// Whether the data on disk belongs to the current history. After a full sync the memory engine
    /// is checkpointed while the stream already flows; until that is done the file says "no history"
    /// (a restart then asks for a full sync) while the node itself uses the master's id.
    /// </summary>
    public bool HistoryPersisted { get; private set; } = true;

    private int _historyGeneration;

    /// <summary>The data on disk stops matching any history (a full sync begins); returns the generation to confirm with <see cref="HistoryPersistedAt"/>.</summary>
    internal int BeginUnpersistedHistory()
    {
        lock (_idsPath)
        {
            HistoryPersisted = false;
            SaveIds();
            return ++_historyGeneration;
        }
    }

    /// <summary>Whether no full sync began since the one that returned <paramref name="generation"/>.</summary>
    internal bool IsHistoryGeneration(int generation)
    {
        lock (_idsPath)
            return generation == _historyGeneration;
    }

    /// <summary>The data of generation <paramref name="generation"/> is durable; ignored if a later full sync began meanwhile.</summary>
    internal void HistoryPersistedAt(int generation)
    {
        lock (_idsPath)
        {
            if (generation != _historyGeneration)
                return;
            HistoryPersisted = true;
            SaveIds();
        }
    }

    /// <summary>
    /// Checkpoints until one succeeds (one on a full disk fails and is refused), so the history
    /// loaded by a full sync becomes durable once space returns; stops when a later full sync began
    /// or the node stops. The hub retries, not the link: HA re-points a replica right after its
    /// full sync, and that must not leave the loaded history undurable until the next full sync.
    /// </summary>
    internal void PersistHistory(int generation) => _ = Task.Run(async () =>
    {
        while (!_stopping.IsCancellationRequested && IsHistoryGeneration(generation))
        {
            try
            {
                await _node.Checkpointer.CheckpointAsync().ConfigureAwait(false);
                HistoryPersistedAt(generation);
                return;
            }
            catch (Exception)
            {
                // Logged by the checkpointer; INFO persistence shows it.
            }
            try { await Task.Delay(1000, _stopping.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
        }
    });

    private void SaveIds()
    {
        lock (_idsPath)
            (HistoryPersisted ? _ids : new ReplicationIds(ReplicationIds.NoId, ReplicationIds.NoId, -1, WasReplica: true)).Save(_idsPath);
    }

    internal ReplicationIds Ids => _ids;

    public void Dispose()
    {
        _stopping.Cancel();
        Link?.Stop();
        foreach (var feed in Replicas)
            feed.Close("the node is shutting down");
    }
}
