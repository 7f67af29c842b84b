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

    public CollectionVersions(RocksDb db, ColumnFamily family) => _last = Stored(db, family);

    private static ulong Stored(RocksDb db, ColumnFamily family)
    {
        if (!db.TryGet(family, DiskFormat.VersionKey, out var record))
            return 0;
        using (record)
        {
            if (record.Span.Length != 8)
                throw new InvalidDataException($"the collection version record has {record.Span.Length} bytes, not 8: damaged database");
            return BinaryPrimitives.ReadUInt64LittleEndian(record.Span);
        }
    }

    public ulong Next() => Interlocked.Increment(ref _last);

    /// <summary>Goes on from the stored record if it is higher (another node's data came in as files).</summary>
    public void Raise(RocksDb db, ColumnFamily family) => Volatile.Write(ref _last, Math.Max(Volatile.Read(ref _last), Stored(db, family)));

    /// <summary>Records the last version handed out in <paramref name="batch"/>.</summary>
    public void Persist(PendingWrites batch, ColumnFamily family)
    {
        Span<byte> last = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(last, Volatile.Read(ref _last));
        batch.Put(family, DiskFormat.VersionKey, last);
    }

    public void Persist(WriteBatch batch, ColumnFamily family)
    {
        Span<byte> last = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(last, Volatile.Read(ref _last));
        batch.Put(family, DiskFormat.VersionKey, last);
    }
}
