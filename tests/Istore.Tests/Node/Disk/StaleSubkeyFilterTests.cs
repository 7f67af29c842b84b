using System.Text;
using Istore.Node.Engine;
using Istore.Node.Engine.Disk;
using Istore.Node.Objects;

namespace Istore.Tests.Node.Disk;

/// <summary>
/// The subkey compaction filter, on a real RocksDB in this process: deleting, overwriting or
/// recreating a collection writes only its metadata record, and a compaction then drops exactly
/// the dead version's elements (a sorted set's in both the subkey and the score family) while a
/// live collection keeps all of its own.
/// </summary>
public sealed class StaleSubkeyFilterTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "istore-tests", Guid.NewGuid().ToString("N"));
    private readonly DiskEngine _engine;
    private readonly IEngineSession _session;

    public StaleSubkeyFilterTests()
    {
        _engine = new DiskEngine(new DiskEngineOptions(_directory, 8 << 20, 4 << 20, ExpiredGraceMs: 0));
        _session = _engine.CreateSession();
    }

    private static byte[] Bytes(string text) => Encoding.ASCII.GetBytes(text);

    private void StoreHash(string key, int fields)
    {
        var hash = new HashObject();
        for (int i = 0; i < fields; i++)
            hash.Set(Bytes($"field:{i:D7}"), Bytes($"value-{i}"));
        _session.BeginCommand();
        _session.WriteObject(Bytes(key), hash, 0);
        _session.EndCommand();
    }

    private long Compact()
    {
        _engine.Db.CompactAll(_engine.Subkeys);
        return Stat("disk_engine_stale_subkeys_compacted");
    }

    private void StoreSortedSet(string key, int members)
    {
        var zset = new SortedSetObject();
        for (int i = 0; i < members; i++)
            zset.Set(Bytes($"member:{i:D7}"), i % 17);
        _session.BeginCommand();
        _session.WriteObject(Bytes(key), zset, 0);
        _session.EndCommand();
    }

    /// <summary>Entries left in a column family (what an iterator sees, tombstones aside).</summary>
    private long EntriesIn(string family)
    {
        using var iterator = _engine.Db.NewIterator(_engine.Db.Family(family));
        long count = 0;
        for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
            count++;
        return count;
    }

    private long Stat(string name) => long.Parse(_engine.Stats().Single(s => s.Name == name).Value);

    private long FieldsOf(string key)
    {
        Assert.Equal(KeyType.Hash, _session.ReadObject(Bytes(key), out var stored, out _));
        long walked = 0;
        foreach (var _ in (HashValue)stored!)
            walked++;
        Assert.Equal(stored.Length, walked);
        return walked;
    }

    [Fact]
    public void Deleted_overwritten_and_recreated_collections_lose_their_old_subkeys_and_a_live_one_keeps_its_own()
    {
        StoreHash("deleted", 1000);
        StoreHash("overwritten", 500);
        StoreHash("recreated", 200);
        StoreHash("live", 300);
        var list = new ListObject();
        for (int i = 0; i < 50; i++)
            list.PushTail(Bytes($"item-{i}"));
        _session.BeginCommand();
        _session.WriteObject(Bytes("list"), list, 0);
        _session.EndCommand();
        _engine.Db.CompactAll(_engine.Subkeys);   // everything live: nothing dropped
        Assert.Equal(0, Stat("disk_engine_stale_subkeys_compacted"));

        Assert.True(_session.Delete(Bytes("deleted")));
        Assert.False(_session.Write(Bytes("overwritten"), "now a string"u8, 0));
        StoreHash("recreated", 100);
        Assert.True(_session.Delete(Bytes("list")));

        Assert.Equal(1000 + 500 + 200 + 50, Compact());
        Assert.Equal(300, FieldsOf("live"));
        Assert.Equal(100, FieldsOf("recreated"));
        Assert.Equal(3, _engine.KeyCount);
    }

    [Fact]
    public void A_deleted_sorted_set_loses_its_members_and_its_score_entries_and_a_live_one_keeps_both()
    {
        StoreSortedSet("zdeleted", 1000);
        StoreSortedSet("zlive", 300);
        Assert.Equal(1300, EntriesIn(DiskFormat.ScoreFamily));

        Assert.True(_session.Delete(Bytes("zdeleted")));
        Assert.Equal(1, _engine.KeyCount);
        _engine.Db.CompactAll(_engine.Db.Family(DiskFormat.ScoreFamily));
        Assert.Equal(1000, Stat("disk_engine_stale_subkeys_compacted"));   // the score entries
        Assert.Equal(1000 + 1000, Compact());                               // then the members
        Assert.Equal(300, EntriesIn(DiskFormat.ScoreFamily));
        Assert.Equal(300, EntriesIn(DiskFormat.SubkeyFamily));
        Assert.Equal(KeyType.ZSet, _session.ReadObject(Bytes("zlive"), out var stored, out _));
        Assert.Equal(300, stored!.Length);
    }

    [Fact]
    public void A_million_field_hash_is_deleted_by_one_record_and_compaction_reclaims_its_space()
    {
        const int Fields = 1_000_000;
        StoreHash("huge", Fields);
        _engine.Db.CompactAll(_engine.Subkeys);
        long before = Stat("disk_engine_live_sst_bytes");

        Assert.True(_session.Delete(Bytes("huge")));
        Assert.Equal(0, _engine.KeyCount);
        Assert.Equal(KeyType.None, _session.Peek(Bytes("huge"), out _));

        Assert.Equal(Fields, Compact());
        long after = Stat("disk_engine_live_sst_bytes");
        Assert.True(after < before / 10, $"live SST bytes {before} before the delete, {after} after compaction");
    }

    public void Dispose()
    {
        _session.Dispose();
        _engine.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
