using Istore.Node.Engine.Disk.Native;

namespace Istore.Node.Engine.Disk;

/// <summary>
/// The disk engine's dataset for a disk replica (see <see cref="DiskSstFiles"/>): a RocksDB snapshot
/// taken under the keyspace write lock (a sequence number: no flush, no copy of the WAL, which a
/// checkpoint of a busy master copies and its reader replays), walked while the node goes on. The
/// engine waits for the walk before it closes.
/// </summary>
internal sealed class DiskSstSnapshot : IDatasetSnapshot
{
    private readonly DiskEngine _engine;
    private readonly Snapshot _snapshot;
    private readonly string _directory;

    public DiskSstSnapshot(DiskEngine engine, string workDirectory)
    {
        _engine = engine;
        _directory = workDirectory;
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
        Directory.CreateDirectory(_directory);
        engine.BeginWalk();
        _snapshot = engine.Db.CreateSnapshot();
    }

    public void WriteTo(Objects.SnapshotWriter writer) => DiskSstFiles.Write(_engine, _snapshot, _directory, writer);

    public void Dispose()
    {
        _snapshot.Dispose();
        _engine.EndWalk();
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }
}
