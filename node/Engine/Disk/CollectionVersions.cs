using System.Buffers.Binary;
using Istore.Node.Engine.Disk.Native;

namespace Istore.Node.Engine.Disk;

/// <summary>
/// Hands out collection versions: a counter persisted in <c>istore:version</c> by the batch that
/// first uses each new value, so after a crash no version is handed out twice (a reused version
/// would bring a dead collection's uncompacted elements back). Called under the keyspace write lock.
/// </summary>
internal sealed class CollectionVersions
{
    private ulong _last;

    public CollectionVersions(RocksDb db, ColumnFamily family)
    {
        if (!db.TryGet(family, DiskFormat.VersionKey, out var record))
            return;
        using (record)
        {
            if (record.Span.Length != 8)
                throw new InvalidDataException($"the collection version record has {record.Span.Length} bytes, not 8: damaged database");
            _last = BinaryPrimitives.ReadUInt64LittleEndian(record.Span);
        }
    }

    public ulong Next() => Interlocked.Increment(ref _last);

    /// <summary>Records the last version handed out in <paramref name="batch"/>.</summary>
    public void Persist(PendingWrites batch, ColumnFamily family)
    {
        Span<byte> last = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(last, Volatile.Read(ref _last));
        batch.Put(family, DiskFormat.VersionKey, last);
    }
}
