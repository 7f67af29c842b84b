namespace Istore.Ha.Monitoring;

/// <summary>
/// Quantiles of the last second from two readings of a cumulative latency histogram (Prometheus
/// style: count per upper bound): the difference holds only the requests since the earlier
/// reading, and a quantile is interpolated linearly inside its bucket, as histogram_quantile does.
/// </summary>
internal static class HistogramQuantile
{
    /// <summary>The <paramref name="q"/> quantile in µs of what <paramref name="now"/> counts beyond <paramref name="before"/>; 0 when nothing happened in between.</summary>
    public static long Microseconds(IReadOnlyDictionary<double, double> now, IReadOnlyDictionary<double, double>? before, double q)
    {
        var buckets = now.OrderBy(b => b.Key).Select(b => (Le: b.Key, Count: b.Value - (before?.GetValueOrDefault(b.Key) ?? 0))).ToList();
        double total = buckets.Count == 0 ? 0 : buckets[^1].Count;
        if (total <= 0)
            return 0;
        double rank = q * total, lower = 0, below = 0;
        foreach (var (le, count) in buckets)
        {
            if (count >= rank)
            {
                if (double.IsPositiveInfinity(le))
                    return (long)(lower * 1e6);
                double fraction = count > below ? (rank - below) / (count - below) : 1;
                return (long)((lower + (le - lower) * fraction) * 1e6);
            }
            (lower, below) = (le, count);
        }
        return (long)(lower * 1e6);
    }
}
