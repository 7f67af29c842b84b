using System.CommandLine;
using System.Runtime.InteropServices;
using Istore.Node.Hosting;
using Istore.Node.Persistence;
using Microsoft.Extensions.Logging;

// istore-node: parse options, start the node, shut down cleanly on SHUTDOWN, SIGTERM or SIGINT.
var bind = new Option<string>("--bind") { Description = "Address to listen on", DefaultValueFactory = _ => "127.0.0.1" };
var port = new Option<int>("--port") { Description = "TCP port", DefaultValueFactory = _ => 6379 };
var dir = new Option<string>("--dir") { Description = "Data directory (checkpoints, append-only log)", DefaultValueFactory = _ => "./data" };
var appendFsync = new Option<FsyncPolicy>("--appendfsync") { Description = "When the append-only log is fsync'd: always, everysec or no", DefaultValueFactory = _ => FsyncPolicy.EverySec };
var requirePass = new Option<string?>("--requirepass") { Description = "Password clients must AUTH with" };
var maxClients = new Option<int>("--maxclients") { Description = "Maximum simultaneous clients", DefaultValueFactory = _ => 10000 };
var maxMemory = new Option<string>("--maxmemory") { Description = "Memory for the engine's in-RAM log (e.g. 512mb, 4gb); older records spill to disk", DefaultValueFactory = _ => "1gb" };
var engine = new Option<string>("--engine") { Description = "Storage engine: memory (FASTER) or disk (RocksDB)", DefaultValueFactory = _ => "memory" };
var blockCache = new Option<string>("--rocksdb-block-cache") { Description = "Disk engine: RocksDB block cache (e.g. 256mb, 4gb)", DefaultValueFactory = _ => "256mb" };
var writeBuffer = new Option<string>("--rocksdb-write-buffer") { Description = "Disk engine: RocksDB memtable size (e.g. 16mb)", DefaultValueFactory = _ => "16mb" };
var threads = new Option<int>("--threads") { Description = "Event loop threads", DefaultValueFactory = _ => Math.Max(1, Environment.ProcessorCount / 2) };
var pageSize = new Option<string>("--page-size") { Description = "Engine log page (e.g. 4mb, 32mb): the largest value is a little under it", DefaultValueFactory = _ => "8mb" };
var checkpointLog = new Option<string>("--checkpoint-log-size") { Description = "Take a checkpoint when the log grows by this much", DefaultValueFactory = _ => "64mb" };
var replicaOf = new Option<string?>("--replicaof") { Description = "Start as a replica of HOST:PORT" };
var masterAuth = new Option<string?>("--masterauth") { Description = "Password to AUTH with at the master" };
var backlogSize = new Option<string>("--repl-backlog-size") { Description = "Replication backlog: how much of the stream a reconnecting replica can continue from", DefaultValueFactory = _ => "64mb" };
var replTimeout = new Option<int>("--repl-timeout") { Description = "Seconds after which a silent master or an unacknowledging replica is given up", DefaultValueFactory = _ => 60 };
var minReplicas = new Option<int>("--min-replicas-to-write") { Description = "Refuse writes with fewer good replicas than this (0 = off)" };
var minReplicasLag = new Option<int>("--min-replicas-max-lag") { Description = "Seconds since its last acknowledgement within which a replica is good", DefaultValueFactory = _ => 10 };
var syncReplicas = new Option<int>("--sync-replicas") { Description = "Semi-synchronous: a write's reply waits for this many replicas to acknowledge it (0 = asynchronous)" };
var syncTimeout = new Option<int>("--sync-replicas-timeout") { Description = "Milliseconds a write waits for acknowledgements before -NOREPLICAS", DefaultValueFactory = _ => 1000 };
var notifyEvents = new Option<string?>("--notify-keyspace-events") { Description = "Keyspace notification classes, as Redis's notify-keyspace-events (e.g. KEA)" };
var logLevel = new Option<LogLevel>("--loglevel") { Description = "Trace, Debug, Information, Warning, Error", DefaultValueFactory = _ => LogLevel.Information };

