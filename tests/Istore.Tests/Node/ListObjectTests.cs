using System.Text;
using Istore.Node.Objects;

namespace Istore.Tests.Node;

/// <summary>
/// The list's ring buffer in-process: order through wrap-around and resizes, LREM's one-pass
/// removal from either end, inserts and removals in the middle — checked against a plain List.
/// </summary>
public class ListObjectTests
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    private static List<string> Contents(ListObject list) =>
        Enumerable.Range(0, list.Count).Select(i => Encoding.UTF8.GetString(list[i])).ToList();

    [Fact]
    public void Random_operations_match_a_plain_list()
    {
        var random = new Random(7);
        var list = new ListObject();
        var model = new List<string>();
        for (int step = 0; step < 5000; step++)
        {
            string value = $"v{random.Next(10)}";
            switch (random.Next(7))
            {
                case 0: list.PushHead(B(value)); model.Insert(0, value); break;
                case 1: list.PushTail(B(value)); model.Add(value); break;
                case 2 when model.Count > 0: Assert.Equal(model[0], Encoding.UTF8.GetString(list.PopHead())); model.RemoveAt(0); break;
                case 3 when model.Count > 0: Assert.Equal(model[^1], Encoding.UTF8.GetString(list.PopTail())); model.RemoveAt(model.Count - 1); break;
                case 4:
                    int at = random.Next(model.Count + 1);
                    list.Insert(at, B(value));
                    model.Insert(at, value);
                    break;
                case 5 when model.Count > 0:
                    int remove = random.Next(model.Count);
                    list.RemoveAt(remove);
                    model.RemoveAt(remove);
                    break;
                case 6:
                    long limit = random.Next(-2, 3);
                    int removed = list.RemoveEqual(B(value), Math.Abs(limit), fromTail: limit < 0);
                    Assert.Equal(RemoveEqual(model, value, limit), removed);
                    break;
            }
            Assert.Equal(model.Count, list.Count);
        }
        Assert.Equal(model, Contents(list));
    }

    [Fact]
    public void Remove_equal_takes_the_first_or_last_matches_and_keeps_order()
    {
        var list = new ListObject();
        foreach (var v in new[] { "x", "a", "x", "b", "x", "c", "x" })
            list.PushTail(B(v));
        Assert.Equal(2, list.RemoveEqual(B("x"), 2, fromTail: true));
        Assert.Equal(["x", "a", "x", "b", "c"], Contents(list));
        Assert.Equal(1, list.RemoveEqual(B("x"), 1, fromTail: false));
        Assert.Equal(["a", "x", "b", "c"], Contents(list));
        Assert.Equal(0, list.RemoveEqual(B("zz"), 0, fromTail: false));
        Assert.Equal(1, list.RemoveEqual(B("x"), 0, fromTail: false));
        Assert.Equal(["a", "b", "c"], Contents(list));
    }

    [Fact]
    public void Scan_table_add_new_survives_growing()
    {
        // AddNew once indexed the slot array read before a resize and lost the entry (snapshot loads of more than 4 keys crashed).
        var table = new ScanTable<SetMember>();
        for (int i = 0; i < 100; i++)
            table.AddNew(new SetMember(B($"m{i}")));
        Assert.Equal(100, table.Count);
        Assert.All(Enumerable.Range(0, 100), i => Assert.True(table.Contains(B($"m{i}"))));
    }

    /// <summary>LREM's rule on the model: limit &gt; 0 from the head, &lt; 0 from the tail, 0 all.</summary>
    private static int RemoveEqual(List<string> model, string value, long limit)
    {
        int removed = 0;
        if (limit >= 0)
        {
            for (int i = 0; i < model.Count;)
            {
                if (model[i] == value && (limit == 0 || removed < limit)) { model.RemoveAt(i); removed++; }
                else i++;
            }
        }
        else
        {
            for (int i = model.Count - 1; i >= 0; i--)
                if (model[i] == value && removed < -limit) { model.RemoveAt(i); removed++; }
        }
        return removed;
    }
}
