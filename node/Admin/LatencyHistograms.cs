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
/// only those (rare) commands take.
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

    public static int BucketOf(long ticks)
    {
        int b = 0;
        while (b < Buckets - 1 && ticks >= TickLimits[b])
            b++;
        return b;
    }

    public void Record(CommandSpec spec, long ticks) => _counts[spec.Index * Buckets + BucketOf(ticks)]++;

    /// <summary>A container's subcommand, by its full name ("client|id").</summary>
    public void RecordSubcommand(string fullName, long ticks)
    {
        lock (_subcommands)
        {
            if (!_subcommands.TryGetValue(fullName, out var counts))
                _subcommands[fullName] = counts = new long[Buckets];
            counts[BucketOf(ticks)]++;
        }
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
        lock (_subcommands)
            _subcommands.Clear();
    }
}
