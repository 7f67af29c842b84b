namespace Istore.Proxy.Stats;

/// <summary>A tenant's statistics summed over every event loop at one moment (for INFO and /metrics).</summary>
internal sealed class TenantSnapshot
{
    public required string Name { get; init; }

    public long BytesIn { get; private set; }

    public long BytesOut { get; private set; }

    public long Rejected { get; private set; }

    public int Clients { get; init; }

    public long TotalConnections { get; init; }

    public long OpsPerSecond { get; init; }

    public SortedDictionary<string, CommandSnapshot> Commands { get; } = new(StringComparer.Ordinal);

    public long Calls => Commands.Values.Sum(c => c.Calls);

    public long Errors => Commands.Values.Sum(c => c.Errors);

    public static TenantSnapshot Collect(TenantState state, IEnumerable<StatsRecorder> recorders)
    {
        var snapshot = new TenantSnapshot
        {
            Name = state.Name,
            Clients = Volatile.Read(ref state.Clients),
            TotalConnections = Interlocked.Read(ref state.TotalConnections),
            OpsPerSecond = state.OpsPerSecond,
        };
        var rates = state.CommandOpsPerSecond;
        foreach (var recorder in recorders)
        {
            if (recorder.Find(state.Name) is not { } counters)
                continue;
            snapshot.BytesIn += Volatile.Read(ref counters.BytesIn);
            snapshot.BytesOut += Volatile.Read(ref counters.BytesOut);
            snapshot.Rejected += Volatile.Read(ref counters.Rejected);
            foreach (var (name, command) in counters.Commands())
            {
                if (!snapshot.Commands.TryGetValue(name, out var total))
                    snapshot.Commands[name] = total = new CommandSnapshot { OpsPerSecond = rates.GetValueOrDefault(name) };
                total.Add(command);
            }
        }
        return snapshot;
    }
}

internal sealed class CommandSnapshot
{
    private readonly long[] _buckets = new long[LatencyHistogram.BucketCount];
    private readonly long[] _prometheus = new long[PrometheusBuckets.Count];

    public long Calls { get; private set; }

    public long Errors { get; private set; }

    public long OpsPerSecond { get; init; }

    /// <summary>Latencies per <see cref="PrometheusBuckets"/> bucket (not cumulative; the last is above every bound).</summary>
    public IReadOnlyList<long> PrometheusCounts => _prometheus;

    /// <summary>Latencies per <see cref="LatencyHistogram"/> bucket.</summary>
    public IReadOnlyList<long> Buckets => _buckets;

    public long LatencySumMicros { get; private set; }

    public long P50Micros => LatencyHistogram.Percentile(_buckets, 0.50);

    public long P99Micros => LatencyHistogram.Percentile(_buckets, 0.99);

    public long P999Micros => LatencyHistogram.Percentile(_buckets, 0.999);

    public void Add(CommandCounters counters)
    {
        Calls += Volatile.Read(ref counters.Calls);
        Errors += Volatile.Read(ref counters.Errors);
        LatencySumMicros += counters.Latency.AddTo(_buckets, _prometheus);
    }
}
