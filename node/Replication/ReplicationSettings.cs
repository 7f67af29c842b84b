namespace Istore.Node.Replication;

/// <summary>Replication's settings: from the command line, changed by CONFIG SET (read live).</summary>
public sealed class ReplicationSettings
{
    /// <summary>64 MB: Redis's 1 MB default makes a replica that misses a few seconds of a busy master full-sync again and again.</summary>
    public const long DefaultBacklogBytes = 64L << 20;

    public long BacklogBytes { get; set; } = DefaultBacklogBytes;

    /// <summary>repl-timeout, in ms: a silent master or an unacknowledging replica is given up after it.</summary>
    public long TimeoutMs { get; set; } = 60_000;

    public string? MasterAuth { get; set; }

    public int MinReplicasToWrite { get; set; }

    public int MinReplicasMaxLagSeconds { get; set; } = 10;

    /// <summary>Semi-synchronous replication: a write's reply waits for this many replicas to acknowledge it.</summary>
    public int SyncReplicas { get; set; }

    public long SyncReplicasTimeoutMs { get; set; } = 1000;

    /// <summary>replica-serve-stale-data: with it off, a replica whose link is down answers only stale-safe commands (MASTERDOWN).</summary>
    public bool ServeStaleData { get; set; } = true;

    /// <summary>How often a replica acknowledges while data flows (Redis: once a second; semi-sync needs better).</summary>
    public const int AckIntervalMs = 100;
}
