using System.Diagnostics;
using System.Net;
using Istore.Net.Resp;
using Istore.Net.Server;
using Istore.Node.Commands;
using Istore.Node.Engine;
using Istore.Node.Engine.Disk;
using Istore.Node.Engine.Memory;
using Istore.Node.Keyspace;
using Istore.Node.Persistence;
using Istore.Node.Replication;
using Microsoft.Extensions.Logging;

namespace Istore.Node.Hosting;

/// <summary>
/// An istore node: recovers the engine (checkpoint, then the log tail), serves RESP on the event
/// loops, runs housekeeping, and on shutdown flushes the log and takes a final checkpoint.
/// </summary>
public sealed class NodeServer : IServerApplication, IDisposable
{
    public const string Version = "7.2.0";

    private readonly IStorageEngine _engine;
    private readonly BackgroundTasks _background;
    private readonly TaskCompletionSource _shutdown = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _saveOnShutdown = true;
    private int _disposed;

    public NodeServer(NodeOptions options, ILoggerFactory loggerFactory)
    {
        Options = options;
        Logger = loggerFactory.CreateLogger("istore-node");
        if (options.Engine is not ("memory" or "disk"))
            throw new ArgumentException($"unknown engine '{options.Engine}' (this build has: memory, disk)");
        Directory.CreateDirectory(options.Directory);
        var watch = Stopwatch.StartNew();
        _engine = options.Engine == "disk"
            ? new DiskEngine(new DiskEngineOptions(Path.Combine(options.Directory, "disk"), options.BlockCacheBytes, options.WriteBufferBytes))
            : new MemoryEngine(new MemoryEngineOptions(Path.Combine(options.Directory, "memory"), options.MaxMemory, options.IndexBytes, options.PageBytes), Logger);
        Database = new Database(_engine);
        Database.MaxMemory = options.MaxMemory;
        Database.Events.Registry = PubSub;
        Database.Tracking.FindConnection = id => Host is { } host && host.TryGetConnection(id, out var connection) ? connection : null;
        Handlers = HandlerTable.Create();
        // Before the log replay, which may replay FUNCTION's records over the saved libraries.
        Scripts = new Scripting.ScriptingState(this);
        LoadSavedFunctions(options.Directory);
        long replayed = 0;
        AppendOnlyLog log;
        if (_engine is ISelfDurableEngine selfDurable)
        {
            // RocksDB replayed its own WAL on open: the node's log keeps no files for this engine.
            log = new AppendOnlyLog(selfDurable, options.AppendFsync, Logger) { StreamBase = selfDurable.RecoveredStreamOffset };
            selfDurable.StreamOffset = () => log.StreamOffset;
        }
        else
        {
            string aofDirectory = Path.Combine(options.Directory, "aof");
            long firstSegment = Checkpointer.SegmentFromCookie(_engine.RecoveredCookie);
            (replayed, long replayedBytes) = Replay(aofDirectory, firstSegment);
            log = new AppendOnlyLog(aofDirectory, options.AppendFsync, firstSegment, Logger)
            {
                StreamBase = Checkpointer.OffsetFromCookie(_engine.RecoveredCookie) + replayedBytes,
            };
            log.DeleteSegmentsBefore(firstSegment);
        }
        Database.AttachLog(log);
        Replication = new ReplicationHub(this, options.Replication, log.StreamOffset);
        Log.Recovered(Logger, _engine.EstimatedKeyCount, _engine.RecoveredCookie is null ? "none" : "loaded", replayed, watch.ElapsedMilliseconds);
        Checkpointer = new Checkpointer(Database, Diagnostics.Latency, Logger);
        Config = new NodeConfig(this);
        var limits = RespLimits.Default with { MaxBulkLength = options.MaxBulkLength };
        Host = new ServerHost(new ServerOptions
        {
            EndPoint = new IPEndPoint(IPAddress.Parse(options.Bind), options.Port),
            Threads = options.Threads,
            MaxClients = options.MaxClients,
            Limits = limits,
        }, this);
        Host.OutputLimitBroken = c => Log.OutputLimitBroken(Logger, c.Id, c.RemoteAddress, c.OutputClass.ToString().ToLowerInvariant());
        Host.ClientMemory.Evicting = c => Log.ClientEvicted(Logger, ClientCommand.Describe(this, c).TrimEnd('\n'));
        Database.ClientMemory = () => Host.ClientMemory.Total;
        _background = new BackgroundTasks(Database, Checkpointer, Config, Replication, Host, Diagnostics.Latency, Logger);
    }

    public NodeOptions Options { get; }

    /// <summary>ACL users; the default one follows requirepass.</summary>
    internal Acl.AclUsers Acl { get; } = new();

    public NodeConfig Config { get; }

    /// <summary>EVAL and FUNCTION: the Lua interpreter, the script cache and the function libraries.</summary>
    internal Scripting.ScriptingState Scripts { get; }

    public Database Database { get; }

    public Checkpointer Checkpointer { get; }

    public ReplicationHub Replication { get; }

    public ServerHost Host { get; }

    /// <summary>CLIENT PAUSE: commands that wait for the end of a pause.</summary>
    internal ClientPause Pause { get; } = new();

