using System.Text;
using Istore.Node.Engine.Disk.Native;
using Istore.Node.Objects;

namespace Istore.Node.Engine.Disk;

/// <summary>
/// A disk master's full sync to a disk replica as RocksDB files rather than key by key (as Kvrocks
/// ships its checkpoint): every column family of a checkpoint made at the sync's offset, walked in
/// key order, becomes SST files that the replica ingests whole, so neither side decodes a key or writes a WAL record for
/// it. In the payload: <see cref="DatasetEntries.SstFilesEntry"/>, then per file its family's name,
/// its length (int64) and its bytes; an empty name ends the list. Records are copied as they are
/// stored (the replica has the same format: <see cref="DiskFormat.FormatVersion"/> is checked).
/// </summary>
internal static class DiskSstFiles
{
    /// <summary>Files are cut here: one never nears a memory map window (2 GB) on the replica.</summary>
    private const ulong FileBytes = 256UL << 20;

    /// <summary>Writes <paramref name="db"/> (a checkpoint) as SST files, each made in <paramref name="workDirectory"/> and removed once written out.</summary>
    public static void Write(RocksDb db, string workDirectory, SnapshotWriter writer)
    {
        writer.WriteByte(DatasetEntries.SstFilesEntry);
        int number = 0;
        foreach (var family in DiskFormat.Families)
        {
            using var iterator = db.NewIterator(db.Family(family), fillCache: false);
            iterator.SeekToFirst();
            while (iterator.Valid)
            {
                string path = Path.Combine(workDirectory, $"{++number}.sst");
                using (var sst = db.CreateSstWriter(family, path))
                {
                    for (; iterator.Valid && sst.FileSize < FileBytes; iterator.Next())
                        sst.Put(iterator.Key, iterator.Value);
                    sst.Finish();
                }
                iterator.ThrowIfError();
                WriteFile(writer, family, path);
            }
            iterator.ThrowIfError();
        }
        writer.WriteBytes([]);
        DatasetEntries.WriteEnd(writer);
    }

    private static void WriteFile(SnapshotWriter writer, string family, string path)
    {
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan))
        {
            writer.WriteBytes(Encoding.UTF8.GetBytes(family));
            writer.WriteInt64(file.Length);
            var chunk = new byte[1 << 20];
            int n;
            while ((n = file.Read(chunk)) > 0)
                writer.WriteRaw(chunk.AsSpan(0, n));
        }
        File.Delete(path);
    }

    /// <summary>
    /// Writes the files of a payload (positioned after its <see cref="DatasetEntries.SstFilesEntry"/>)
    /// into <paramref name="directory"/>; returns them with their families, in payload order.
    /// </summary>
    public static List<(string Family, string Path)> Unpack(MappedSnapshot payload, string directory)
    {
        var files = new List<(string, string)>();
        while (true)
        {
            var reader = payload.Next();
            string family = Encoding.UTF8.GetString(reader.ReadBytes());
            if (family.Length == 0)
            {
                payload.Advance(reader);
                Verify(files, directory);
                return files;
            }
            if (!DiskFormat.Families.Contains(family))
                throw new InvalidDataException($"the snapshot holds a file of an unknown column family '{family}'");
            long length = reader.ReadInt64();
            payload.Advance(reader);
            if (length <= 0 || length > payload.End - payload.Position)
                throw new InvalidDataException($"the snapshot's file of {family} has a bad length {length}");
            string path = Path.Combine(directory, $"{files.Count + 1}.sst");
            using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1))
            {
                while (length > 0)
                {
                    var span = payload.Span(payload.Position, Math.Min(length, 64 << 20));
                    file.Write(span);
                    payload.Skip(span.Length);
                    length -= span.Length;
                }
            }
            files.Add((family, path));
        }
    }

    /// <summary>
    /// Checks every block of the files against its checksum by ingesting links to them into a
    /// scratch database, before the replica deletes its old data for them: a file damaged in
    /// transit fails the sync here, and the old dataset is still served. The payload's own
    /// checksum only shows the bytes arrived as the master sent them.
    /// </summary>
    private static void Verify(List<(string Family, string Path)> files, string directory)
    {
        string scratch = Path.Combine(directory, "verify");
        try
        {
            using var db = RocksDb.Open(scratch, new DatabaseOptions(1 << 20, 1 << 20),
                DiskFormat.Families.Select(f => new ColumnFamilyOptions(f)).ToList());
            foreach (var family in DiskFormat.Families)
            {
                var paths = files.Where(f => f.Family == family).Select(f => f.Path).ToList();
                if (paths.Count > 0)
                    db.IngestVerified(db.Family(family), paths);
            }
        }
        catch (RocksDbException ex)
        {
            throw new InvalidDataException($"the master's files do not ingest: {ex.Message}");
        }
        finally
        {
            if (Directory.Exists(scratch))
                Directory.Delete(scratch, recursive: true);
        }
    }
}
