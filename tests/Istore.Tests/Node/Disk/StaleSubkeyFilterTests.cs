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
public sealed class StaleSubkeyFilterTests : InProcessDiskTests
{
    private void StoreHash(string key, int fields)
    {
        var hash = new HashObject();
        for (int i = 0; i < fields; i++)
            hash.Set(Bytes($"field:{i:D7}"), Bytes($"value-{i}"));
        Session.BeginCommand();
        Session.WriteObject(Bytes(key), hash, 0);
        Session.EndCommand();
    }

    private long Compact()
    {
        Engine.Db.CompactAll(Engine.Subkeys);
        return Stat("disk_engine_stale_subkeys_compacted");
    }

    private void StoreSortedSet(string key, int members)
    {
        var zset = new SortedSetObject();
        for (int i = 0; i < members; i++)
            zset.Set(Bytes($"member:{i:D7}"), i % 17);
        Session.BeginCommand();
        Session.WriteObject(Bytes(key), zset, 0);
        Session.EndCommand();
    }

    /// <summary>Entries left in a column family (what an iterator sees, tombstones aside).</summary>
    private long EntriesIn(string family)
    {
        using var iterator = Engine.Db.NewIterator(Engine.Db.Family(family));
        long count = 0;
        for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
            count++;
        return count;
    }

    private long Stat(string name) => long.Parse(Engine.Stats().Single(s => s.Name == name).Value);

    private long FieldsOf(string key)
    {
        Assert.Equal(KeyType.Hash, Session.ReadObject(Bytes(key), out var stored, out _, readOnly: false));
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
        Session.BeginCommand();
        Session.WriteObject(Bytes("list"), list, 0);
        Session.EndCommand();
        Engine.Db.CompactAll(Engine.Subkeys);   // everything live: nothing dropped
        Assert.Equal(0, Stat("disk_engine_stale_subkeys_compacted"));

        Assert.True(Session.Delete(Bytes("deleted")));
        Assert.False(Session.Write(Bytes("overwritten"), "now a string"u8, 0));
        StoreHash("recreated", 100);
        Assert.True(Session.Delete(Bytes("list")));

        Assert.Equal(1000 + 500 + 200 + 50, Compact());
        Assert.Equal(300, FieldsOf("live"));
        Assert.Equal(100, FieldsOf("recreated"));
        Assert.Equal(3, Engine.KeyCount);
    }

    [Fact]
    public void A_deleted_sorted_set_loses_its_members_and_its_score_entries_and_a_live_one_keeps_both()
    {
        StoreSortedSet("zdeleted", 1000);
        StoreSortedSet("zlive", 300);
        Assert.Equal(1300, EntriesIn(DiskFormat.ScoreFamily));

        Assert.True(Session.Delete(Bytes("zdeleted")));
        Assert.Equal(1, Engine.KeyCount);
        Engine.Db.CompactAll(Engine.Db.Family(DiskFormat.ScoreFamily));
        Assert.Equal(1000, Stat("disk_engine_stale_subkeys_compacted"));   // the score entries
        Assert.Equal(1000 + 1000, Compact());                               // then the members
        Assert.Equal(300, EntriesIn(DiskFormat.ScoreFamily));
        Assert.Equal(300, EntriesIn(DiskFormat.SubkeyFamily));
        Assert.Equal(KeyType.ZSet, Session.ReadObject(Bytes("zlive"), out var stored, out _, readOnly: false));
        Assert.Equal(300, stored!.Length);
    }

    [Fact]
    public void A_million_field_hash_is_deleted_by_one_record_and_compaction_reclaims_its_space()
    {
        const int Fields = 1_000_000;
        StoreHash("huge", Fields);
        Engine.Db.CompactAll(Engine.Subkeys);
        long before = Stat("disk_engine_live_sst_bytes");

        Assert.True(Session.Delete(Bytes("huge")));
        Assert.Equal(0, Engine.KeyCount);
        Assert.Equal(KeyType.None, Session.Peek(Bytes("huge"), out _));

        Assert.Equal(Fields, Compact());
        long after = Stat("disk_engine_live_sst_bytes");
        Assert.True(after < before / 10, $"live SST bytes {before} before the delete, {after} after compaction");
    }
}