    /// <summary>The keys this node owns as one shard of a multi-shard tenant (see <see cref="ShardGuard"/>); null: every key.</summary>
    internal ShardGuard? Guard { get => Volatile.Read(ref _guard); set => Volatile.Write(ref _guard, value); }

    private ShardGuard? _guard;

    /// <summary>Keys MIGRATE has in flight, and the writes waiting for them.</summary>
    internal Migration.MigrationGate Migrations { get; } = new();

    /// <summary>As a MIGRATE target: the sources whose shard has a newer master.</summary>
    internal Migration.SupersededSources SupersededSources { get; } = new();

    /// <summary>Cached connections to MIGRATE targets.</summary>
    internal Migration.MigrateTargets MigrateTargets { get; } = new();

    public NodeStats Stats { get; } = new();

    /// <summary>SLOWLOG and LATENCY.</summary>
    public Admin.Diagnostics Diagnostics { get; } = new();

    public Admin.Monitors Monitors { get; } = new();

    /// <summary>Pub/Sub subscriptions of every connection on every loop.</summary>
    public PubSub.PubSubRegistry PubSub { get; } = new();

    internal HandlerTable Handlers { get; }

    internal ILogger Logger { get; }

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    public string RunId { get; } = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + Convert.ToHexStringLower(BitConverter.GetBytes(Environment.ProcessId));

    public ILoopWorker CreateWorker(int loopIndex) => new NodeWorker(this);

    public void Start()
    {
        Host.Start();
        Log.Listening(Logger, Version, _engine.Name, $"{Options.Bind}:{Host.Port}", Options.Threads, Path.GetFullPath(Options.Directory));
        if (Options.ReplicaOf is { } master)
            Replication.ReplicaOf(master.Host, master.Port);
        Log.Ready(Logger);
    }

    /// <summary>Stops serving (SHUTDOWN, SIGTERM); <paramref name="save"/> false skips the final checkpoint.</summary>
    public void RequestShutdown(bool save)
    {
        _saveOnShutdown &= save;
        _shutdown.TrySetResult();
    }

    /// <summary>
    /// Runs until shutdown is requested, then shuts down cleanly and returns 0; or until a loop fails
    /// (the engine could not make a batch durable: a full disk), then logs why and returns 1 without
    /// a checkpoint, since the engine may hold writes that were never acknowledged.
    /// </summary>
    public async Task<int> RunAsync()
    {
        await Task.WhenAny(_shutdown.Task, Host.Stopped).ConfigureAwait(false);
        if (Host.Stopped.Exception?.InnerException is { } failure)
        {
            Log.LoopFailed(Logger, failure);
            Host.Stop();
            _background.Dispose();
            return 1;
        }
        Log.ShuttingDown(Logger);
        Replication.Dispose();
        Pause.Unpause();
        Host.Stop();
        await Host.Stopped.ConfigureAwait(false);
        _background.Dispose();
        if (!Database.Log.Flush(fsync: true))
        {
            Log.CloseFailed(Logger, "log", new IOException(Database.Log.Failure));
            return 1;
        }
        if (!_saveOnShutdown)
            return 0;
        try
        {
            await Checkpointer.CheckpointAsync().ConfigureAwait(false);
            return 0;
        }
        catch (Exception)
        {
            return 1;   // the checkpointer logged why
        }
    }

    private void LoadSavedFunctions(string directory)
    {
        if (Scripting.FunctionPersistence.Saved(directory) is not { } payload)
            return;
        if (Scripting.FunctionPersistence.Replace(Scripts, directory, payload) is { } error)
            throw new InvalidDataException($"{Scripting.FunctionPersistence.FileName} in {directory} does not load: {error}");
    }

    private (long Records, long Bytes) Replay(string aofDirectory, long firstSegment)
    {
        using var session = _engine.CreateSession();
        using var keyspace = new KeyspaceSession(Database, replaying: true);
        var commands = new LogCommandReplayer(this, Handlers, keyspace);
        var applier = new RecordApplier(session, commands.Execute);
        long applied = 0;
        var replayed = LogReplayer.Replay(aofDirectory, firstSegment, record =>
        {
            applier.Apply(record);
            // Housekeeping does not run yet: a long replay grows the memory engine's index itself.
            if (++applied % 65_536 == 0 && _engine.WantsMaintenance)
                _engine.Maintain(CancellationToken.None);
        }, Logger);
        if (commands.Failures > 0)
            Log.ReplayFailures(Logger, commands.Failures);
        return replayed;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _background.Dispose();
        Replication.Dispose();
        Pause.Dispose();
        MigrateTargets.Dispose();
        Host.Dispose();
        CloseLogged("log", Database.Log.Dispose);
        if (Database.CloseOffLoopWork(OffLoopCloseWait))
            CloseLogged("engine", _engine.Dispose);
        else
            Log.EngineLeftOpen(Logger, OffLoopCloseWait.TotalSeconds);
        Scripts.Dispose();
    }

    /// <summary>How long closing waits for work off the event loops (a recall) that reads the engine.</summary>
    private static readonly TimeSpan OffLoopCloseWait = TimeSpan.FromSeconds(30);

    /// <summary>After a failure (a full disk) the last flush fails too: say so rather than crash on the way out.</summary>
    private void CloseLogged(string part, Action close)
    {
        try { close(); }
        catch (IOException ex) { Log.CloseFailed(Logger, part, ex); }
    }
}
