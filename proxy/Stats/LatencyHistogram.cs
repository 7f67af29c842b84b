using System.Numerics;

namespace Istore.Proxy.Stats;

/// <summary>
/// Latency in microseconds, counted in log-linear buckets (16 per power of two, so a percentile
/// is within about 6%) for INFO's percentiles, and in <see cref="PrometheusBuckets"/> with their
/// sum for /metrics. Written by one loop thread; readers sum snapshots, so no locks.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int SubBits = 4;
    private const int Sub = 1 << SubBits;
    /// <summary>Latencies are counted up to 2^40 µs (12 days); longer ones land in the last bucket.</summary>
    private const int MaxExponent = 39;
    public const int BucketCount = (MaxExponent - SubBits + 2) * Sub;

    private readonly long[] _counts = new long[BucketCount];
    private readonly long[] _prometheus = new long[PrometheusBuckets.Count];
    private long _sumMicros;

    public void Record(long micros)
    {
        micros = Math.Max(0, micros);
        _counts[Index((ulong)micros)]++;
        _prometheus[PrometheusBuckets.Index(micros)]++;
        _sumMicros += micros;
    }

    /// <summary>Adds counts a predecessor process recorded (a takeover), before this histogram is shared.</summary>
    public void Carry(int bucket, long count) => _counts[bucket] += count;

    /// <summary>Adds a predecessor's Prometheus bucket count and, once, its latency sum.</summary>
    public void CarryPrometheus(int bucket, long count, long sumMicros)
    {
        _prometheus[bucket] += count;
        _sumMicros += sumMicros;
    }

    /// <summary>Adds this loop's counts to totals over every loop; returns this loop's sum of latencies.</summary>
    public long AddTo(long[] total, long[] prometheus)
    {
        for (int i = 0; i < BucketCount; i++)
            total[i] += Volatile.Read(ref _counts[i]);
        for (int i = 0; i < prometheus.Length; i++)
            prometheus[i] += Volatile.Read(ref _prometheus[i]);
        return Volatile.Read(ref _sumMicros);
    }

    /// <summary>The upper bound of the bucket holding the <paramref name="quantile"/> of <paramref name="counts"/> (0 when empty).</summary>
    public static long Percentile(long[] counts, double quantile)
    {
        long total = 0;
        foreach (var c in counts)
            total += c;
        if (total == 0)
            return 0;
        long rank = (long)Math.Ceiling(quantile * total);
        long seen = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            seen += counts[i];
            if (seen >= rank)
                return UpperBound(i);
        }
        return UpperBound(counts.Length - 1);
    }

    internal static int Index(ulong micros)
    {
        if (micros < Sub)
            return (int)micros;
        micros = Math.Min(micros, (1UL << (MaxExponent + 1)) - 1);
        int exponent = 63 - BitOperations.LeadingZeroCount(micros);
        int sub = (int)(micros >> (exponent - SubBits)) & (Sub - 1);
        return (exponent - SubBits + 1) * Sub + sub;
    }

    internal static long UpperBound(int index)
    {
        if (index < Sub)
            return index;
        int exponent = index / Sub + SubBits - 1;
        int sub = index % Sub;
        return (long)(((ulong)(Sub + sub + 1) << (exponent - SubBits)) - 1);
    }
}
