using System.Globalization;
using System.Text;
using Istore.Proxy.Routing;

namespace Istore.Proxy.Stats;

/// <summary>What INFO server says about the process: its version, uptime, and how many takeovers led to it.</summary>
internal sealed record ServerFacts(string Version, long UptimeSeconds, int Takeovers);

/// <summary>Statistics as text: the tenant-scoped INFO reply and the Prometheus exposition for /metrics.</summary>
internal static class StatsText
{
    public static string Info(TenantSnapshot t, TenantRoute? route, ServerFacts server, string section)
    {
        var sb = new StringBuilder();
        bool all = section is "default" or "all" or "everything";
        if (all || section == "server")
        {
            sb.Append("# Server\r\n");
            Line(sb, "istore_version", server.Version);
            Line(sb, "proxy_version", server.Version);
            Line(sb, "redis_version", "7.2.0");
            Line(sb, "redis_mode", "proxy");
            Line(sb, "process_id", Environment.ProcessId);
            Line(sb, "uptime_in_seconds", server.UptimeSeconds);
            Line(sb, "takeovers", server.Takeovers);
            Line(sb, "tenant", t.Name);
            Line(sb, "shards", route?.Shards.Length ?? 0);
            sb.Append("\r\n");
        }
        if (all || section == "clients")
        {
            sb.Append("# Clients\r\n");
            Line(sb, "connected_clients", t.Clients);
            Line(sb, "maxclients", route?.Limits.MaxClients ?? 0);
            sb.Append("\r\n");
        }
        if (all || section == "stats")
        {
            sb.Append("# Stats\r\n");
            Line(sb, "total_connections_received", t.TotalConnections);
            Line(sb, "total_commands_processed", t.Calls);
            Line(sb, "instantaneous_ops_per_sec", t.OpsPerSecond);
            Line(sb, "total_net_input_bytes", t.BytesIn);
            Line(sb, "total_net_output_bytes", t.BytesOut);
            Line(sb, "total_error_replies", t.Errors);
            Line(sb, "rejected_calls_qps", t.Rejected);
            sb.Append("\r\n");
        }
        if (section is "all" or "everything" or "commandstats")
        {
            sb.Append("# Commandstats\r\n");
            foreach (var (name, c) in t.Commands)
                sb.Append(CultureInfo.InvariantCulture,
                    $"cmdstat_{name}:calls={c.Calls},failed_calls={c.Errors},ops_per_sec={c.OpsPerSecond},p50_usec={c.P50Micros},p99_usec={c.P99Micros},p999_usec={c.P999Micros}\r\n");
            sb.Append("\r\n");
        }
        return sb.ToString();
    }

    public static string Prometheus(IEnumerable<TenantSnapshot> tenants)
    {
        var sb = new StringBuilder();
        var list = tenants.ToList();
        Family(sb, "istore_proxy_connected_clients", "gauge", "Client connections bound to the tenant", list, t => [("", t.Clients)]);
        Family(sb, "istore_proxy_connections_received_total", "counter", "Client connections that authenticated as the tenant", list, t => [("", t.TotalConnections)]);
        Family(sb, "istore_proxy_ops_per_second", "gauge", "Commands per second over the last second", list, t => [("", t.OpsPerSecond)]);
        Family(sb, "istore_proxy_net_input_bytes_total", "counter", "Request bytes received", list, t => [("", t.BytesIn)]);
        Family(sb, "istore_proxy_net_output_bytes_total", "counter", "Reply bytes sent", list, t => [("", t.BytesOut)]);
        Family(sb, "istore_proxy_rejected_total", "counter", "Commands refused by the QPS limit", list, t => [("", t.Rejected)]);
        Family(sb, "istore_proxy_commands_total", "counter", "Commands processed", list, t => t.Commands.Select(c => (Cmd(c.Key), (double)c.Value.Calls)));
        Family(sb, "istore_proxy_command_errors_total", "counter", "Commands answered with an error", list, t => t.Commands.Select(c => (Cmd(c.Key), (double)c.Value.Errors)));
        Family(sb, "istore_proxy_command_ops_per_second", "gauge", "Commands per second over the last second", list, t => t.Commands.Select(c => (Cmd(c.Key), (double)c.Value.OpsPerSecond)));
        LatencyHistogramFamily(sb, "istore_proxy_command_latency_seconds", "Latency from request parsed to reply ready", list);
        // The percentiles INFO shows, over the proxy's lifetime (istore-ha's sampler reads p50 and p99).
        Family(sb, "istore_proxy_command_latency_quantile_seconds", "gauge", "Latency quantiles since the proxy started", list, t => t.Commands.SelectMany(c => new[]
        {
            (Cmd(c.Key) + ",quantile=\"0.5\"", c.Value.P50Micros / 1e6),
            (Cmd(c.Key) + ",quantile=\"0.99\"", c.Value.P99Micros / 1e6),
            (Cmd(c.Key) + ",quantile=\"0.999\"", c.Value.P999Micros / 1e6),
        }));
        return sb.ToString();
    }

    private static string Cmd(string name) => $",command=\"{name}\"";

    /// <summary>Per tenant and command: a cumulative _bucket per bound and +Inf, then _sum and _count.</summary>
    private static void LatencyHistogramFamily(StringBuilder sb, string name, string help, List<TenantSnapshot> tenants)
    {
        sb.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} histogram\n");
        foreach (var t in tenants)
            foreach (var (command, c) in t.Commands)
            {
                string labels = $"tenant=\"{Escape(t.Name)}\"{Cmd(command)}";
                long cumulative = 0;
                for (int i = 0; i < c.PrometheusCounts.Count; i++)
                {
                    cumulative += c.PrometheusCounts[i];
                    string le = i < PrometheusBuckets.BoundsMicros.Length
                        ? (PrometheusBuckets.BoundsMicros[i] / 1e6).ToString(CultureInfo.InvariantCulture)
                        : "+Inf";
                    sb.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{{labels},le=\"{le}\"}} {cumulative}\n");
                }
                sb.Append(CultureInfo.InvariantCulture, $"{name}_sum{{{labels}}} {c.LatencySumMicros / 1e6}\n");
                sb.Append(CultureInfo.InvariantCulture, $"{name}_count{{{labels}}} {cumulative}\n");
            }
    }

    private static void Family(StringBuilder sb, string name, string type, string help, List<TenantSnapshot> tenants,
        Func<TenantSnapshot, IEnumerable<(string Labels, double Value)>> samples)
    {
        sb.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} {type}\n");
        foreach (var t in tenants)
            foreach (var (labels, value) in samples(t))
                sb.Append(CultureInfo.InvariantCulture, $"{name}{{tenant=\"{Escape(t.Name)}\"{labels}}} {value}\n");
    }

    private static string Escape(string label) => label.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");

    private static void Line(StringBuilder sb, string key, object value) =>
        sb.Append(CultureInfo.InvariantCulture, $"{key}:{value}\r\n");
}
