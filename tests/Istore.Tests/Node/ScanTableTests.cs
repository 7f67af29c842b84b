using System.Runtime.CompilerServices;
using System.Text;
using Istore.Node.Objects;

namespace Istore.Tests.Node;

/// <summary>
/// ScanTable in process against a HashSet oracle: random adds and removes (through growth and
/// shrinking), Redis's SCAN guarantee while the table resizes between calls, and Random only ever
/// answering live entries.
/// </summary>
public class ScanTableTests
{
    private static byte[] Key(int i) => Encoding.ASCII.GetBytes($"k{i}");

    private static string Name(in SetMember entry) => Encoding.ASCII.GetString(entry.Key);

    private static bool Add(ScanTable<SetMember> table, int i)
    {
        var key = Key(i);
        ref var entry = ref table.FindOrAdd(key, out bool added);
        if (added)
            entry = new SetMember(key);
        return added;
    }

    private static HashSet<string> Enumerate(ScanTable<SetMember> table)
    {
        var seen = new HashSet<string>();
        foreach (ref var entry in table)
            Assert.True(seen.Add(Name(entry)), "the enumerator returned an entry twice");
        return seen;
    }

    private struct Collector(List<string> into) : IEntryVisitor<SetMember>
    {
        public void Visit(ref SetMember entry) => into.Add(Name(entry));
    }

    [Theory]
    [InlineData(1, 50)]
    [InlineData(2, 3000)]
    [InlineData(3, 40_000)]
    public void Random_adds_and_removes_agree_with_a_hash_set(int seed, int keyRange)
    {
        var random = new Random(seed);
        var table = new ScanTable<SetMember>();
        var oracle = new HashSet<string>();
        for (int step = 0; step < 60_000; step++)
        {
            // Phases biased to adding then to removing, so the table grows and shrinks several times.
            bool adding = random.Next(100) < ((step / 10_000) % 2 == 0 ? 70 : 30);
            int i = random.Next(keyRange);
            if (adding)
            {
                Assert.Equal(oracle.Add($"k{i}"), Add(table, i));
            }
            else
            {
                bool removed = table.Remove(Key(i), out var entry);
                Assert.Equal(oracle.Remove($"k{i}"), removed);
                if (removed)
                    Assert.Equal($"k{i}", Name(entry));
            }
            Assert.Equal(oracle.Count, table.Count);
            int probe = random.Next(keyRange);
            Assert.Equal(oracle.Contains($"k{probe}"), table.Contains(Key(probe)));
            Assert.Equal(!oracle.Contains($"k{probe}"), Unsafe.IsNullRef(ref table.Find(Key(probe))));
        }
        Assert.True(oracle.SetEquals(Enumerate(table)));
        table.Clear();
        Assert.Equal(0, table.Count);
        Assert.Empty(Enumerate(table));
    }

    /// <summary>A table of many segments shrinks over the removals that empty it, segment by segment, and finds every entry left throughout.</summary>
    [Fact]
    public void A_large_table_gives_its_segments_back_as_entries_go()
    {
        var random = new Random(21);
        var table = new ScanTable<SetMember>();
        var live = Enumerable.Range(0, 200_000).ToList();
        foreach (int i in live)
            table.AddNew(new SetMember(Key(i)));
        int full = table.Capacity;
        for (int step = 0; live.Count > 1_000; step++)
        {
            int at = random.Next(live.Count);
            Assert.True(table.Remove(Key(live[at])));
            live[at] = live[^1];
            live.RemoveAt(live.Count - 1);
            if (step % 20_000 == 0)
                Assert.All(live, i => Assert.True(table.Contains(Key(i))));
            if (step % 50 == 0)
                Add(table, 1_000_000 + step);   // adds meanwhile take free slots below the top
        }
        Assert.True(table.Capacity <= full / 4, $"capacity {table.Capacity} of {full}");
        Assert.All(live, i => Assert.True(table.Contains(Key(i))));
        Assert.Equal(table.Count, Enumerate(table).Count);
    }

