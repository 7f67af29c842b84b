using Istore.Node.Keyspace;
using Istore.Node.PubSub;

namespace Istore.Node.Commands;

/// <summary>What the node remembers about one client connection (CLIENT LIST shows most of it).</summary>
public sealed class ClientState
{
    public bool Authenticated { get; set; }

    /// <summary>The ACL user this connection runs as (the default user until AUTH or HELLO names another).</summary>
    internal Acl.AclUser User { get; set; } = null!;

    public string? Name { get; set; }

    public string LastCommand { get; set; } = "NULL";

    public bool NoTouch { get; set; }

    /// <summary>Commands queued since MULTI; null outside a transaction.</summary>
    public TransactionQueue? Transaction { get; set; }

    /// <summary>
    /// True while EXEC runs the queued commands: a blocking command must not block then, it
    /// answers at once as its non-blocking form (Redis's CLIENT_DENY_BLOCKING inside EXEC).
    /// </summary>
    public bool InTransaction { get; set; }

    /// <summary>What EXEC runs once it has released the keyspace lock (a REPLICAOF queued in the transaction).</summary>
    public Action? AfterTransaction { get; set; }

    /// <summary>Keys this client WATCHes and whether one has changed.</summary>
    public WatchState Watched { get; } = new();

    /// <summary>Channels and patterns this client is subscribed to; null until its first SUBSCRIBE.</summary>
    public Subscriber? Subscriber { get; set; }

    /// <summary>The port a replica said it listens on (REPLCONF listening-port), for INFO and ROLE.</summary>
    public int ReplicaListeningPort { get; set; }

    /// <summary>What a replica announced with REPLCONF capa (psync2, and a disk replica's file format).</summary>
    public List<string> ReplicaCapabilities { get; } = [];

    /// <summary>Semi-synchronous replication: this batch's write replies waiting to be held (see <see cref="Replication.SemiSyncReplies"/>).</summary>
    internal Replication.HeldWrites? HeldWrites { get; set; }

    /// <summary>A MIGRATE source's replication id (REPLCONF SOURCE-REPLID): its RESTOREs are refused once a newer master took that history over.</summary>
    internal string? MigrationSource { get; set; }

    /// <summary>CLIENT TRACKING settings; null while tracking is off.</summary>
    public Tracking.TrackingState? Tracking { get; set; }

    /// <summary>In MONITOR mode: it receives every command the node runs.</summary>
    public bool Monitoring { get; set; }

    /// <summary>CLIENT REPLY: whether this client's replies are sent.</summary>
    public ReplyMode Replies { get; set; }

    /// <summary>Memory Redis counts per watched key, subscription or tracking prefix (the items themselves are shared or small).</summary>
    private const int ItemOverhead = 64;

    /// <summary>
    /// What this client keeps beyond its connection's buffers, counted towards maxmemory-clients as
    /// Redis counts it: the queued transaction, and an overhead per watched key, subscription and tracking prefix.
    /// </summary>
    public long MemoryOverhead =>
        (Transaction?.Bytes ?? 0) + (long)ItemOverhead * (Watched.Keys.Count + (Subscriber?.Total ?? 0) + (Tracking?.Prefixes.Count ?? 0));

    /// <summary>True while subscribed to a channel, pattern or shard channel (Redis's pub/sub context).</summary>
    public bool IsSubscribed => Subscriber is { Total: > 0 };
}

/// <summary>CLIENT REPLY ON|OFF|SKIP (Skip: the next command's reply is dropped).</summary>
public enum ReplyMode
{
    On,
    Off,
    Skip,
}
