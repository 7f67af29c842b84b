namespace Istore.Node.Engine;

/// <summary>
/// An engine with its own write-ahead log (disk, on RocksDB's WAL). The node keeps no append-only
/// log files for it and replays nothing at start-up; where it would write its log to the OS (before
/// any reply of a batch that wrote) or fsync it (appendfsync always / everysec), it asks the engine
/// to do that to its log instead.
/// </summary>
public interface ISelfDurableEngine
{
    /// <summary>Writes the log records buffered since the last call to the OS, and with <paramref name="sync"/> forces them to disk.</summary>
    void FlushLog(bool sync);

    /// <summary>Read under the keyspace write lock as each command's batch is written: the replication offset stored atomically with it.</summary>
    Func<long>? StreamOffset { set; }

    /// <summary>The replication offset the recovered data is at (the last batch's).</summary>
    long RecoveredStreamOffset { get; }
}
