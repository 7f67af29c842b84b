using Istore.Node.Engine.Disk.Native;
using Istore.Node.Objects;

namespace Istore.Node.Engine.Disk;

/// <summary>A full sync between disk nodes as SST files (see <see cref="DiskSstFiles"/>).</summary>
public sealed partial class DiskEngine : IFileSyncEngine
{
    public string FileSyncCapability => "istore-sst:" + DiskFormat.FormatVersion;

    /// <summary>Flushes the memtables: the checkpoint then copies (under the write lock) and its reader replays only the WAL written since.</summary>
    public void PrepareFileSnapshot() => Db.FlushMemtables();

    public IDatasetSnapshot BeginFileSnapshot(string workDirectory) => new DiskDatasetSnapshot(this, workDirectory, asFiles: true);

    IReadOnlyList<(string Part, string Path)> IFileSyncEngine.UnpackFiles(MappedSnapshot payload, string directory) => DiskSstFiles.Unpack(payload, directory);

    /// <summary>
    /// One batch deletes everything (as FLUSHALL), then each family ingests its files, whose keys
    /// are newer than the tombstones. Under the keyspace write lock, which an atomic write holds, so
    /// lock-free reads wait for the end. The key count becomes unknown (DBSIZE recounts: the
    /// master's counts record can be behind its compaction filter's drops); collection versions go
    /// on from the higher of ours and the master's, so no version is handed out twice.
    /// </summary>
    public void ReplaceWithFiles(IReadOnlyList<(string Part, string Path)> files)
    {
        lock (CountLock)
        {
            using (var batch = new WriteBatch())
            {
                DeleteEverything(batch);
                WriteEmptied(batch);
            }
            foreach (var family in DiskFormat.Families)
            {
                var paths = files.Where(f => f.Part == family).Select(f => f.Path).ToList();
                if (paths.Count == 0)
                    continue;
                try
                {
                    Db.Ingest(Db.Family(family), paths);
                }
                catch (RocksDbException ex)
                {
                    // Not a failure of this node: the next attempt asks for a new full sync.
                    throw new InvalidDataException($"the master's {family} files do not ingest: {ex.Message}");
                }
            }
            var (_, volatileKeys, _) = ReadCounts();
            Volatile.Write(ref _volatileKeyCount, volatileKeys);
            ForgetKeyCount();
            Versions.Raise(Db, Default);
            using (var counts = new WriteBatch())
            {
                Versions.Persist(counts, Default);
                WriteWithCounts(counts, 0, 0);
            }
        }
        NoteFlushed();   // the replaced data's space comes back at the next maintenance
    }

    /// <summary>
    /// Adds to <paramref name="batch"/> the deletion of every key: a range tombstone per column
    /// family below 0xFF, plus point deletes for the rare metadata keys that start with byte 0xFF
    /// (no finite bound is above every key). The default family holds only the engine's own records.
    /// </summary>
    internal void DeleteEverything(WriteBatch batch)
    {
        ReadOnlySpan<byte> top = [0xFF];
        foreach (var family in DiskFormat.Families)
        {
            if (family != DiskFormat.DefaultFamily)
                batch.DeleteRange(Db.Family(family), [], top);
        }
        using var iterator = Db.NewIterator(Metadata, fillCache: false);
        for (iterator.Seek(top); iterator.Valid; iterator.Next())
            batch.Delete(Metadata, iterator.Key);
        iterator.ThrowIfError();
    }
}
