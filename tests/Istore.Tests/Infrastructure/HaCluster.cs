namespace Istore.Tests.Infrastructure;

/// <summary>
/// One tenant ("t1", password "p1") with one shard of real istore-node processes (a master and its
/// replicas), an istore-ha that owns it, and an istore-proxy taking its routes from that HA.
/// Every process is killed by PID on dispose.
/// </summary>
public sealed class HaCluster : IAsyncDisposable
{
    private HaCluster(ReplicationGroup shard, HaProcess ha, ProxyProcess proxy)
    {
        Shard = shard;
        Ha = ha;
        Proxy = proxy;
    }

    public ReplicationGroup Shard { get; }

    public HaProcess Ha { get; }

    public ProxyProcess Proxy { get; }

    /// <summary>Every node of the shard, whatever its role now.</summary>
    public IEnumerable<NodeProcess> Nodes => Shard.Replicas.Prepend(Shard.Master);

    public static async Task<HaCluster> StartAsync(string engine, int replicas, string[]? nodeArgs = null, int downAfterMs = 1000, string[]? haArgs = null)
    {
        var shard = await ReplicationGroup.StartAsync(engine, replicas, nodeArgs, nodeArgs);
        await shard.WaitInSyncAsync();
        string replicaList = string.Join(", ", shard.Replicas.Select(r => $"\"127.0.0.1:{r.Port}\""));
        var ha = await HaProcess.StartAsync($$"""[{"name": "t1", "password": "p1", "shards": [{"master": "127.0.0.1:{{shard.Master.Port}}", "replicas": [{{replicaList}}]}]}]""",
            downAfterMs, haArgs ?? []);
        var proxy = await ProxyProcess.StartWithHaAsync(ha.Address, haArgs is { } a && a.Contains("--admin-token") ? ["--ha-token", a[Array.IndexOf(a, "--admin-token") + 1]] : []);
        // A proxy whose first table from HA takes over 10 s (a loaded host) starts serving without tenants (WRONGPASS):
        // the tests need the tenant, so they wait for the table (already there once it is ready, in the usual case).
        await proxy.WaitForOutputAsync("Configuration reloaded (HA ", TimeSpan.FromSeconds(30));
        return new HaCluster(shard, ha, proxy);
    }

    /// <summary>The node HA's topology names as the shard's master now.</summary>
    public NodeProcess CurrentMaster() => NodeAt((string)Ha.Topology()["tenants"]![0]!["shards"]![0]!["master"]!);

    public long RouteVersion() => (long)Ha.Topology()["version"]!;

    public NodeProcess NodeAt(string address) => Nodes.Single(n => $"127.0.0.1:{n.Port}" == address);

    /// <summary>Waits until HA's topology names another master than <paramref name="old"/>; returns it.</summary>
    public async Task<NodeProcess> WaitForNewMasterAsync(NodeProcess old, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (CurrentMaster() == old)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("HA did not fail over:\n" + Ha.Output);
            await Task.Delay(20);
        }
        return CurrentMaster();
    }

    /// <summary>Waits until every node but the master follows the master with its link up and has all it wrote.</summary>
    public Task WaitShardInSyncAsync(TimeSpan? timeout = null)
    {
        var master = CurrentMaster();
        return ReplicationGroup.WaitInSyncAsync(master, Nodes.Where(n => n != master), timeout);
    }

    public async ValueTask DisposeAsync()
    {
        await Proxy.DisposeAsync();
        await Ha.DisposeAsync();
        await Shard.DisposeAsync();
    }
}
