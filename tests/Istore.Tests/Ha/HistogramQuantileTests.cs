using Istore.Ha.Monitoring;

namespace Istore.Tests.Ha;

/// <summary>Last-second quantiles from two readings of a cumulative histogram.</summary>
public sealed class HistogramQuantileTests
{
    private static Dictionary<double, double> Histogram(params (double Le, double Count)[] buckets) => buckets.ToDictionary(b => b.Le, b => b.Count);

    [Fact]
    public void Only_the_requests_between_the_readings_count_and_the_quantile_is_interpolated_in_its_bucket()
    {
        // Before: 1,000 fast requests. Since: 100 more, all between 1 ms and 2.5 ms.
        var before = Histogram((0.001, 1000), (0.0025, 1000), (double.PositiveInfinity, 1000));
        var now = Histogram((0.001, 1000), (0.0025, 1100), (double.PositiveInfinity, 1100));
        Assert.Equal(1750, HistogramQuantile.Microseconds(now, before, 0.5));
        Assert.Equal(2485, HistogramQuantile.Microseconds(now, before, 0.99));
        Assert.Equal(550, HistogramQuantile.Microseconds(now, null, 0.5));   // without an earlier reading: all 1,100 count
    }

    [Fact]
    public void Nothing_in_between_or_a_restarted_proxy_gives_zero_and_the_open_bucket_gives_its_lower_bound()
    {
        var h = Histogram((0.001, 5), (double.PositiveInfinity, 10));
        Assert.Equal(0, HistogramQuantile.Microseconds(h, h, 0.99));
        Assert.Equal(0, HistogramQuantile.Microseconds(Histogram((0.001, 1), (double.PositiveInfinity, 1)), h, 0.5));
        Assert.Equal(1000, HistogramQuantile.Microseconds(h, null, 0.99));
    }
}
