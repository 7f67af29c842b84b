using System.Text;
using Istore.Ranklist;

namespace Istore.Tests.Ranklist;

/// <summary>
/// A shard's partial merge read again by the next round of the same recall: ABOVE after TOP reads
/// no window a second time, and answers exactly as a fresh merge; a changed list, another weight
/// or depth, or another recall in between makes it merge again.
/// </summary>
public class PartialRecallReuseTests
{
    private const int Size = 3_000;

    [Fact]
    public void Above_after_top_reuses_the_merge_and_agrees_with_a_fresh_one()
    {
        var members = new MemberTable();
        var random = new Random(7);
        var stored = Enumerable.Range(0, 3).Select(l => RecallOracleTests.Scored(members, Size, _ => Math.Round(random.NextDouble() * 100, 2), l == 0 ? "m" : $"l{l}:")).ToArray();
        var counting = stored.Select(list => new CountingList(list)).ToArray();
        WeightedList?[] lists = [.. counting.Select((list, i) => (WeightedList?)new WeightedList(list, 1 + i))];
        int Reads() => counting.Sum(list => list.Read);

        var partial = new PartialRecall(members, lists, RecallAggregate.Sum, int.MaxValue);
        partial.Top(400, out _);
        int afterTop = Reads();
        Assert.Equal(3 * Size, afterTop);
        var reused = partial.AtLeast(150, out bool reusedComplete);
        Assert.Equal(afterTop, Reads());

        // A second query object over the same lists finds the stamp too.
        var again = new PartialRecall(members, lists, RecallAggregate.Sum, int.MaxValue).AtLeast(150, out _);
        Assert.Equal(afterTop, Reads());
        Assert.Equal(Sorted(reused), Sorted(again));

        // Another recall used the scratch in between: the answer comes from a fresh merge, and is the same.
        new PartialRecall(members, [lists[0]], RecallAggregate.Sum, int.MaxValue).AtLeast(0, out _);
        int beforeFresh = Reads();
        var fresh = new PartialRecall(members, lists, RecallAggregate.Sum, int.MaxValue).AtLeast(150, out bool freshComplete);
        Assert.Equal(beforeFresh + 3 * Size, Reads());
        Assert.Equal(Sorted(fresh), Sorted(reused));
        Assert.Equal(freshComplete, reusedComplete);
    }

    [Fact]
    public void A_changed_list_weight_or_depth_merges_again()
    {
        var members = new MemberTable();
        var stored = Enumerable.Range(0, 2).Select(l => RecallOracleTests.Scored(members, Size, i => Size - i, $"l{l}:")).ToArray();
        var counting = stored.Select(list => new CountingList(list)).ToArray();
        WeightedList?[] Lists(double second) => [new WeightedList(counting[0], 1), new WeightedList(counting[1], second)];
        int Reads() => counting.Sum(list => list.Read);
        new PartialRecall(members, Lists(1), RecallAggregate.Sum, int.MaxValue).Top(10, out _);

        // l1:0 was at 3,000: now it is far above every other member.
        stored[0].Set(Encoding.UTF8.GetBytes("l0:0"), 1_000_000);
        int before = Reads();
        var above = new PartialRecall(members, Lists(1), RecallAggregate.Sum, int.MaxValue).AtLeast(500_000, out _);
        Assert.True(Reads() > before, "a changed list was not read again");
        Assert.Equal(["l0:0"], above.Select(id => Encoding.UTF8.GetString(members.BytesOf(id))));

        before = Reads();
        var weighted = new PartialRecall(members, Lists(1000), RecallAggregate.Sum, int.MaxValue).AtLeast(2_000_000, out _);
        Assert.True(Reads() > before, "another weight reused the merge");
        // 1000 × (3,000 - i) ≥ 2,000,000 holds for l1:0 … l1:1000; l0:0's 1,000,000 is below.
        Assert.Equal(1001, weighted.Count);
        Assert.All(weighted, id => Assert.StartsWith("l1:", Encoding.UTF8.GetString(members.BytesOf(id))));

        before = Reads();
        var shallow = new PartialRecall(members, Lists(1000), RecallAggregate.Sum, 1).AtLeast(0, out _);
        Assert.True(Reads() > before, "another depth reused the merge");
        Assert.Equal(2, shallow.Count);
    }

    private static string[] Sorted(List<int> ids) => [.. ids.Order().Select(id => id.ToString())];
}
