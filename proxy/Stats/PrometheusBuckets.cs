namespace Istore.Proxy.Stats;

/// <summary>
/// The fixed latency bounds of the Prometheus histogram (the <c>le</c> labels), 100 µs to 10 s.
/// Counted exactly at record time: the log-linear buckets of <see cref="LatencyHistogram"/> do
/// not line up with decimal bounds, so deriving these from them would misplace observations.
/// </summary>
internal static class PrometheusBuckets
{
    public static readonly long[] BoundsMicros =
        [100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000, 2_500_000, 5_000_000, 10_000_000];

    /// <summary>One per bound, then +Inf.</summary>
    public static int Count => BoundsMicros.Length + 1;

    /// <summary>The first bucket whose bound holds <paramref name="micros"/> (latencies are truncated to whole µs, so &lt; bound means ≤ bound).</summary>
    public static int Index(long micros)
    {
        int i = 0;
        while (i < BoundsMicros.Length && micros >= BoundsMicros[i])
            i++;
        return i;
    }
}
