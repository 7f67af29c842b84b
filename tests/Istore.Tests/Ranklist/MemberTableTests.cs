using System.Text;
using Istore.Node.Objects;
using Istore.Ranklist;

namespace Istore.Tests.Ranklist;

/// <summary>
/// Interning and its release paths in process: references counted per list entry, freed ids
/// reused, a double release refused loudly, and a ranklist's whole-list release when the last key
/// lets go of it (and not before).
/// </summary>
public class MemberTableTests
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void Members_are_interned_once_counted_and_their_ids_reused_after_the_last_release()
    {
        var table = new MemberTable();
        int a = table.Acquire(B("a"));
        Assert.Equal(a, table.Acquire(B("a")));
        int b = table.Acquire(B("b"));
        Assert.Equal((2, 2), (table.Count, table.ReferencesOf(a)));
        table.Release(a);
        Assert.Equal(a, table.Find(B("a")));
        table.Release(a);
        Assert.Equal((-1, 1, 0), (table.Find(B("a")), table.Count, table.ReferencesOf(a)));
        int c = table.Acquire(B("c"));
        Assert.Equal(a, c);   // the freed id came back
        Assert.Equal("c", Encoding.UTF8.GetString(table.MemberOf(c)));
        Assert.Equal("b", Encoding.UTF8.GetString(table.MemberOf(b)));
        Assert.Throws<InvalidOperationException>(() => table.Release(table.IdLimit));
    }

    [Fact]
    public void A_double_release_throws_instead_of_freeing_a_member_still_in_use()
    {
        var table = new MemberTable();
        int id = table.Acquire(B("x"));
        table.Release(id);
        Assert.Throws<InvalidOperationException>(() => table.Release(id));
        Assert.Throws<InvalidOperationException>(() => table.MemberOf(id));
        Assert.Equal(0, table.Count);
    }

    [Fact]
    public void Many_members_survive_rehashing_and_churn()
    {
        var table = new MemberTable();
        var ids = Enumerable.Range(0, 5000).Select(i => table.Acquire(B($"m{i}"))).ToArray();
        for (int i = 0; i < 5000; i += 2)
            table.Release(ids[i]);
        for (int i = 0; i < 5000; i++)
            Assert.Equal(i % 2 == 0 ? -1 : ids[i], table.Find(B($"m{i}")));
        Assert.Equal(2500, table.Count);
        Assert.Equal(5000, table.IdLimit);
        for (int i = 1; i < 5000; i += 2)
            table.Release(ids[i]);
        Assert.Equal((0, 0), (table.Count, table.IdLimit));   // emptied: back to its initial size
        Assert.Equal(0, table.Acquire(B("again")));
    }

    [Fact]
    public void A_list_releases_its_members_when_the_last_key_lets_go_and_cannot_be_stored_again()
    {
        var database = new MemberTable();
        var other = new RankListObject(database);
        other.Set(B("shared"), 1);
        var list = new RankListObject();   // a table of its own until stored
        list.Set(B("shared"), 2);
        list.Set(B("mine"), 3);
        list.Attach(database);             // joins the database's table: "shared" is now held twice
        Assert.Same(database, list.Members);
        Assert.Equal((2, 2), (database.Count, database.ReferencesOf(database.Find(B("shared")))));
        Assert.True(list.TryGetScore(B("mine"), out double mine) && mine == 3);

        list.Attach(database);             // RENAME: the new key takes it before the old one lets go
        list.Detach();
        Assert.Equal(2, database.Count);
        list.Detach();
        Assert.Equal(1, database.Count);
        Assert.Equal(1, database.ReferencesOf(database.Find(B("shared"))));
        Assert.Throws<InvalidOperationException>(() => list.Detach());
        Assert.Throws<InvalidOperationException>(() => list.Attach(database));
    }

    [Fact]
    public void Clone_rem_trim_and_snapshot_keep_the_references_exact()
    {
        var database = new MemberTable();
        var list = new RankListObject(database) { MaxLength = 3 };
        foreach (var (member, score) in new[] { ("a", 1.0), ("b", 2), ("c", 3), ("d", 4) })
        {
            list.Set(B(member), score);
            list.EnforceMaxLength();
        }
        Assert.Equal(-1, database.Find(B("a")));   // evicted and released
        var copy = (RankListObject)list.Clone();
        Assert.Equal(2, database.ReferencesOf(database.Find(B("b"))));
        Assert.True(copy.Remove(B("b")));
        Assert.Equal(1, copy.Trim(1));
        Assert.Equal(1, database.ReferencesOf(database.Find(B("b"))));
        Assert.Equal(2, database.ReferencesOf(database.Find(B("d"))));

        var bytes = new List<byte>();
        var writer = new SnapshotWriter(chunk => bytes.AddRange(chunk.ToArray()));
        list.WriteTo(writer);
        writer.Flush();
        var reader = new SnapshotReader(bytes.ToArray());
        var loaded = RankListObject.ReadFrom(ref reader, database);
        Assert.Equal(3, database.ReferencesOf(database.Find(B("d"))));
        Assert.Equal((3L, 3), (loaded.MaxLength, loaded.Count));
        Assert.Equal(list.RankOf(B("c")), loaded.RankOf(B("c")));
    }
}