var root = new RootCommand("istore-node: a RESP (Redis protocol) storage node")
{
    bind, port, dir, appendFsync, requirePass, maxClients, maxMemory, engine, blockCache, writeBuffer, threads, pageSize, checkpointLog,
    replicaOf, masterAuth, backlogSize, replTimeout, minReplicas, minReplicasLag, syncReplicas, syncTimeout, notifyEvents, logLevel,
};
root.SetAction(async (parsed, _) =>
{
    if (!ByteSize.TryParse(parsed.GetValue(maxMemory)!, out long memoryBytes) || !ByteSize.TryParse(parsed.GetValue(checkpointLog)!, out long checkpointBytes)
        || !ByteSize.TryParse(parsed.GetValue(pageSize)!, out long pageBytes)
        || !ByteSize.TryParse(parsed.GetValue(blockCache)!, out long blockCacheBytes) || !ByteSize.TryParse(parsed.GetValue(writeBuffer)!, out long writeBufferBytes)
        || !ByteSize.TryParse(parsed.GetValue(backlogSize)!, out long backlogBytes) || backlogBytes < 16 * 1024 || backlogBytes > int.MaxValue)
    {
        Console.Error.WriteLine("Invalid size: use a number with an optional kb, mb or gb suffix (a backlog is 16kb to 2gb)");
        return 2;
    }
    (string, int)? master = null;
    if (parsed.GetValue(replicaOf) is { } replicaOfText)
    {
        int colon = replicaOfText.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(replicaOfText.AsSpan(colon + 1), out int masterPort) || masterPort is < 1 or > 65535)
        {
            Console.Error.WriteLine("Invalid --replicaof: use HOST:PORT");
            return 2;
        }
        master = (replicaOfText[..colon], masterPort);
    }
    var options = new NodeOptions
    {
        Bind = parsed.GetValue(bind)!,
        Port = parsed.GetValue(port),
        Directory = parsed.GetValue(dir)!,
        AppendFsync = parsed.GetValue(appendFsync),
        RequirePass = parsed.GetValue(requirePass),
        NotifyKeyspaceEvents = parsed.GetValue(notifyEvents),
        MaxClients = parsed.GetValue(maxClients),
        MaxMemory = memoryBytes,
        Engine = parsed.GetValue(engine)!,
        Threads = Math.Max(1, parsed.GetValue(threads)),
        CheckpointLogBytes = checkpointBytes,
        PageBytes = pageBytes,
        BlockCacheBytes = blockCacheBytes,
        WriteBufferBytes = writeBufferBytes,
        ReplicaOf = master,
        Replication = new Istore.Node.Replication.ReplicationSettings
        {
            MasterAuth = parsed.GetValue(masterAuth),
            BacklogBytes = backlogBytes,
            TimeoutMs = Math.Max(1, parsed.GetValue(replTimeout)) * 1000L,
            MinReplicasToWrite = Math.Max(0, parsed.GetValue(minReplicas)),
            MinReplicasMaxLagSeconds = Math.Max(0, parsed.GetValue(minReplicasLag)),
            SyncReplicas = Math.Max(0, parsed.GetValue(syncReplicas)),
            SyncReplicasTimeoutMs = Math.Max(1, parsed.GetValue(syncTimeout)),
        },
    };
    using var loggerFactory = LoggerFactory.Create(b => b
        .SetMinimumLevel(parsed.GetValue(logLevel))
        .AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff "; }));
    var logger = loggerFactory.CreateLogger("istore-node");
    NodeServer node;
    try
    {
        node = new NodeServer(options, loggerFactory);
    }
    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or InvalidDataException or System.Net.Sockets.SocketException)
    {
        logger.LogCritical("Cannot start: {Message}", ex.Message);
        return 1;
    }
    using (node)
    {
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        node.Start();
        return await node.RunAsync();

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            node.RequestShutdown(save: true);
        }
    }
});
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
