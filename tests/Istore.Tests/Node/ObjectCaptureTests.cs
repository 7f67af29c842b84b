using System.Text;
using Istore.Node.Engine;
using Istore.Node.Engine.Memory;
using Istore.Node.Objects;

namespace Istore.Tests.Node;

/// <summary>
/// The memory engine's copy-on-write capture in process: while its walk runs on another thread, this
/// thread changes hashes in place, replaces, renames, re-expires, deletes and creates keys under
/// the same write lock, and the capture must hold exactly the collections as they were when it
/// began, each once, byte for byte.
/// </summary>
public class ObjectCaptureTests
{
    private static byte[] Bytes(string s) => Encoding.ASCII.GetBytes(s);

    private static HashObject Hash(int fields, string tag)
    {
        var hash = new HashObject();
        for (int f = 0; f < fields; f++)
            hash.Set(Bytes($"f{f}"), Bytes($"{tag}-{f}"));
        return hash;
    }

    /// <summary>Each collection's bytes as the checkpoint file writes them, by key.</summary>
    private static Dictionary<string, byte[]> Entries(byte[] payload, bool counted)
    {
        var found = new Dictionary<string, byte[]>();
        var reader = new SnapshotReader(payload);
        int count = counted ? reader.ReadCount() : int.MaxValue;
        for (int i = 0; i < count && !reader.AtEnd; i++)
        {
            int before = reader.Remaining;
            var type = (KeyType)reader.ReadByte();
            string key = Encoding.ASCII.GetString(reader.ReadBytes());
            reader.ReadInt64();
            ObjectSerializer.Read(type, ref reader, new Istore.Ranklist.MemberTable());
            int start = payload.Length - before;
            Assert.True(found.TryAdd(key, payload[start..(payload.Length - reader.Remaining)]), $"{key} was captured twice");
        }
        Assert.True(reader.AtEnd, "bytes after the captured entries");
        return found;
    }

    private static byte[] Serialized(string key, StoredObject value, long expireAt)
    {
        var bytes = new MemoryStream();
        var writer = new SnapshotWriter(chunk => bytes.Write(chunk));
        ObjectSnapshotFile.WriteEntry(writer, Bytes(key), value, expireAt);
        writer.Flush();
        return bytes.ToArray();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_capture_holds_the_collections_as_they_were_when_it_began(int seed)
    {
        var space = new ObjectSpace();
        var writeLock = new Istore.Node.Keyspace.KeyspaceLock();
        var random = new Random(seed);
        for (int k = 0; k < 400; k++)
            space.Set(Bytes($"h{k}"), Hash(random.Next(1, 300), "old"), k % 7 == 0 ? 1_000_000 + k : 0);

        var output = new MemoryStream();
        var writer = new SnapshotWriter(chunk => output.Write(chunk));
        ObjectCapture capture;
        var expected = new Dictionary<string, byte[]>();
        using (writeLock.Hold())
        {
            for (int k = 0; k < 400; k++)
            {
                space.TryGet(Bytes($"h{k}"), out var value, out long expireAt);
                expected[$"h{k}"] = Serialized($"h{k}", value, expireAt);
            }
            capture = space.BeginCapture(CaptureSlot.Checkpoint, writeLock, writer, ObjectSnapshotFile.WriteEntry);
            writer.WriteVarUInt((ulong)capture.Expected);
        }

        var walk = new Thread(() => space.Complete(capture));
        walk.Start();
        int changes = 0;
        while (walk.IsAlive || changes < 2000)
        {
            using (writeLock.Hold())
            {
                var key = Bytes($"h{random.Next(500)}");
                switch (random.Next(6))
                {
                    case 0:
                        if (space.TryGetForCommand(key, out var value, out _) && value is HashObject hash)
                            hash.Set(Bytes($"new{changes}"), Bytes("x"));
                        break;
                    case 1:
                        space.Set(key, Hash(3, "replaced"), 0);
                        break;
                    case 2:
                        space.SetExpiry(key, 5_000_000 + changes, out _);
                        break;
                    case 3:
                        space.Remove(key, out _);
                        break;
                    case 4:
                        if (space.TryGetForCommand(key, out var moved, out long expireAt) && space.Remove(key, out _))
                            space.Set(Bytes($"renamed{changes}"), moved, expireAt);
                        break;
                    default:
                        if (space.TryGetForCommand(key, out var trimmed, out _) && trimmed is HashObject fields)
                            fields.Remove(Bytes("f0"));
                        break;
                }
                changes++;
            }
        }
        walk.Join();
        writer.Flush();

        Assert.Equal(400, capture.Written);
        var captured = Entries(output.ToArray(), counted: true);
        Assert.Equal(expected.Keys.Order(), captured.Keys.Order());
        foreach (var (key, bytes) in expected)
            Assert.True(bytes.AsSpan().SequenceEqual(captured[key]), $"{key} was captured after it changed");
    }

    [Fact]
    public void A_change_outside_the_write_lock_during_a_capture_fails_the_capture_not_the_change()
    {
        var space = new ObjectSpace();
        var writeLock = new Istore.Node.Keyspace.KeyspaceLock();
        space.Set(Bytes("h"), Hash(3, "v"), 0);
        ObjectCapture capture;
        using (writeLock.Hold())
            capture = space.BeginCapture(CaptureSlot.FullSync, writeLock, new SnapshotWriter(_ => { }), DatasetEntries.WriteObject);
        Assert.True(space.Remove(Bytes("h"), out _));
        var failed = Assert.Throws<IOException>(() => space.Complete(capture));
        Assert.IsType<InvalidOperationException>(failed.InnerException);
        Assert.Equal(0, space.Count);
    }

    [Fact]
    public void A_second_capture_in_the_same_slot_is_refused_and_the_other_slot_runs_beside_it()
    {
        var space = new ObjectSpace();
        var writeLock = new Istore.Node.Keyspace.KeyspaceLock();
        space.Set(Bytes("h"), Hash(3, "v"), 0);
        using (writeLock.Hold())
        {
            var first = space.BeginCapture(CaptureSlot.Checkpoint, writeLock, new SnapshotWriter(_ => { }), ObjectSnapshotFile.WriteEntry);
            Assert.Throws<InvalidOperationException>(() => space.BeginCapture(CaptureSlot.Checkpoint, writeLock, new SnapshotWriter(_ => { }), ObjectSnapshotFile.WriteEntry));
            var output = new MemoryStream();
            var sync = space.BeginCapture(CaptureSlot.FullSync, writeLock, new SnapshotWriter(chunk => output.Write(chunk)), ObjectSnapshotFile.WriteEntry);
            space.Remove(Bytes("h"), out _);   // both captures take it before it goes
            Assert.Equal(1, first.Written);
            Assert.Equal(1, sync.Written);
            space.EndCapture(first);
            space.EndCapture(sync);
            sync.Output.Flush();
            Assert.Equal(["h"], Entries(output.ToArray(), counted: false).Keys);
        }
    }
}
