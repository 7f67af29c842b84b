namespace Istore.Node.Engine;

/// <summary>
/// An engine with its own write-ahead log (disk, on RocksDB's WAL). Every write is in that log,
/// in the OS, before the write returns, so the node keeps no append-only log files of its own for
/// it and replays nothing at start-up: the log only frames records, and syncing it syncs this one.
/// </summary>
public interface ISelfDurableEngine
{
    /// <summary>Forces the engine's log to disk (appendfsync always before replies, everysec once a second).</summary>
    void SyncLog();
}
