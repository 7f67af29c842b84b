using Istore.Node.Engine.Disk.Native;

namespace Istore.Node.Engine.Disk;

/// <summary>
/// The disk engine's dataset snapshot: a RocksDB checkpoint made under the keyspace write lock
/// (hard links and the live WAL, no memtable flush), opened as an engine of its own and read
/// through its sessions while the node goes on, or for a disk replica opened read-only and written
/// out as SST files (<see cref="DiskSstFiles"/>); deleted when done.
/// </summary>
internal sealed class DiskDatasetSnapshot : IDatasetSnapshot
{
    private readonly string _directory;
    private readonly bool _asFiles;

    public DiskDatasetSnapshot(DiskEngine engine, string workDirectory, bool asFiles)
    {
        _directory = workDirectory;
        _asFiles = asFiles;
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
        Directory.CreateDirectory(_directory);
        engine.Db.CreateCheckpoint(Path.Combine(_directory, "db"), logSizeForFlush: ulong.MaxValue);
    }

    public void WriteTo(Objects.SnapshotWriter writer)
    {
        if (_asFiles)
        {
            using var db = RocksDb.OpenReadOnly(Path.Combine(_directory, "db"), new DatabaseOptions(8L << 20, 8L << 20),
                DiskFormat.Families.Select(f => new ColumnFamilyOptions(f, InPlaceUpdates: f == DiskFormat.DefaultFamily)).ToList());
            DiskSstFiles.Write(db, _directory, writer);
            return;
        }
        // A small cache: this copy is read once, front to back.
        using var copy = new DiskEngine(new DiskEngineOptions(_directory, 8L << 20, 8L << 20, ExpiredGraceMs: long.MaxValue / 2));
        using (var session = copy.CreateSession())
            DatasetEntries.WriteKeys(session, writer, writtenByCaller: null);
        DatasetEntries.WriteEnd(writer);
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }
}
