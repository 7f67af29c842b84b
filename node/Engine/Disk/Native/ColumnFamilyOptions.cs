namespace Istore.Node.Engine.Disk.Native;

/// <summary>
/// Per column family tuning: compression for every level, bloom filters, and an optional compaction filter.
/// <paramref name="InPlaceUpdates"/>: a put of a key already in the memtable with a value no longer than
/// the old one overwrites it there instead of adding a version (for a record rewritten by every write).
/// </summary>
internal sealed record ColumnFamilyOptions(string Name, CompactionFilter? Filter = null, bool InPlaceUpdates = false);

/// <summary>RocksDB's compression types (<c>rocksdb_*_compression</c> in c.h).</summary>
internal enum Compression
{
    None = 0,
    Snappy = 1,
    Lz4 = 4,
    Zstd = 7,
}

/// <summary>
/// Database-wide tuning: the shared block cache, the memtable size and compression.
/// <paramref name="ManualWalFlush"/>: writes leave their WAL records in RocksDB's buffer until <see cref="RocksDb.FlushWal"/>.
/// </summary>
internal sealed record DatabaseOptions(long BlockCacheBytes, long WriteBufferBytes, Compression Compression = Compression.Lz4,
    int BackgroundThreads = 2, bool ManualWalFlush = false);
