using System.Globalization;
using System.Text;

namespace Istore.Ha.Admin;

/// <summary>GET /metrics on the admin address: the cluster in Prometheus text, per node, per tenant and per proxy.</summary>
public static class MetricsText
{
    public static string Render(ClusterView cluster, IReadOnlyDictionary<string, Monitoring.TenantSample> tenantSamples)
    {
        var sb = new StringBuilder();
        Gauge(sb, "istore_route_version", "Version of the route table", [("", cluster.RouteVersion)]);
        Gauge(sb, "istore_ha_is_leader", "1 when this HA process leads", [("", cluster.IsLeader ? 1 : 0)]);
        Counter(sb, "istore_failovers_total", "Failovers this HA process made", [("", cluster.Failovers)]);
        var nodes = cluster.Nodes.Select(n => (Label: $"node=\"{n.Address}\",tenant=\"{n.Tenant}\",shard=\"{n.Shard}\",role=\"{n.Role}\"", Node: n)).ToList();
        Gauge(sb, "istore_node_up", "1 when the node answers its probes", nodes.Select(n => (n.Label, (double)(n.Node.Up ? 1 : 0))));
        Gauge(sb, "istore_node_used_memory_bytes", "Resident memory of the node", nodes.Select(n => (n.Label, (double)n.Node.UsedMemory)));
        Gauge(sb, "istore_node_cpu_percent", "CPU of the node over the last second", nodes.Select(n => (n.Label, n.Node.CpuPercent)));
        Gauge(sb, "istore_node_connected_clients", "Client connections of the node", nodes.Select(n => (n.Label, (double)n.Node.Connections)));
        Gauge(sb, "istore_node_ops_per_second", "Commands per second on the node", nodes.Select(n => (n.Label, n.Node.OpsPerSec)));
        Gauge(sb, "istore_node_repl_offset", "Replication offset of the node", nodes.Select(n => (n.Label, (double)n.Node.Offset)));
        Gauge(sb, "istore_node_repl_lag_bytes", "Bytes a replica is behind its master", nodes.Select(n => (n.Label, (double)n.Node.LagBytes)));
        Gauge(sb, "istore_node_keys", "Keys on the node", nodes.Select(n => (n.Label, (double)n.Node.Keys)));
        var tenants = cluster.Tenants.Select(t => (Label: $"tenant=\"{t.Name}\"", Tenant: t)).ToList();
        Gauge(sb, "istore_tenant_ops_per_second", "Requests per second through the proxies", tenants.Select(t => (t.Label, t.Tenant.OpsPerSec)));
        Gauge(sb, "istore_tenant_errors_per_second", "Error replies per second", tenants.Select(t => (t.Label, t.Tenant.ErrorsPerSec)));
        Gauge(sb, "istore_tenant_connected_clients", "Client connections over the proxies", tenants.Select(t => (t.Label, (double)t.Tenant.Connections)));
        LatencyHistogram(sb, tenantSamples);
        Counter(sb, "istore_tenant_rejected_total", "Requests refused by the tenant's QPS limit", tenants.Select(t => (t.Label, (double)t.Tenant.Rejected)));
        Gauge(sb, "istore_proxy_up", "1 when the proxy answers its probes", cluster.Proxies.Select(p => ($"proxy=\"{p.Address}\"", (double)(p.Healthy ? 1 : 0))));
        return sb.ToString();
    }

    /// <summary>The proxies' per-command histograms summed per tenant: Grafana's histogram_quantile works on it.</summary>
    private static void LatencyHistogram(StringBuilder sb, IReadOnlyDictionary<string, Monitoring.TenantSample> tenants)
    {
        const string name = "istore_tenant_latency_seconds";
        sb.Append("# HELP ").Append(name).Append(" Latency at the proxies, from request parsed to reply ready\n# TYPE ").Append(name).Append(" histogram\n");
        foreach (var (tenant, sample) in tenants)
        {
            foreach (var (le, count) in sample.LatencyBuckets.OrderBy(b => b.Key))
            {
                string bound = double.IsPositiveInfinity(le) ? "+Inf" : le.ToString("R", CultureInfo.InvariantCulture);
                sb.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{tenant=\"{tenant}\",le=\"{bound}\"}} {count}\n");
            }
            sb.Append(CultureInfo.InvariantCulture, $"{name}_sum{{tenant=\"{tenant}\"}} {sample.LatencySumSeconds}\n");
            sb.Append(CultureInfo.InvariantCulture, $"{name}_count{{tenant=\"{tenant}\"}} {sample.LatencyCount}\n");
        }
    }

    private static void Gauge(StringBuilder sb, string name, string help, IEnumerable<(string Labels, double Value)> samples) => Family(sb, name, "gauge", help, samples);

    private static void Counter(StringBuilder sb, string name, string help, IEnumerable<(string Labels, double Value)> samples) => Family(sb, name, "counter", help, samples);

    private static void Family(StringBuilder sb, string name, string type, string help, IEnumerable<(string Labels, double Value)> samples)
    {
        sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        sb.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        foreach (var (labels, value) in samples)
        {
            sb.Append(name);
            if (labels.Length > 0)
                sb.Append('{').Append(labels).Append('}');
            sb.Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }
    }
}
