using Istore.Node.Engine.Disk.Native;
using Istore.Node.Keyspace;

namespace Istore.Node.Engine.Disk;

/// <summary>
/// The metadata column family's compaction filter: drops keys that expired more than the grace
/// period ago, so keys nobody reads again still leave the disk. Runs on RocksDB's threads.
/// </summary>
internal sealed class ExpiredKeyFilter(DiskEngine engine, long graceMs) : CompactionFilter("istore.expired-keys")
{
    protected override bool ShouldRemove(int level, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        long expireAt = DiskFormat.ExpireAt(value);
        return expireAt != 0 && expireAt <= Database.NowMs - graceMs && engine.ForgetExpired(key, value);
    }
}
