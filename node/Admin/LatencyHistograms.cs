using System.Diagnostics;
using Istore.Net.Commands;

namespace Istore.Node.Admin;

/// <summary>
/// One event loop's per-command latency histograms (LATENCY HISTOGRAM), in Redis 7's buckets:
/// Redis records each call's microseconds, as nanoseconds, into an HdrHistogram (2 significant
/// digits) and reports it with a logarithmic iterator from 1024 ns doubling; a bucket's key is the
/// highest value equivalent to its boundary, 1032·2^b − 1 ns, in whole microseconds (1, 2, 4, 8,
/// 16, 33, 66 … 1082130). A call counts in the first bucket whose key is not below its
/// microseconds. Like <see cref="LoopStats"/>, only the loop's thread records; a container's
/// subcommands (CLIENT ID, CONFIG SET…) are kept by full name, as Redis does, under a lock that
/// only those (rare) commands take. Beside each command's buckets, a finer histogram gives INFO
/// latencystats its percentiles (<see cref="LatencyPercentiles"/>).
/// </summary>
public sealed class LatencyHistograms
{
    public const int Buckets = 21;

    /// <summary>Each bucket's key, in microseconds.</summary>
    public static readonly long[] BucketMicros = Enumerable.Range(0, Buckets).Select(b => ((1032L << b) - 1) / 1000).ToArray();

    /// <summary>A call of fewer ticks than this lands in the bucket (its microseconds, truncated as Redis's, are at most the key).</summary>
    private static readonly long[] TickLimits = BucketMicros.Select(key => (long)Math.Ceiling((key + 1) * (Stopwatch.Frequency / 1_000_000.0))).ToArray();

    private readonly long[] _counts = new long[CommandTable.All.Count * Buckets];
    private readonly Dictionary<string, long[]> _subcommands = new(StringComparer.Ordinal);
    /// <summary>INFO latencystats' finer histograms, made on a command's first call (24 KB each).</summary>
    private readonly LatencyPercentiles?[] _percentiles = new LatencyPercentiles?[CommandTable.All.Count];
    private readonly Dictionary<string, LatencyPercentiles> _subcommandPercentiles = new(StringComparer.Ordinal);

    /// <summary>latency-tracking: with it off, calls are not recorded (LATENCY HISTOGRAM and INFO latencystats stay as they are).</summary>
    public static volatile bool Tracking = true;

    /// <summary>latency-tracking-info-percentiles: the percentiles INFO latencystats shows.</summary>
    public static volatile double[] InfoPercentiles = [50, 99, 99.9];

    /// <summary>As Redis: the call's whole microseconds, recorded in nanoseconds.</summary>
    private static long Nanos(long ticks) => ticks * 1_000_000 / Stopwatch.Frequency * 1000;

    public static int BucketOf(long ticks)
    {
        int b = 0;
        while (b < Buckets - 1 && ticks >= TickLimits[b])
            b++;
        return b;
    }

    public void Record(CommandSpec spec, long ticks)
    {
        if (!Tracking)
            return;
        _counts[spec.Index * Buckets + BucketOf(ticks)]++;
        (_percentiles[spec.Index] ??= new LatencyPercentiles()).Record(Nanos(ticks));
    }

    /// <summary>A container's subcommand, by its full name ("client|id").</summary>
    public void RecordSubcommand(string fullName, long ticks)
    {
        if (!Tracking)
            return;
        lock (_subcommands)
        {
            if (!_subcommands.TryGetValue(fullName, out var counts))
                _subcommands[fullName] = counts = new long[Buckets];
            counts[BucketOf(ticks)]++;
            if (!_subcommandPercentiles.TryGetValue(fullName, out var percentiles))
                _subcommandPercentiles[fullName] = percentiles = new LatencyPercentiles();
            percentiles.Record(Nanos(ticks));
        }
    }

    /// <summary>Adds this loop's percentile histograms to <paramref name="into"/>, by full command name.</summary>
    public void AddPercentilesTo(Dictionary<string, LatencyPercentiles> into)
    {
        foreach (var spec in CommandTable.All)
            if (_percentiles[spec.Index] is { } percentiles)
                AddPercentiles(into, spec.Name.ToLowerInvariant(), percentiles);
        lock (_subcommands)
            foreach (var (name, percentiles) in _subcommandPercentiles)
                AddPercentiles(into, name, percentiles);
    }

    private static void AddPercentiles(Dictionary<string, LatencyPercentiles> into, string name, LatencyPercentiles percentiles)
    {
        if (!into.TryGetValue(name, out var sum))
            into[name] = sum = new LatencyPercentiles();
        percentiles.AddTo(sum);
    }

    /// <summary>Adds this loop's counts to <paramref name="into"/>, by full command name.</summary>
    public void AddTo(Dictionary<string, long[]> into)
    {
        foreach (var spec in CommandTable.All)
            AddCounts(into, spec.Name.ToLowerInvariant(), _counts.AsSpan(spec.Index * Buckets, Buckets));
        lock (_subcommands)
            foreach (var (name, counts) in _subcommands)
                AddCounts(into, name, counts);
    }

    private static void AddCounts(Dictionary<string, long[]> into, string name, ReadOnlySpan<long> counts)
    {
        if (!counts.ContainsAnyExcept(0L))
            return;
        if (!into.TryGetValue(name, out var sum))
            into[name] = sum = new long[Buckets];
        for (int b = 0; b < Buckets; b++)
            sum[b] += counts[b];
    }

    public void Reset()
    {
        Array.Clear(_counts);
        Array.Clear(_percentiles);
        lock (_subcommands)
        {
            _subcommands.Clear();
            _subcommandPercentiles.Clear();
        }
    }
}
