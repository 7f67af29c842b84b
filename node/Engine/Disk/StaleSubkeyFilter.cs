using Istore.Node.Engine.Disk.Native;

namespace Istore.Node.Engine.Disk;

/// <summary>
/// The compaction filter of the subkey and score column families (their keys start alike: key
/// length, key, version): drops the elements and sorted-set index entries of collections that are gone
/// (deleted, expired and removed, overwritten, recreated under a new version). An element is live
/// only while its key's metadata record is a collection of the element's version; versions are
/// never reused, so once dead an element stays dead and dropping it races with nothing, except a
/// reader at a snapshot taken while the collection lived (a disk recall's merge): nothing is dropped
/// while one runs. Runs on RocksDB's threads, one metadata lookup per element it sees.
/// </summary>
internal sealed class StaleSubkeyFilter(DiskEngine engine) : CompactionFilter("istore.stale-subkeys")
{
    protected override bool ShouldRemove(int level, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        if (!DiskFormat.TryParseSubkey(key, out var userKey, out ulong version))
            return false;
        bool dead;
        if (!engine.Db.TryGet(engine.Metadata, userKey, out var record))
            dead = true;
        else
            using (record)
                dead = !DiskFormat.IsCollection(record.Span) || DiskFormat.VersionOf(record.Span) != version;
        // Read after the metadata: a collection that died after a snapshot read began is kept for it.
        return dead && engine.MayDropStaleElements;
    }
}
