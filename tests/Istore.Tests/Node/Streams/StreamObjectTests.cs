using System.Text;
using Istore.Node.Engine;
using Istore.Node.Objects;
using Istore.Node.Objects.Streams;

namespace Istore.Tests.Node.Streams;

/// <summary>
/// The stream type in-process: random appends, deletes and trims checked against a sorted model in
/// both directions across block boundaries; Redis's block rules (100 entries, whole blocks for an
/// approximate trim); the checkpoint form read back through <see cref="ObjectSerializer"/> (what
/// restarts and a replica's full sync use); copies that share nothing; damaged snapshots refused.
/// </summary>
public class StreamObjectTests
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    private static void Add(StreamObject stream, StreamId id, params string[] pairs) =>
        stream.Append(id, new ArrayPairs(pairs.Select(B).ToArray()));

    private static string Render(EntryRef entry)
    {
        var text = new StringBuilder(entry.Id.ToString());
        var reader = entry.Read();
        while (reader.MoveNext())
            text.Append(' ').Append(Encoding.UTF8.GetString(reader.Field)).Append('=').Append(Encoding.UTF8.GetString(reader.Value));
        return text.ToString();
    }

    private static byte[] Snapshot(StoredObject value)
    {
        var bytes = new List<byte>();
        var writer = new SnapshotWriter(chunk => bytes.AddRange(chunk.ToArray()));
        value.WriteTo(writer);
        writer.Flush();
        return [.. bytes];
    }

    /// <summary>
    /// The disk engine keeps block sizes in records of its own (to cut blocks where this engine and Redis
    /// do) and stores each entry alone: its counts must match a block's own, and an entry read back alone must read the same.
    /// </summary>
    [Fact]
    public void Block_sizes_counted_elsewhere_and_entries_stored_alone_match_the_blocks()
    {
        var random = new Random(7);
        string[] names = ["a", "bb", "ccc"];
        StreamNode? node = null;
        byte[][] masterFields = [];
        long expected = 0;
        var id = new StreamId(5, 0);
        for (int i = 0; i < 60; i++)
        {
            id = random.Next(3) == 0 ? new StreamId(id.Ms, id.Seq + (ulong)random.Next(1, 300)) : new StreamId(id.Ms + (ulong)random.Next(1, 100_000), (ulong)random.Next(0, 300));
            var chosen = random.Next(2) == 0 ? names : names.Take(random.Next(1, 3)).ToArray();
            var pairs = new ArrayPairs(chosen.SelectMany(f => new[] { B(f), new byte[random.Next(0, 300)] }).ToArray());
            if (node is null)
            {
                node = StreamNode.Create(id, pairs);
                masterFields = chosen.Select(B).ToArray();
                expected = StreamNode.EntryBytes(id, masterFields, id, pairs);
            }
            else
            {
                expected += StreamNode.EntryBytes(node.Master, masterFields, id, pairs);
                node.Append(id, pairs);
            }
            Assert.Equal(expected, node.UsedBytes);
            var alone = StreamNode.Single(id, StreamNode.EncodePairs(pairs));
            Assert.Equal(Render(new EntryRef(node, node.Total - 1, id)), Render(new EntryRef(alone, 0, id)));
        }
    }

    private static StreamObject ReadBack(byte[] bytes)
    {
        var reader = new SnapshotReader(bytes);
        var value = ObjectSerializer.Read(KeyType.Stream, ref reader, new Istore.Ranklist.MemberTable());
        Assert.True(reader.AtEnd);
        return Assert.IsType<StreamObject>(value);
    }

    [Fact]
    public void Random_appends_deletes_and_trims_match_a_sorted_model_both_ways()
    {
        var random = new Random(5);
        var stream = new StreamObject();
        var model = new SortedDictionary<StreamId, string>();
        ulong ms = 1;
        int mostBlocks = 0;
        for (int step = 0; step < 6000; step++)
        {
            switch (random.Next(10))
            {
                case < 6:
                    ms += (ulong)random.Next(0, 2);
                    var id = stream.NextId(0) is var next && next.Ms < ms ? new StreamId(ms, 0) : next;
                    string[] pairs = random.Next(2) == 0 ? ["f", $"v{step}"] : ["f", $"v{step}", $"g{step % 3}", new string('x', random.Next(0, 200))];
                    Add(stream, id, pairs);
                    model[id] = Render(stream.Backward(StreamId.Max, StreamId.Zero).First());
                    break;
                case 6 or 7 when model.Count > 0:
                    var victim = model.Keys.ElementAt(random.Next(model.Count));
                    Assert.True(stream.Delete(victim));
                    Assert.False(stream.Delete(victim));
                    model.Remove(victim);
                    break;
                case 8 when random.Next(10) == 0:
                    long keep = random.Next(0, model.Count + 1);
                    stream.Trim(new TrimSpec(true, keep, default, Approximate: false, Limit: 0));
                    while (model.Count > keep)
                        model.Remove(model.Keys.First());
                    break;
                default:
                    var from = new StreamId(ms - (ulong)random.Next(0, 5), (ulong)random.Next(0, 3));
                    var to = new StreamId(from.Ms + (ulong)random.Next(0, 4), ulong.MaxValue);
                    Assert.Equal(model.Where(e => e.Key >= from && e.Key <= to).Select(e => e.Value), stream.Forward(from, to).Select(Render));
                    Assert.Equal(model.Where(e => e.Key >= from && e.Key <= to).Reverse().Select(e => e.Value), stream.Backward(to, from).Select(Render));
                    break;
            }
            Assert.Equal(model.Count, stream.Count);
            mostBlocks = Math.Max(mostBlocks, stream.NodeCount);
        }
        Assert.Equal(model.Values, stream.Forward(StreamId.Zero, StreamId.Max).Select(Render));
        Assert.Equal(model.Count == 0 ? StreamId.Zero : model.Keys.First(), stream.FirstId);
        Assert.True(mostBlocks > 5, $"at most {mostBlocks} blocks");
    }

    [Fact]
    public void Blocks_hold_a_hundred_entries_and_an_approximate_trim_drops_only_whole_blocks()
    {
        var stream = new StreamObject();
        for (ulong i = 1; i <= 250; i++)
            Add(stream, new StreamId(i, 0), "f", "v");
        Assert.Equal(3, stream.NodeCount);
        // 250 - 100 ≥ 120 drops the first block; 150 - 100 < 120 keeps the second whole.
        Assert.Equal(100, stream.Trim(new TrimSpec(true, 120, default, Approximate: true, Limit: 10_000)));
        Assert.Equal(150, stream.Count);
        Assert.Equal(new StreamId(101, 0), stream.FirstId);
        // LIMIT caps the work a block at a time: nothing goes when one block is more than allowed.
        Assert.Equal(0, stream.Trim(new TrimSpec(true, 0, default, Approximate: true, Limit: 99)));
        Assert.Equal(30, stream.Trim(new TrimSpec(true, 120, default, Approximate: false, Limit: 0)));
        Assert.Equal(new StreamId(131, 0), stream.FirstId);
        Assert.Equal(70, stream.Trim(new TrimSpec(false, 0, new StreamId(201, 0), Approximate: false, Limit: 0)));
        Assert.Equal(50, stream.Count);
        Assert.Equal(1, stream.NodeCount);
    }

    [Fact]
    public void Entries_added_after_xsetid_moved_below_deleted_ones_read_in_order()
    {
        var stream = new StreamObject();
        for (ulong i = 1; i <= 5; i++)
            Add(stream, new StreamId(i, 0), "f", $"v{i}");
        for (ulong i = 3; i <= 5; i++)
            Assert.True(stream.Delete(new StreamId(i, 0)));
        stream.LastId = new StreamId(2, 5);   // XSETID may go down to the last live entry
        Add(stream, new StreamId(3, 0), "f", "again");
        Add(stream, new StreamId(4, 0), "f", "later");
        Assert.Equal(["1-0 f=v1", "2-0 f=v2", "3-0 f=again", "4-0 f=later"], stream.Forward(StreamId.Zero, StreamId.Max).Select(Render));
        Assert.Equal(["3-0 f=again", "2-0 f=v2"], stream.Backward(new StreamId(3, 9), new StreamId(2, 0)).Select(Render));
        Assert.Equal(["2-0 f=v2", "3-0 f=again"], stream.Forward(new StreamId(2, 0), new StreamId(3, 0)).Select(Render));
        Assert.True(stream.Delete(new StreamId(3, 0)));
        Assert.False(stream.Contains(new StreamId(3, 0)));
        Assert.True(stream.Contains(new StreamId(4, 0)));
        Assert.Equal(3, stream.Count);
    }

    [Fact]
    public void A_checkpoint_reads_back_the_same_stream_with_its_groups()
    {
        var stream = new StreamObject();
        for (ulong i = 1; i <= 300; i++)
            Add(stream, new StreamId(1000 + i / 7, i % 7), "sensor", $"s{i % 5}", "reading", (i * 3).ToString());
        Add(stream, new StreamId(5000, 0), "other", "fields");
        Assert.True(stream.Delete(new StreamId(1001, 0)));
        stream.Trim(new TrimSpec(true, 250, default, Approximate: true, Limit: 0));
        stream.MaxDeletedId = new StreamId(1001, 0);
        var group = new StreamGroup(B("workers"), new StreamId(1020, 3), 140);
        stream.AddGroup(group);
        var alice = group.OpenConsumer(B("alice"), 1234, out _);
        group.OpenConsumer(B("idle"), 99, out _);
        foreach (var entry in stream.Forward(StreamId.Zero, new StreamId(1010, 0)).Take(12))
        {
            var pending = new PendingEntry(entry.Id, alice, 777 + (long)entry.Id.Seq, 2);
            group.Pending.Add(pending);
            alice.Pending.Add(pending);
        }
        var bytes = Snapshot(stream);
        var copy = ReadBack(bytes);
        Assert.Equal(bytes, Snapshot(copy));
        Assert.Equal(stream.Forward(StreamId.Zero, StreamId.Max).Select(Render), copy.Forward(StreamId.Zero, StreamId.Max).Select(Render));
        Assert.Equal((stream.Count, stream.LastId, stream.FirstId, stream.MaxDeletedId, stream.EntriesAdded),
            (copy.Count, copy.LastId, copy.FirstId, copy.MaxDeletedId, copy.EntriesAdded));
        var readGroup = copy.FindGroup("workers"u8)!;
        Assert.Equal((new StreamId(1020, 3), 140L, 12), (readGroup.LastDelivered, readGroup.EntriesRead, readGroup.Pending.Count));
        Assert.Equal(["alice", "idle"], readGroup.Consumers.Values.Select(c => Encoding.UTF8.GetString(c.Name)));
        Assert.All(readGroup.Pending.From(StreamId.Zero), p => Assert.Same(readGroup.FindConsumer("alice"u8), p.Consumer));
        // The copy goes on like the original.
        Add(copy, copy.NextId(0), "x", "y");
        Assert.Equal(new StreamId(5000, 1), copy.LastId);
    }

    [Fact]
    public void Damaged_checkpoint_bytes_are_refused()
    {
        var stream = new StreamObject();
        for (ulong i = 1; i <= 20; i++)
            Add(stream, new StreamId(i, 0), "f", "v");
        var bytes = Snapshot(stream);
        for (int cut = 0; cut < bytes.Length; cut += 7)
            Assert.ThrowsAny<InvalidDataException>(() => ReadBack(bytes[..cut]));
    }

    [Fact]
    public void A_clone_shares_nothing_that_changes()
    {
        var stream = new StreamObject();
        for (ulong i = 1; i <= 120; i++)
            Add(stream, new StreamId(i, 0), "f", "v");
        var group = new StreamGroup(B("g"), StreamId.Zero, 0);
        stream.AddGroup(group);
        var copy = (StreamObject)stream.Clone();
        Assert.True(copy.Delete(new StreamId(5, 0)));
        Add(copy, new StreamId(500, 0), "new", "entry");
        copy.FindGroup("g"u8)!.LastDelivered = new StreamId(9, 9);
        copy.AddGroup(new StreamGroup(B("h"), StreamId.Zero, 0));
        Assert.Equal(120, stream.Count);
        Assert.True(stream.Contains(new StreamId(5, 0)));
        Assert.False(stream.Contains(new StreamId(500, 0)));
        Assert.Equal(StreamId.Zero, group.LastDelivered);
        Assert.Single(stream.Groups);
    }
}
