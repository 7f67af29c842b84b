using System.Globalization;

namespace Istore.Ha.Monitoring;

/// <summary>One tenant's figures in a proxy's Prometheus text (istore_proxy_* families).</summary>
internal sealed record ProxyMetrics
{
    public long Connections { get; set; }
    public double OpsPerSec { get; set; }
    public double Commands { get; set; }
    public double Errors { get; set; }
    public double BytesIn { get; set; }
    public double BytesOut { get; set; }
    public long Rejected { get; set; }
    public long BusiestP50Us { get; set; }
    public long BusiestP99Us { get; set; }

    /// <summary>The tenant's latency histogram over all its commands: cumulative count per upper bound (seconds; +Inf as infinity).</summary>
    public SortedDictionary<double, double> LatencyBuckets { get; } = [];

    public double LatencySumSeconds { get; set; }

    public double LatencyCount { get; set; }

    private readonly Dictionary<string, (double Ops, double P50, double P99)> _commands = new(StringComparer.Ordinal);

    /// <summary>Reads the text line by line: "name{tenant="t",…} value".</summary>
    public static Dictionary<string, ProxyMetrics> ByTenant(string text)
    {
        var tenants = new Dictionary<string, ProxyMetrics>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            int brace = line.IndexOf('{'), close = line.LastIndexOf('}');
            if (line.StartsWith('#') || brace < 0 || close < brace
                || !double.TryParse(line.AsSpan(close + 1).Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
                continue;
            var labels = Labels(line[(brace + 1)..close]);
            if (!labels.TryGetValue("tenant", out var tenant))
                continue;
            if (!tenants.TryGetValue(tenant, out var m))
                tenants[tenant] = m = new ProxyMetrics();
            m.Add(line[..brace], labels, value);
        }
        foreach (var m in tenants.Values)
        {
            var busiest = m._commands.Values.OrderByDescending(c => c.Ops).FirstOrDefault();
            (m.BusiestP50Us, m.BusiestP99Us) = ((long)(busiest.P50 * 1e6), (long)(busiest.P99 * 1e6));
        }
        return tenants;
    }

    private void Add(string name, Dictionary<string, string> labels, double value)
    {
        string command = labels.GetValueOrDefault("command", "");
        switch (name)
        {
            case "istore_proxy_connected_clients": Connections = (long)value; break;
            case "istore_proxy_ops_per_second": OpsPerSec = value; break;
            case "istore_proxy_net_input_bytes_total": BytesIn = value; break;
            case "istore_proxy_net_output_bytes_total": BytesOut = value; break;
            case "istore_proxy_rejected_total": Rejected = (long)value; break;
            case "istore_proxy_commands_total": Commands += value; break;
            case "istore_proxy_command_errors_total": Errors += value; break;
            case "istore_proxy_command_latency_seconds_bucket":
                double le = labels.GetValueOrDefault("le") is "+Inf" ? double.PositiveInfinity
                    : double.Parse(labels.GetValueOrDefault("le", "+Inf"), CultureInfo.InvariantCulture);
                LatencyBuckets[le] = LatencyBuckets.GetValueOrDefault(le) + value;
                break;
            case "istore_proxy_command_latency_seconds_sum": LatencySumSeconds += value; break;
            case "istore_proxy_command_latency_seconds_count": LatencyCount += value; break;
            case "istore_proxy_command_ops_per_second":
                _commands[command] = _commands.GetValueOrDefault(command) with { Ops = value };
                break;
            case "istore_proxy_command_latency_quantile_seconds":
                var c = _commands.GetValueOrDefault(command);
                _commands[command] = labels.GetValueOrDefault("quantile") switch
                {
                    "0.5" => c with { P50 = value },
                    "0.99" => c with { P99 = value },
                    _ => c,
                };
                break;
        }
    }

    private static Dictionary<string, string> Labels(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2)).Where(p => p.Length == 2)
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim().Trim('"'), StringComparer.Ordinal);
}
