using Istore.Node.Engine.Disk.Native;

namespace Istore.Node.Engine.Disk;

/// <summary>
/// The disk engine's dataset for a disk replica (see <see cref="DiskSstFiles"/>): a RocksDB
/// checkpoint made under the keyspace write lock (hard links and the live WAL), opened read-only
/// by the thread that writes it out as SST files while the node goes on; deleted when done.
/// </summary>
internal sealed class DiskSstSnapshot : IDatasetSnapshot
{
    private readonly string _directory;

    public DiskSstSnapshot(DiskEngine engine, string workDirectory)
    {
        _directory = workDirectory;
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
        Directory.CreateDirectory(_directory);
        engine.Db.CreateCheckpoint(Path.Combine(_directory, "db"), logSizeForFlush: ulong.MaxValue);
    }

    public void WriteTo(Objects.SnapshotWriter writer)
    {
        using var db = RocksDb.OpenReadOnly(Path.Combine(_directory, "db"), new DatabaseOptions(8L << 20, 8L << 20),
            DiskFormat.Families.Select(f => new ColumnFamilyOptions(f, InPlaceUpdates: f == DiskFormat.DefaultFamily)).ToList());
        DiskSstFiles.Write(db, _directory, writer);
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }
}
