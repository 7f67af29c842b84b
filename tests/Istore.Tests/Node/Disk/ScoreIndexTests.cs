using System.Text;
using Istore.Node.Engine;
using Istore.Node.Engine.Disk;
using Istore.Node.Objects;

namespace Istore.Tests.Node.Disk;

/// <summary>
/// A sorted set's score index on a real RocksDB in this process: every score change replaces the
/// member's entry in the score family (none left behind at an old score), within one command's
/// batch as across commands; COPY-style storing of a disk set copies both families; and the
/// ordered score bytes sort as the numbers.
/// </summary>
public sealed class ScoreIndexTests : InProcessDiskTests
{
    /// <summary>Runs <paramref name="change"/> on the sorted set at <paramref name="key"/> as one command.</summary>
    private void Change(string key, Action<SortedSetValue> change)
    {
        Session.BeginCommand();
        Assert.Equal(KeyType.ZSet, Session.ReadObject(Bytes(key), out var stored, out _, readOnly: false));
        change((SortedSetValue)stored!);
        Session.ObjectChanged(Bytes(key), stored!);
        Session.EndCommand();
    }

    /// <summary>The score family's entries, in key order, as (member, score).</summary>
    private List<(string Member, double Score)> ScoreEntries(string key)
    {
        var prefix = DiskFormat.SubkeyPrefix(Bytes(key), VersionOf(key));
        using var iterator = Engine.Db.NewIterator(Engine.Db.Family(DiskFormat.ScoreFamily));
        var entries = new List<(string, double)>();
        for (iterator.Seek(prefix); iterator.Valid && iterator.Key.StartsWith(prefix); iterator.Next())
            entries.Add((Encoding.ASCII.GetString(iterator.Key[(prefix.Length + 8)..]), DiskFormat.ReadIndexedScore(iterator.Key[prefix.Length..], descending: false)));
        return entries;
    }

    private ulong VersionOf(string key)
    {
        Assert.True(Engine.Db.TryGet(Engine.Metadata, Bytes(key), out var record));
        using (record)
            return DiskFormat.VersionOf(record.Span);
    }

    [Fact]
    public void Score_updates_leave_one_index_entry_per_member_in_score_order()
    {
        var zset = new SortedSetObject();
        for (int i = 0; i < 200; i++)
            zset.Set(Bytes($"m{i:D3}"), i);
        Session.BeginCommand();
        Session.WriteObject(Bytes("z"), zset, 0);
        Session.EndCommand();
        // Three rounds in one command (the batch reads its own writes), then one per command.
        Change("z", set =>
        {
            for (int round = 1; round <= 3; round++)
                for (int i = 0; i < 200; i += 2)
                    Assert.False(set.Set(Bytes($"m{i:D3}"), -i * round));
        });
        for (int i = 1; i < 200; i += 2)
            Change("z", set => set.Set(Bytes($"m{i:D3}"), 0.5));
        Change("z", set => Assert.True(set.Remove(Bytes("m000"))));

        var expected = Enumerable.Range(1, 199)
            .Select(i => (Member: $"m{i:D3}", Score: i % 2 == 0 ? -3.0 * i : 0.5))
            .OrderBy(e => e.Score).ThenBy(e => e.Member, StringComparer.Ordinal).ToList();
        Assert.Equal(expected, ScoreEntries("z"));
        Change("z", set => Assert.Equal(199, set.Length));
    }

    [Fact]
    public void Storing_a_disk_sorted_set_at_another_key_copies_both_families()
    {
        var zset = new SortedSetObject();
        for (int i = 0; i < 3000; i++)
            zset.Set(Bytes($"m{i:D4}"), i % 7 - 3);
        Session.BeginCommand();
        Session.WriteObject(Bytes("src"), zset, 0);
        Session.EndCommand();
        Session.BeginCommand();
        Session.ReadObject(Bytes("src"), out var source, out _, readOnly: false);
        Session.WriteObject(Bytes("dst"), source!.Clone(), 0);
        Session.EndCommand();

        Assert.Equal(3000, ScoreEntries("dst").Count);
        Assert.Equal(ScoreEntries("src"), ScoreEntries("dst"));
        Assert.NotEqual(VersionOf("src"), VersionOf("dst"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]   // a ranklist's index: highest first
    public void Indexed_score_bytes_sort_as_the_numbers_either_way_and_read_back(bool descending)
    {
        var random = new Random(4);
        double[] scores =
        [
            double.NegativeInfinity, double.MinValue, -1, -double.Epsilon, -0.0, 0.0, double.Epsilon, 1, double.MaxValue, double.PositiveInfinity,
            .. Enumerable.Range(0, 500).Select(_ => BitConverter.Int64BitsToDouble(random.NextInt64()) is var d && double.IsNaN(d) ? 1 : d),
        ];
        var encoded = scores.Select(score =>
        {
            var bytes = new byte[8];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes, DiskFormat.IndexedScore(score, descending));
            Assert.Equal(score == 0 ? 0.0 : score, DiskFormat.ReadIndexedScore(bytes, descending));   // -0 reads back as 0
            return (Score: score, Bytes: bytes);
        }).ToList();
        var byBytes = encoded.OrderBy(e => e.Bytes, Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b))).Select(e => e.Score).ToList();
        Assert.True(byBytes.Zip(byBytes.Skip(1)).All(pair => descending ? pair.First >= pair.Second : pair.First <= pair.Second), "byte order is not numeric order");
        Assert.Equal(encoded.Single(e => e.Score == 0 && double.IsNegative(e.Score)).Bytes, encoded.Single(e => e.Score == 0 && !double.IsNegative(e.Score)).Bytes);
    }
}
