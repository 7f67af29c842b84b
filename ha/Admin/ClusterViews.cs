using Istore.Ha.Hosting;
using Istore.Ha.Monitoring;
using Istore.Net.Routes;

namespace Istore.Ha.Admin;

/// <summary>Builds the API's views from HA's topology, its probes and the sampler's last second.</summary>
public static class ClusterViews
{
    public static ClusterView Cluster(HaServer ha, Sampler sampler)
    {
        var config = ha.Store.Current;
        long now = Environment.TickCount64;
        var problems = ha.Coordinator.ShardProblems;
        var nodes = new List<NodeView>();
        var tenants = new List<TenantView>();
        foreach (var tenant in config.Tenants)
        {
            var shards = new List<ShardView>();
            for (int i = 0; i < tenant.Shards.Count; i++)
            {
                var shard = tenant.Shards[i];
                var master = sampler.Nodes.GetValueOrDefault(shard.Master);
                bool healthy = true;
                foreach (var address in shard.Replicas.Prepend(shard.Master))
                {
                    var node = Node(ha, sampler, address, tenant.Name, i, address == shard.Master ? null : master, now, config.DownAfterMs);
                    healthy &= node.Up;
                    nodes.Add(node);
                }
                shards.Add(new ShardView(i, shard.Master, shard.Replicas, problems.GetValueOrDefault($"{tenant.Name}/{i}"), healthy));
            }
            var t = sampler.Tenants.GetValueOrDefault(tenant.Name) ?? TenantSample.Empty;
            tenants.Add(new TenantView(tenant.Name, tenant.Limits, tenant.Flags, shards, t.OpsPerSec, t.P50Us, t.P99Us, t.ErrorsPerSec,
                t.FailureRate, t.Connections, t.BytesInPerSec, t.BytesOutPerSec, t.Rejected, tenant.Migration));
        }
        var proxies = ha.Proxies.Select(p => new ProxyView(p.ToString(), now - ha.Prober.Status(p).LastOkMs <= config.DownAfterMs, 0, 0)).ToList();
        var samples = sampler.Nodes.Values.ToList();
        var platform = new PlatformView(sampler.RequestsToday, samples.Sum(n => n.UsedMemory), samples.Sum(n => n.MaxMemory), FreeMemoryBytes(),
            nodes.Count, nodes.Count(n => n.Up), tenants.Count);
        return new ClusterView(config.Version, ha.Store.Leader, ha.Store.IsLeader, ha.Coordinator.Failovers, ha.Coordinator.LastFailoverMs,
            sampler.SampledAtMs, tenants, nodes, proxies, platform);
    }

    /// <param name="master">The shard master's sample when <paramref name="address"/> is one of its replicas.</param>
    private static NodeView Node(HaServer ha, Sampler sampler, string address, string tenant, int shard, NodeSample? master, long now, int downAfterMs)
    {
        Endpoint.TryParse(address, out var endpoint);
        var status = ha.Prober.Status(endpoint);
        var s = sampler.Nodes.GetValueOrDefault(address);
        bool up = now - status.LastOkMs <= downAfterMs;
        long lagBytes = master is null || s is null ? 0 : Math.Max(0, master.Offset - s.Offset);
        // The bytes behind over the rate the master takes writes in: how long catching up takes at that rate.
        double lagSeconds = lagBytes == 0 ? 0 : master!.NetInPerSec > 0 ? lagBytes / master.NetInPerSec : -1;
        return new NodeView(address, endpoint.Host, tenant, shard, up ? status.Role : "down", up, s?.Offset ?? status.Offset, lagBytes, lagSeconds,
            s?.UsedMemory ?? 0, s?.CpuPercent ?? 0, s?.Connections ?? 0, s?.OpsPerSec ?? 0, s?.NetInPerSec ?? 0, s?.NetOutPerSec ?? 0, s?.Keys ?? 0, s?.Binary ?? "",
            status.Guard ?? "");
    }

    /// <summary>MemAvailable of this machine (the loopback cluster's host), from /proc/meminfo.</summary>
    private static long FreeMemoryBytes()
    {
        try
        {
            var line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemAvailable:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    public static HistoryView History(Sampler sampler, int seconds)
    {
        var (times, nodes, tenants, platform) = sampler.History(seconds);
        return new HistoryView(times, nodes, tenants, platform);
    }
}
