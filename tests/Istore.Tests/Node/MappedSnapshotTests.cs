using System.Text;
using Istore.Node.Engine.Memory;
using Istore.Node.Objects;

namespace Istore.Tests.Node;

/// <summary>
/// Snapshots load through a memory map, an entry at a time, so files past 2 GiB load too. A small
/// window stands in for the 2 GiB one: every entry gets a reader of its own, so entries load
/// wherever the file's offsets fall, and an entry bigger than one window is a clear error.
/// </summary>
public class MappedSnapshotTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"istore-mapped-{Guid.NewGuid():N}.snap");

    public void Dispose() => File.Delete(_path);

    private static byte[] Bytes(string s) => Encoding.ASCII.GetBytes(s);

    /// <summary>Captures <paramref name="space"/> into the file as a checkpoint does (its count, then the entries).</summary>
    private void Capture(ObjectSpace space)
    {
        using (var file = File.Create(_path))
        {
            var writer = new SnapshotWriter(chunk => file.Write(chunk));
            var writeLock = new Istore.Node.Keyspace.KeyspaceLock();
            ObjectCapture capture;
            using (writeLock.Hold())
            {
                capture = space.BeginCapture(CaptureSlot.Checkpoint, writeLock, writer, ObjectSnapshotFile.WriteEntry);
                writer.WriteVarUInt((ulong)capture.Expected);
            }
            space.Complete(capture);
            writer.Flush();
        }
    }

    private static List<string> Fields(HashObject hash)
    {
        var fields = new List<string>();
        foreach (var pair in hash)
            fields.Add($"{Encoding.ASCII.GetString(pair.Field)}={Encoding.ASCII.GetString(pair.Value)}");
        fields.Sort(StringComparer.Ordinal);
        return fields;
    }

    [Fact]
    public void Entries_load_one_window_each_wherever_they_fall_in_the_file()
    {
        var random = new Random(7);
        var source = new ObjectSpace();
        for (int k = 0; k < 300; k++)
        {
            var hash = new HashObject();
            for (int f = random.Next(1, 60); f > 0; f--)
                hash.Set(Bytes($"field{f}"), Bytes(new string('v', random.Next(1, 40))));
            source.Set(Bytes($"h{k}"), hash, k % 5 == 0 ? 9_000_000 + k : 0);
        }
        Capture(source);
        Assert.True(new FileInfo(_path).Length > 40 * 4096, "the file should span many windows");

        var loaded = new ObjectSpace();
        using (var mapped = new MappedSnapshot(_path, window: 4096))
            loaded.ReadFrom(mapped);

        Assert.Equal(300, loaded.Count);
        for (int k = 0; k < 300; k++)
        {
            Assert.True(source.TryGet(Bytes($"h{k}"), out var expected, out long expectedExpiry));
            Assert.True(loaded.TryGet(Bytes($"h{k}"), out var actual, out long actualExpiry));
            Assert.Equal(expectedExpiry, actualExpiry);
            Assert.Equal(Fields((HashObject)expected), Fields((HashObject)actual));
        }
    }

    [Fact]
    public void An_entry_larger_than_a_window_is_refused_clearly()
    {
        var source = new ObjectSpace();
        var hash = new HashObject();
        hash.Set(Bytes("big"), new byte[10_000]);
        source.Set(Bytes("h"), hash, 0);
        Capture(source);

        using var mapped = new MappedSnapshot(_path, window: 4096);
        Assert.Throws<InvalidDataException>(() => new ObjectSpace().ReadFrom(mapped));
    }

    [Fact]
    public void A_snapshot_cut_short_is_refused_clearly()
    {
        var source = new ObjectSpace();
        for (int k = 0; k < 50; k++)
        {
            var hash = new HashObject();
            hash.Set(Bytes("f"), Bytes($"v{k}"));
            source.Set(Bytes($"h{k}"), hash, 0);
        }
        Capture(source);
        using (var file = File.OpenWrite(_path))
            file.SetLength(file.Length / 2);

        using var mapped = new MappedSnapshot(_path);
        Assert.Throws<InvalidDataException>(() => new ObjectSpace().ReadFrom(mapped));
    }
}