    [Fact]
    public void Add_new_grows_past_the_initial_capacity()
    {
        var table = new ScanTable<SetMember>();
        for (int i = 0; i < 1000; i++)
            table.AddNew(new SetMember(Key(i)));
        Assert.Equal(1000, table.Count);
        Assert.True(Enumerable.Range(0, 1000).All(i => table.Contains(Key(i))));
    }

    [Theory]
    [InlineData(11, true)]
    [InlineData(12, false)]
    [InlineData(13, true)]
    [InlineData(14, false)]
    public void Scan_returns_every_entry_present_throughout_while_the_table_resizes(int seed, bool growing)
    {
        var random = new Random(seed);
        var table = new ScanTable<SetMember>();
        var everPresent = new HashSet<string>();
        var stable = new List<int>();      // a fixed quarter, never removed: those must all come back
        var removable = new List<int>();
        int next = 0;
        int initial = growing ? 100 : 20_000;
        void AddNext()
        {
            Add(table, next);
            everPresent.Add($"k{next}");
            (next % 4 == 0 && next < initial ? stable : removable).Add(next);
            next++;
        }
        while (next < initial)
            AddNext();
        var returned = new List<string>();
        ulong cursor = 0;
        int calls = 0;
        do
        {
            var collector = new Collector(returned);
            cursor = table.Scan(cursor, random.Next(1, 20), ref collector);
            calls++;
            // Between calls: resize-provoking churn, mostly adds or mostly removes.
            int changes = random.Next(0, 200);
            for (int j = 0; j < changes; j++)
            {
                if (random.Next(100) < (growing ? 80 : 20) && next < initial + 100_000)
                {
                    AddNext();
                }
                else if (removable.Count > 0)
                {
                    int at = random.Next(removable.Count);
                    Assert.True(table.Remove(Key(removable[at])));
                    removable[at] = removable[^1];
                    removable.RemoveAt(removable.Count - 1);
                }
            }
        }
        while (cursor != 0 && calls < 100_000);
        Assert.Equal(0UL, cursor);
        var returnedSet = returned.ToHashSet();
        Assert.All(stable, i => Assert.Contains($"k{i}", returnedSet));
        Assert.Subset(everPresent, returnedSet);
        // The churn really did resize the table a long way.
        if (growing) Assert.True(table.Count > 10 * initial, $"{table.Count} entries");
        else Assert.True(table.Count < initial / 2, $"{table.Count} entries");
    }

    [Fact]
    public void Scan_of_an_unchanged_table_returns_each_entry_exactly_once()
    {
        var table = new ScanTable<SetMember>();
        for (int i = 0; i < 5000; i++)
            Add(table, i);
        var returned = new List<string>();
        ulong cursor = 0;
        do
        {
            var collector = new Collector(returned);
            cursor = table.Scan(cursor, 7, ref collector);
        }
        while (cursor != 0);
        Assert.Equal(5000, returned.Count);
        Assert.Equal(5000, returned.Distinct().Count());
    }

    [Fact]
    public void Random_returns_only_live_entries_and_reaches_all_of_them()
    {
        var random = new Random(5);
        var table = new ScanTable<SetMember>();
        for (int i = 0; i < 10_000; i++)
            Add(table, i);
        // Remove most of them, leaving free slots scattered between live ones (and a shrink or two).
        var live = new HashSet<string>();
        for (int i = 0; i < 10_000; i++)
        {
            if (i % 97 == 0) live.Add($"k{i}");
            else Assert.True(table.Remove(Key(i)));
        }
        var seen = new HashSet<string>();
        for (int draw = 0; draw < 20_000; draw++)
        {
            var name = Name(table.Random(random));
            Assert.Contains(name, live);
            seen.Add(name);
        }
        Assert.True(live.SetEquals(seen), $"{seen.Count} of {live.Count} live entries drawn");

        // Churn that leaves free slots without a shrink.
        for (int i = 0; i < 10_000; i += 97)
        {
            if (i % 2 == 0)
            {
                Assert.True(table.Remove(Key(i)));
                live.Remove($"k{i}");
            }
        }
        for (int draw = 0; draw < 5000; draw++)
            Assert.Contains(Name(table.Random(random)), live);
    }
}
