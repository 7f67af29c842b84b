using Istore.Ha.Admin;
using Istore.Ha.Hosting;
using Istore.Ha.Probing;

namespace Istore.Ha.Operations;

/// <summary>
/// POST /api/v1/upgrade {"nodeBinary": path, "proxyBinary": path} (`up` mode; either or both): one
/// shard at a time, every replica is restarted on the new node binary and waits until it caught up
/// with its master; a planned switchover then makes one of them the master, and the old master is
/// restarted on the new binary as a replica. Clients see the switchover's write pause only. A shard
/// without replicas is restarted in place (its clients get errors while it restarts). Then each
/// proxy is taken over by the new proxy binary: its clients see no error and no disconnect.
/// Progress at GET /api/v1/upgrade.
/// </summary>
public sealed class RollingUpgrade(HaServer ha, IUpgradeHost? host)
{
    private const int CatchUpTimeoutMs = 60_000;

    private readonly Lock _lock = new();
    private UpgradeProgress _progress = new("idle", null, 0, 0, null, 0, 0, null, null);
    private Task? _running;

    public UpgradeProgress Progress
    {
        get
        {
            lock (_lock)
                return _progress;
        }
    }

    public UpgradeProgress Start(string? nodeBinary, string? proxyBinary)
    {
        if (host is null)
            throw new AdminException(409, "a rolling upgrade restarts node and proxy processes: only `istore-ha up` supervises them");
        if (nodeBinary is null && proxyBinary is null)
            throw new AdminException(400, "give nodeBinary, proxyBinary or both");
        foreach (var (field, binary) in new[] { ("nodeBinary", nodeBinary), ("proxyBinary", proxyBinary) })
            if (binary is not null && (binary.Length == 0 || !File.Exists(binary)))
                throw new AdminException(400, $"{field} '{binary}' is not a file here");
        if (nodeBinary is not null && ha.Store.Current.Tenants.Any(t => t.Migration is not null))
            throw new AdminException(409, "a tenant is scaling; upgrade once it is done");
        string? nodes = nodeBinary is null ? null : Path.GetFullPath(nodeBinary), proxies = proxyBinary is null ? null : Path.GetFullPath(proxyBinary);
        lock (_lock)
        {
            if (_running is { IsCompleted: false })
                throw new AdminException(409, "an upgrade is running");
            int nodeCount = nodes is null ? 0 : ha.Store.Current.Tenants.Sum(t => t.Shards.Sum(s => 1 + s.Replicas.Count));
            _progress = new UpgradeProgress("running", nodes, 0, nodeCount, proxies, 0, proxies is null ? 0 : host.Proxies.Count, null, null);
            _running = Task.Run(() => RunAsync(nodes, proxies));
            return _progress;
        }
    }

    private async Task RunAsync(string? nodeBinary, string? proxyBinary)
    {
        try
        {
            if (nodeBinary is not null)
                foreach (var tenant in ha.Store.Current.Tenants.Select(t => t.Name).ToList())
                    for (int shard = 0; shard < TopologyChange.Tenant(ha.Store.Current, tenant).Shards.Count; shard++)
                        await UpgradeShardAsync(tenant, shard, nodeBinary).ConfigureAwait(false);
            if (proxyBinary is not null)
                foreach (var proxy in host!.Proxies)
                {
                    Update(p => p with { Step = $"proxy {proxy}: taken over by {proxyBinary}" });
                    await host.TakeOverProxyAsync(proxy, proxyBinary).ConfigureAwait(false);
                    Update(p => p with { ProxiesDone = p.ProxiesDone + 1 });
                }
            Update(p => p with { State = "done", Step = null });
        }
        catch (Exception ex) when (ex is IOException or TimeoutException or AdminException or InvalidOperationException)
        {
            Update(p => p with { State = "failed", Error = ex.Message });
        }
    }

    private async Task UpgradeShardAsync(string tenant, int index, string binary)
    {
        var shard = TopologyChange.Tenant(ha.Store.Current, tenant).Shards[index];
        foreach (var replica in shard.Replicas)
            await RestartAsync(replica, binary, shard.Master, $"{tenant}/{index}: replica {replica}").ConfigureAwait(false);
        if (shard.Replicas.Count == 0)
        {
            await RestartAsync(shard.Master, binary, null, $"{tenant}/{index}: master {shard.Master}, in place (no replica)").ConfigureAwait(false);
            return;
        }
        Update(p => p with { Step = $"{tenant}/{index}: switching over to {shard.Replicas[0]}" });
        if (await ha.Coordinator.SwitchoverAsync(tenant, index, shard.Replicas[0]).ConfigureAwait(false) is { } error)
            throw new InvalidOperationException($"{tenant}/{index}: {error}");
        await RestartAsync(shard.Master, binary, shard.Replicas[0], $"{tenant}/{index}: old master {shard.Master}, now a replica").ConfigureAwait(false);
    }

    /// <summary>Restarts a node on the binary; a replica (of <paramref name="master"/>) then has to catch up: HA's fencing points it at its master.</summary>
    private async Task RestartAsync(string node, string binary, string? master, string step)
    {
        Update(p => p with { Step = step });
        await host!.RestartNodeAsync(node, binary).ConfigureAwait(false);
        if (master is not null)
            await NodeActions.CaughtUpAsync(ha.Prober, node, master, CatchUpTimeoutMs).ConfigureAwait(false);
        Update(p => p with { NodesDone = p.NodesDone + 1 });
    }

    private void Update(Func<UpgradeProgress, UpgradeProgress> change)
    {
        lock (_lock)
            _progress = change(_progress);
    }
}

/// <summary>GET /api/v1/upgrade: idle, running, done or failed; the nodes restarted and the proxies taken over so far of all; what it does now.</summary>
public sealed record UpgradeProgress(string State, string? NodeBinary, int NodesDone, int Nodes, string? ProxyBinary, int ProxiesDone, int Proxies, string? Step, string? Error);
