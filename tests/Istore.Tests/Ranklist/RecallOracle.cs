using System.Text;
using Istore.Ranklist;

namespace Istore.Tests.Ranklist;

/// <summary>
/// The brute-force answer to a recall, written independently of <see cref="Recall"/>: every
/// list's content is kept as a plain dictionary (with MAXLEN eviction applied here too), each
/// list's DEPTH window is cut by sorting it whole, every member is aggregated over every list in
/// query order, and the union is sorted and cut at count.
/// </summary>
public sealed class RecallOracle
{
    public sealed class ListModel
    {
        public Dictionary<string, double> Scores { get; } = new(StringComparer.Ordinal);

        public long MaxLength { get; set; }

        public void Add(string member, double score)
        {
            Scores[member] = score;
            Evict();
        }

        public void Evict()
        {
            if (MaxLength <= 0)
                return;
            while (Scores.Count > MaxLength)
                Scores.Remove(BestFirst(Scores).Last().Key);
        }

        public List<KeyValuePair<string, double>> Window(int depth) => BestFirst(Scores).Take(depth).ToList();
    }

    public static IEnumerable<KeyValuePair<string, double>> BestFirst(IEnumerable<KeyValuePair<string, double>> entries) =>
        entries.OrderByDescending(e => e.Value).ThenBy(e => Encoding.UTF8.GetBytes(e.Key), ByteOrder.Instance);

    public static List<KeyValuePair<string, double>> TopK(int count, IReadOnlyList<(ListModel List, double Weight)> lists,
        RecallAggregate aggregate, int depth, Func<string, bool> excluded)
    {
        var windows = lists.Select(l => l.List.Window(depth).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal)).ToList();
        var members = windows.SelectMany(w => w.Keys).Distinct(StringComparer.Ordinal).Where(m => !excluded(m));
        var scored = new List<KeyValuePair<string, double>>();
        foreach (var member in members)
        {
            double total = aggregate == RecallAggregate.Sum ? 0 : double.NegativeInfinity;
            for (int i = 0; i < lists.Count; i++)
            {
                if (!windows[i].TryGetValue(member, out double score))
                    continue;
                double contribution = lists[i].Weight == 0 ? 0 : lists[i].Weight * score;
                total = aggregate == RecallAggregate.Sum ? total + contribution : Math.Max(total, contribution);
            }
            scored.Add(new(member, double.IsNaN(total) ? 0 : total + 0.0));
        }
        return BestFirst(scored).Take(count).ToList();
    }

    /// <summary>The same members in the same order with bit-identical scores.</summary>
    public static void AssertSame(List<KeyValuePair<string, double>> expected, List<RecallEntry> actual, string context)
    {
        Assert.True(expected.Count == actual.Count, $"{context}: {expected.Count} expected, {actual.Count} returned");
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.True(expected[i].Key == Encoding.UTF8.GetString(actual[i].Member.Span), $"{context} at {i}: {expected[i].Key} expected, {Encoding.UTF8.GetString(actual[i].Member.Span)} returned");
            Assert.True(BitConverter.DoubleToInt64Bits(expected[i].Value) == BitConverter.DoubleToInt64Bits(actual[i].Score),
                $"{context} at {i}: score {expected[i].Value} expected, {actual[i].Score} returned");
        }
    }

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
