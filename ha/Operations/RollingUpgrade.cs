using Istore.Ha.Admin;
using Istore.Ha.Hosting;
using Istore.Ha.Probing;

namespace Istore.Ha.Operations;

/// <summary>
/// POST /api/v1/upgrade {"nodeBinary": path} (`up` mode): one shard at a time, every replica is
/// restarted on the new binary and waits until it caught up with its master; a planned switchover
/// then makes one of them the master, and the old master is restarted on the new binary as a
/// replica. Clients see the switchover's write pause only. A shard without replicas is restarted
/// in place (its clients get errors while it restarts). Progress at GET /api/v1/upgrade.
/// </summary>
public sealed class RollingUpgrade(HaServer ha, INodeRestarter? restarter)
{
    private const int CatchUpTimeoutMs = 60_000;

    private readonly Lock _lock = new();
    private UpgradeProgress _progress = new("idle", "", 0, 0, null, null);
    private Task? _running;

    public UpgradeProgress Progress
    {
        get
        {
            lock (_lock)
                return _progress;
        }
    }

    public UpgradeProgress Start(string? binary)
    {
        if (restarter is null)
            throw new AdminException(409, "a rolling upgrade restarts node processes: only `istore-ha up` supervises them");
        if (string.IsNullOrEmpty(binary) || !File.Exists(binary))
            throw new AdminException(400, $"nodeBinary '{binary}' is not a file here");
        if (ha.Store.Current.Tenants.Any(t => t.Migration is not null))
            throw new AdminException(409, "a tenant is scaling; upgrade once it is done");
        lock (_lock)
        {
            if (_running is { IsCompleted: false })
                throw new AdminException(409, "an upgrade is running");
            int total = ha.Store.Current.Tenants.Sum(t => t.Shards.Sum(s => 1 + s.Replicas.Count));
            _progress = new UpgradeProgress("running", Path.GetFullPath(binary), 0, total, null, null);
            _running = Task.Run(() => RunAsync(Path.GetFullPath(binary)));
            return _progress;
        }
    }

    private async Task RunAsync(string binary)
    {
        try
        {
            foreach (var tenant in ha.Store.Current.Tenants.Select(t => t.Name).ToList())
                for (int shard = 0; shard < TopologyChange.Tenant(ha.Store.Current, tenant).Shards.Count; shard++)
                    await UpgradeShardAsync(tenant, shard, binary).ConfigureAwait(false);
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
        await restarter!.RestartAsync(node, binary).ConfigureAwait(false);
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

/// <summary>GET /api/v1/upgrade: idle, running, done or failed; the nodes restarted so far of all; what it does now.</summary>
public sealed record UpgradeProgress(string State, string NodeBinary, int NodesDone, int Nodes, string? Step, string? Error);
