using System.Text;
using Istore.Node.Engine.Disk.Native;

namespace Istore.Node.Engine.Disk;

/// <summary>
/// Opens the engine's RocksDB directory, refusing anything that is not ours with a message that
/// says why: a directory with files but no database, another program's RocksDB (other column
/// families, no format record), a newer format, or a database RocksDB reports as corrupt.
/// A new database is made beside the directory and moved into place with its format record, so a
/// node killed while making it leaves an empty directory, never one the next start would refuse.
/// </summary>
internal static class DiskDirectory
{
    public static RocksDb Open(string path, DiskEngineOptions options, CompactionFilter expiredKeys, CompactionFilter staleSubkeys)
    {
        var families = RocksDb.ListColumnFamilies(path);
        bool fresh = families.Count == 0;
        if (fresh && Directory.EnumerateFileSystemEntries(path).Any())
            throw new InvalidDataException($"{path} holds files but no RocksDB database: not an istore disk directory");
        if (fresh)
            Create(path);
        if (!fresh && !families.Order().SequenceEqual(DiskFormat.Families.Order()))
        {
            // A damaged MANIFEST can list other families too: let RocksDB report corruption first,
            // opening read-only so nothing of another program's database is changed.
            using (RocksDb.OpenReadOnly(path, new DatabaseOptions(1 << 20, 1 << 20), families.Select(f => new ColumnFamilyOptions(f)).ToList()))
            {
            }
            throw new InvalidDataException(
                $"{path} is a RocksDB database of another program (column families: {string.Join(", ", families)})");
        }
        var db = RocksDb.Open(path,
            new DatabaseOptions(options.BlockCacheBytes, options.WriteBufferBytes, ManualWalFlush: true),
            DiskFormat.Families.Select(f => new ColumnFamilyOptions(f, f switch
            {
                DiskFormat.MetadataFamily => expiredKeys,
                DiskFormat.SubkeyFamily or DiskFormat.ScoreFamily => staleSubkeys,
                _ => null,
            }, InPlaceUpdates: f == DiskFormat.DefaultFamily)).ToList());
        try
        {
            CheckFormat(db, path);
            return db;
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    /// <summary>Makes the families and the format record in a sibling directory, then renames it to <paramref name="path"/>.</summary>
    private static void Create(string path)
    {
        string staging = Path.TrimEndingDirectorySeparator(path) + ".creating";
        if (Directory.Exists(staging))
            Directory.Delete(staging, recursive: true);   // left by a node killed while creating
        Directory.CreateDirectory(staging);
        using (var db = RocksDb.Open(staging, new DatabaseOptions(1 << 20, 1 << 20, ManualWalFlush: true),
            DiskFormat.Families.Select(f => new ColumnFamilyOptions(f)).ToList()))
        {
            using var batch = new WriteBatch();
            batch.Put(db.Family(DiskFormat.DefaultFamily), DiskFormat.FormatKey, Encoding.ASCII.GetBytes(DiskFormat.FormatVersion));
            db.Write(batch);
            db.FlushWal(sync: true);
        }
        Directory.Delete(path);
        Directory.Move(staging, path);
    }

    private static void CheckFormat(RocksDb db, string path)
    {
        if (!db.TryGet(db.Family(DiskFormat.DefaultFamily), DiskFormat.FormatKey, out var format))
            throw new InvalidDataException($"{path} has no istore format record: not an istore disk database");
        using (format)
        {
            string version = Encoding.ASCII.GetString(format.Span);
            if (version != DiskFormat.FormatVersion)
                throw new InvalidDataException($"{path} holds format '{version}'; this istore-node reads '{DiskFormat.FormatVersion}'");
        }
    }
}
