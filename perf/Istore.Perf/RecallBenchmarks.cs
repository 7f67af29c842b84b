using System.Text;
using BenchmarkDotNet.Attributes;
using Istore.Node.Objects;
using Istore.Ranklist;

namespace Istore.Perf;

/// <summary>
/// The recall merge in process (no network): 10 lists × 100,000 members from 500,000 ids, top 100
/// by SUM, with and without DEPTH 1000, by the default strategy, the threshold algorithm alone and
/// the full merge alone.
/// </summary>
[MemoryDiagnoser]
public class RecallBenchmarks
{
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
            var list = new RankListObject();
            while (list.Count < 100_000)
                list.Set(Encoding.UTF8.GetBytes($"item:{random.Next(500_000)}"), Math.Round(random.NextDouble() * 1000, 4));
            _lists.Add(new WeightedList(list, 0.5 + random.NextDouble() * 1.5));
        }
    }

    [Benchmark(Baseline = true)]
    public int Default() => Recall.TopK(new RecallQuery(100, _lists, Depth: Depth)).Count;

    [Benchmark]
    public int ThresholdOnly() => Recall.TopK(new RecallQuery(100, _lists, Depth: Depth, MergeAfterReads: long.MaxValue)).Count;

    [Benchmark]
    public int MergeOnly() => Recall.TopK(new RecallQuery(100, _lists, Depth: Depth, MergeAfterReads: 0)).Count;
}
