using System.Text;
using Istore.Ha.Hosting;
using Istore.Net.Routes;

namespace Istore.Ha.Server;

/// <summary>INFO on the HA port: the process and its memory, its leadership, failovers, every shard's nodes as probed, the proxies.</summary>
internal static class HaInfo
{
    public static string Text(HaServer server)
    {
        var config = server.Store.Current;
        long now = Environment.TickCount64;
        var text = new StringBuilder();
        text.Append("# Server\r\n")
            .Append($"ha_version:{HaServer.Version}\r\nprocess_id:{Environment.ProcessId}\r\nuptime_in_seconds:{server.UptimeSeconds}\r\n")
            .Append($"mode:{(server.Options.Etcd is null ? "file" : "etcd")}\r\n")
            .Append("\r\n# Memory\r\n");
        // The process's own memory, managed heap apart, so growth can be told from the GC's and native.
        using (var self = System.Diagnostics.Process.GetCurrentProcess())
            text.Append($"used_memory_rss:{self.WorkingSet64}\r\n");
        foreach (var (name, value) in Istore.Net.Server.GcInfo.Fields())
            text.Append($"{name}:{value}\r\n");
        text.Append("\r\n# Leader\r\n")
            .Append($"is_leader:{(server.Store.IsLeader ? 1 : 0)}\r\nleader:{server.Store.Leader}\r\n")
            .Append("\r\n# Failover\r\n")
            .Append($"route_version:{config.Version}\r\ndown_after_ms:{config.DownAfterMs}\r\n")
            .Append($"failovers:{server.Coordinator.Failovers}\r\nlast_failover_ms:{server.Coordinator.LastFailoverMs}\r\n")
            .Append("\r\n# Shards\r\n");
        int shardNumber = 0, nodeNumber = 0;
        foreach (var tenant in config.Tenants)
        {
            for (int i = 0; i < tenant.Shards.Count; i++)
            {
                var shard = tenant.Shards[i];
                text.Append($"shard{shardNumber++}:name={tenant.Name}/{i},master={shard.Master}");
                server.Coordinator.ShardProblems.TryGetValue($"{tenant.Name}/{i}", out string? problem);
                text.Append($",problem={problem ?? "none"}\r\n");
                foreach (var node in shard.Replicas.Prepend(shard.Master))
                {
                    Endpoint.TryParse(node, out var endpoint);
                    var status = server.Prober.Status(endpoint);
                    bool up = now - status.LastOkMs <= config.DownAfterMs;
                    long lag = node == shard.Master || !up ? 0 : Math.Max(0, MasterOffset(server, shard.Master) - status.Offset);
                    text.Append($"node{nodeNumber++}:addr={node},shard={tenant.Name}/{i},up={(up ? 1 : 0)},role={status.Role},offset={status.Offset},lag_bytes={lag}")
                        .Append($",last_ok_ms_ago={(status.LastOkMs == 0 ? -1 : now - status.LastOkMs)}\r\n");
                }
            }
        }
        text.Append("\r\n# Proxies\r\n");
        var proxies = server.Proxies;
        int healthy = proxies.Count(p => now - server.Prober.Status(p).LastOkMs <= config.DownAfterMs);
        text.Append($"proxies_healthy:{healthy}\r\nproxies_ejected:{proxies.Length - healthy}\r\n");
        for (int i = 0; i < proxies.Length; i++)
            text.Append($"proxy{i}:addr={proxies[i]},healthy={(now - server.Prober.Status(proxies[i]).LastOkMs <= config.DownAfterMs ? 1 : 0)}\r\n");
        return text.ToString();
    }

    private static long MasterOffset(HaServer server, string master) =>
        Endpoint.TryParse(master, out var endpoint) ? server.Prober.Status(endpoint).Offset : 0;
}
