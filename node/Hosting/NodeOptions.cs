using Istore.Node.Persistence;

namespace Istore.Node.Hosting;

/// <summary>istore-node's settings, from the command line (and CONFIG SET where they are mutable).</summary>
public sealed record NodeOptions
{
    public string Bind { get; init; } = "127.0.0.1";
    public int Port { get; init; } = 6379;
    public string Directory { get; init; } = "./data";
    public FsyncPolicy AppendFsync { get; init; } = FsyncPolicy.EverySec;
    public string? RequirePass { get; init; }
    public int MaxClients { get; init; } = 10000;
    /// <summary>Memory for FASTER's hybrid log; older records spill to disk beyond it.</summary>
    public long MaxMemory { get; init; } = 1L << 30;
    /// <summary>FASTER's hash index at start (64-byte buckets); doubled as string keys outgrow it.</summary>
    public long IndexBytes { get; init; } = 1L << 20;
    /// <summary>FASTER log page; the largest value a key can hold is a little under it.</summary>
    public long PageBytes { get; init; } = Istore.Node.Engine.Memory.MemoryEngineOptions.DefaultPageBytes;
    public string Engine { get; init; } = "memory";

    /// <summary>notify-keyspace-events at start (Redis's class letters); null = off.</summary>
    public string? NotifyKeyspaceEvents { get; init; }
    /// <summary>Disk engine: RocksDB's block cache (uncompressed blocks, index and bloom filters).</summary>
    public long BlockCacheBytes { get; init; } = Istore.Node.Engine.Disk.DiskEngineOptions.DefaultBlockCacheBytes;
    /// <summary>Disk engine: RocksDB's memtable size per column family.</summary>
    public long WriteBufferBytes { get; init; } = Istore.Node.Engine.Disk.DiskEngineOptions.DefaultWriteBufferBytes;
    public int Threads { get; init; } = 1;
    /// <summary>Take a checkpoint once the log has grown by this much since the last one.</summary>
    public long CheckpointLogBytes { get; init; } = 64L * 1024 * 1024;
    public long MaxBulkLength { get; init; } = 512L * 1024 * 1024;
    /// <summary>--replicaof HOST:PORT: start as a replica of that master.</summary>
    public (string Host, int Port)? ReplicaOf { get; init; }
    public Replication.ReplicationSettings Replication { get; init; } = new();
}
