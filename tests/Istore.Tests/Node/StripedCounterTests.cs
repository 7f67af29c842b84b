using Istore.Node.Keyspace;

namespace Istore.Tests.Node;

/// <summary>The striped read counters: adds from many threads on shared and separate stripes all count; a reset clears every stripe.</summary>
public class StripedCounterTests
{
    [Fact]
    public void Adds_from_many_threads_all_count_and_reset_clears_them()
    {
        var counter = new StripedCounter();
        const int Threads = 8, Adds = 100_000;
        // Two threads per stripe as well as stripes of their own: both must be exact.
        int[] stripes = [.. Enumerable.Range(0, Threads / 2).Select(_ => StripedCounter.NewStripe()).SelectMany(s => new[] { s, s })];
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, t =>
        {
            for (int i = 0; i < Adds; i++)
                counter.Increment(stripes[t]);
        });
        Assert.Equal((long)Threads * Adds, counter.Value);
        counter.Reset();
        Assert.Equal(0, counter.Value);
        counter.Increment(StripedCounter.NewStripe());
        Assert.Equal(1, counter.Value);
    }
}
