using System.Numerics;

namespace Istore.Node.Admin;

/// <summary>
/// One command's call durations for INFO latencystats, laid out as Redis's HdrHistogram (values
/// in nanoseconds from 1 to 1 s, 2 significant digits: 256 sub-buckets, each bucket doubling the
/// step), so a percentile reads as Redis's hdr_value_at_percentile does: the highest value
/// equivalent to the first recorded value whose cumulative count reaches it (the lowest for p0).
/// </summary>
public sealed class LatencyPercentiles
{
    private const long MaxNanos = 1_000_000_000;
    private const int SubBucketHalfMagnitude = 7;
    private const int SubBucketHalf = 1 << SubBucketHalfMagnitude;
    private const long SubBucketMask = (SubBucketHalf << 1) - 1;

    /// <summary>Buckets until 256·2^(n-1) passes 1 s: 23, so 24·128 counts.</summary>
    private static readonly int CountsLength = (BucketIndex(MaxNanos) + 2) << SubBucketHalfMagnitude;

    private readonly long[] _counts = new long[CountsLength];

    public long Total { get; private set; }

    public void Record(long nanos)
    {
        nanos = Math.Clamp(nanos, 1, MaxNanos);
        _counts[IndexOf(nanos)]++;
        Total++;
    }

    public void AddTo(LatencyPercentiles into)
    {
        for (int i = 0; i < CountsLength; i++)
            into._counts[i] += _counts[i];
        into.Total += Total;
    }

    /// <summary>The value at <paramref name="percentile"/> (0–100), in nanoseconds; 0 when nothing was recorded.</summary>
    public long ValueAt(double percentile)
    {
        long wanted = Math.Max(1, (long)(Math.Min(percentile, 100.0) / 100 * Total + 0.5));
        long seen = 0;
        for (int i = 0; i < CountsLength; i++)
        {
            seen += _counts[i];
            if (seen < wanted)
                continue;
            var (bucket, subBucket) = Split(i);
            long lowest = (long)subBucket << bucket;
            return percentile == 0.0 ? lowest : lowest + (1L << bucket) - 1;
        }
        return 0;
    }

    private static int BucketIndex(long value) => 63 - BitOperations.LeadingZeroCount((ulong)(value | SubBucketMask)) - SubBucketHalfMagnitude;

    private static int IndexOf(long value)
    {
        int bucket = BucketIndex(value);
        int subBucket = (int)(value >> bucket);
        return ((bucket + 1) << SubBucketHalfMagnitude) + subBucket - SubBucketHalf;
    }

    private static (int Bucket, int SubBucket) Split(int index)
    {
        int bucket = (index >> SubBucketHalfMagnitude) - 1;
        int subBucket = (index & (SubBucketHalf - 1)) + SubBucketHalf;
        return bucket < 0 ? (0, subBucket - SubBucketHalf) : (bucket, subBucket);
    }
}
