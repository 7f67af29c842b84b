using System.Text;
using BenchmarkDotNet.Attributes;
using Istore.Node.Objects;
using Istore.Ranklist;

namespace Istore.Perf;

/// <summary>
/// The recall merge in process (no network): 10 lists × 100,000 members from 500,000 ids (one
/// member table, as in a database), top 100 by SUM, with and without DEPTH 1000, by the automatic
/// choice, the threshold algorithm alone and the dense full merge alone.
/// </summary>
[MemoryDiagnoser]
public class RecallBenchmarks
{
    private readonly MemberTable _members = new();
    private List<WeightedList> _lists = null!;

    [Params(1000, int.MaxValue)]
    public int Depth { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _lists = [];
        for (int l = 0; l < 10; l++)
        {
            var list = new RankListObject(_members);
            while (list.Count < 100_000)
                list.Set(Encoding.UTF8.GetBytes($"item:{random.Next(500_000)}"), Math.Round(random.NextDouble() * 1000, 4));
            _lists.Add(new WeightedList(list, 0.5 + random.NextDouble() * 1.5));
        }
    }

    private int Run(RecallStrategy strategy) => Recall.TopK(new RecallQuery(_members, 100, _lists, Depth: Depth, Strategy: strategy)).Count;

    [Benchmark(Baseline = true)]
    public int Auto() => Run(RecallStrategy.Auto);

    [Benchmark]
    public int ThresholdOnly() => Run(RecallStrategy.Threshold);

    [Benchmark]
    public int MergeOnly() => Run(RecallStrategy.Merge);
}
