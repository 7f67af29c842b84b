namespace Istore.Ha.Monitoring;

/// <summary>One node as the last sample saw it; rates are over the last second. Binary: its executable and version (INFO server).</summary>
public sealed record NodeSample(
    long UsedMemory, long MaxMemory, double CpuPercent, long Connections, double OpsPerSec, double NetInPerSec, double NetOutPerSec,
    long Keys, string Role, long Offset, bool LinkUp, long Pid, string Binary);

/// <summary>One tenant's traffic summed over every proxy; rates over the last second.</summary>
public sealed record TenantSample(
    double OpsPerSec, long P50Us, long P99Us, double ErrorsPerSec, long Connections, double BytesInPerSec, double BytesOutPerSec, long Rejected)
{
    public static readonly TenantSample Empty = new(0, 0, 0, 0, 0, 0, 0, 0);

    /// <summary>Latency histogram since the proxies started (cumulative count per upper bound in seconds), summed over proxies and commands.</summary>
    public IReadOnlyDictionary<double, double> LatencyBuckets { get; init; } = new Dictionary<double, double>();

    public double LatencySumSeconds { get; init; }

    public double LatencyCount { get; init; }

    public double FailureRate => OpsPerSec > 0 ? ErrorsPerSec / OpsPerSec : 0;
}

/// <summary>Cumulative counters of one INFO reply, kept to turn the next one into rates.</summary>
internal readonly record struct Counters(long AtMs, double Commands, double Errors, double NetIn, double NetOut, double CpuSeconds)
{
    public static Counters Read(long atMs, Dictionary<string, string> info) => new(atMs,
        Number(info, "total_commands_processed"), Number(info, "total_error_replies"),
        Number(info, "total_net_input_bytes"), Number(info, "total_net_output_bytes"),
        Number(info, "used_cpu_sys") + Number(info, "used_cpu_user"));

    public static double Number(Dictionary<string, string> info, string field) =>
        double.TryParse(info.GetValueOrDefault(field), System.Globalization.CultureInfo.InvariantCulture, out double value) ? value : 0;

    /// <summary>Per-second rate of <paramref name="pick"/> between <paramref name="before"/> and this; 0 without a usable earlier sample or after a restart.</summary>
    public double RateSince(Counters? before, Func<Counters, double> pick)
    {
        if (before is not { } b || AtMs <= b.AtMs || pick(this) < pick(b))
            return 0;
        return (pick(this) - pick(b)) * 1000.0 / (AtMs - b.AtMs);
    }
}
