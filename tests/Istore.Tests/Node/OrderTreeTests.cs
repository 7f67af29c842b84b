using Istore.Node.Objects;

namespace Istore.Tests.Node;

/// <summary>
/// OrderTree in process against a sorted List oracle: thousands of random inserts and removes
/// (enough to split and merge leaves and inner nodes), checking count, rank, select-by-rank,
/// bound searches and walks in both directions.
/// </summary>
public class OrderTreeTests
{
    private readonly struct IntOrder : IComparer<int>
    {
        public int Compare(int x, int y) => x.CompareTo(y);
    }

    private readonly record struct Below(int Limit) : IOrderBound<int>
    {
        public bool IsBelow(int item) => item < Limit;
    }

    [Theory]
    [InlineData(1, 3000, 500)]
    [InlineData(2, 20000, 5000)]
    [InlineData(3, 20000, 100)]
    public void Random_inserts_and_removes_match_a_sorted_list(int seed, int operations, int keySpace)
    {
        var random = new Random(seed);
        var tree = new OrderTree<int, IntOrder>();
        var oracle = new List<int>();
        for (int op = 0; op < operations; op++)
        {
            int value = random.Next(keySpace);
            int at = oracle.BinarySearch(value);
            // Lean towards inserting in the first half, removing in the second, so the tree grows large and then shrinks.
            bool insert = random.NextDouble() < (op < operations / 2 ? 0.7 : 0.3);
            if (insert && at < 0)
            {
                tree.Add(value);
                oracle.Insert(~at, value);
            }
            else if (!insert)
            {
                Assert.Equal(at >= 0, tree.Remove(value));
                if (at >= 0)
                    oracle.RemoveAt(at);
            }
            Assert.Equal(oracle.Count, tree.Count);
            if (op % 97 == 0)
                AssertSameContents(tree, oracle, random, keySpace);
        }
        AssertSameContents(tree, oracle, random, keySpace);
        while (oracle.Count > 0)
        {
            int value = oracle[random.Next(oracle.Count)];
            Assert.True(tree.Remove(value));
            oracle.Remove(value);
        }
        Assert.Equal(0, tree.Count);
        Assert.Equal(-1, tree.RankOf(1));
    }

    [Fact]
    public void A_clone_has_the_same_items_and_changes_independently()
    {
        var random = new Random(4);
        var tree = new OrderTree<int, IntOrder>();
        var oracle = new List<int>();
        foreach (int value in Enumerable.Range(0, 20000).OrderBy(_ => random.Next()))
            tree.Add(value * 2);
        oracle.AddRange(Enumerable.Range(0, 20000).Select(v => v * 2));
        var copy = tree.Clone();
        AssertSameContents(copy, oracle, random, 40000);
        // Changing either one leaves the other as it was (its nodes and leaf links are its own).
        var copyOracle = new List<int>(oracle);
        for (int i = 0; i < 2000; i++)
        {
            int added = random.Next(20000) * 2 + 1, removed = random.Next(20000) * 2;
            if (tree.Remove(removed))
                oracle.Remove(removed);
            if (!copyOracle.Contains(added))
            {
                copy.Add(added);
                copyOracle.Insert(~copyOracle.BinarySearch(added), added);
            }
        }
        AssertSameContents(tree, oracle, random, 40000);
        AssertSameContents(copy, copyOracle, random, 40000);
    }

    [Fact]
    public void Adding_an_item_twice_throws_and_removing_a_missing_one_is_false()
    {
        var tree = new OrderTree<int, IntOrder>();
        tree.Add(5);
        Assert.Throws<InvalidOperationException>(() => tree.Add(5));
        Assert.False(tree.Remove(6));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.Walk(1));
    }

    private static void AssertSameContents(OrderTree<int, IntOrder> tree, List<int> oracle, Random random, int keySpace)
    {
        for (int i = 0; i < 50; i++)
        {
            int probe = random.Next(-1, keySpace + 1);
            int at = oracle.BinarySearch(probe);
            Assert.Equal(at >= 0 ? at : -1, tree.RankOf(probe));
            Assert.Equal(at >= 0 ? at : ~at, tree.CountBelow(new Below(probe)));
        }
        if (oracle.Count == 0)
            return;
        for (int i = 0; i < 20; i++)
        {
            int rank = random.Next(oracle.Count);
            Assert.Equal(oracle[rank], tree[rank]);
        }
        // A full walk forward from the first item and backward from the last.
        var forward = tree.Walk(0);
        var seen = new List<int> { forward.Current };
        while (forward.MoveNext())
            seen.Add(forward.Current);
        Assert.Equal(oracle, seen);
        var backward = tree.Walk(oracle.Count - 1);
        seen.Clear();
        seen.Add(backward.Current);
        while (backward.MovePrevious())
            seen.Add(backward.Current);
        seen.Reverse();
        Assert.Equal(oracle, seen);
    }

    /// <summary>An order read from state that changes when an item leaves (a ranklist's member ids are reused once released).</summary>
    private readonly struct KeyTableOrder(int[] keys) : IComparer<int>
    {
        public int Compare(int x, int y) => keys[x].CompareTo(keys[y]);
    }

    /// <summary>
    /// Items are slots of a key table; a removed slot gets a new key and goes back in. A separator
    /// left holding a removed slot would now divide by the new key, and items would be lost.
    /// </summary>
    [Fact]
    public void Separators_stay_live_when_items_are_removed_and_their_state_reused()
    {
        var random = new Random(5);
        var keys = new int[4000];
        var tree = new OrderTree<int, KeyTableOrder>(new KeyTableOrder(keys));
        var live = new HashSet<int>();
        for (int slot = 0; slot < keys.Length; slot++)
        {
            keys[slot] = NewKey();
            tree.Add(slot);
        }
        for (int round = 0; round < 20_000; round++)
        {
            int slot = random.Next(keys.Length);
            Assert.True(tree.Remove(slot), $"round {round}: slot {slot} not found");
            live.Remove(keys[slot]);
            keys[slot] = NewKey();
            tree.Add(slot);
        }
        var inOrder = new int[tree.Count];
        tree.CopyTo(0, inOrder);
        Assert.Equal(inOrder.OrderBy(slot => keys[slot]), inOrder.AsEnumerable());
        for (int rank = 0; rank < inOrder.Length; rank++)
            Assert.Equal(rank, tree.RankOf(inOrder[rank]));

        int NewKey()
        {
            int key;
            do key = random.Next(1_000_000);
            while (!live.Add(key));
            return key;
        }
    }
}
