using StackExchange.Redis;

namespace Istore.Tests.Infrastructure;

/// <summary>
/// A proxy in front of real istore-node shards: tenant "t1" (password "p1") on every shard of
/// <see cref="Nodes"/> and tenant "t2" (password "p2") on a node of its own, the first of
/// <see cref="Spares"/> (tenants never share a node). One per test class; tests use distinct keys.
/// </summary>
public class ProxyCluster : IAsyncLifetime
{
    protected virtual int ShardCount => 3;

    /// <summary>The storage engine of every node ("memory" or "disk").</summary>
    protected virtual string Engine => "memory";

    /// <summary>Extra JSON members for tenant t1 (limits, flags).</summary>
    protected virtual string TenantOneExtras => "";

    /// <summary>Nodes besides t1's: the first is t2's, the others are for <see cref="MoreTenants"/> or moves.</summary>
    protected virtual int SpareCount => 1;

    /// <summary>More tenants (JSON objects, each followed by a comma); their shards use spare nodes as {spare1}, {spare2}….</summary>
    protected virtual string MoreTenants => "";

    /// <summary>Extra proxy arguments (a control socket for takeovers, a drain timeout…).</summary>
    protected virtual string[] ProxyArgs => [];

    /// <summary>t1's shards, in order.</summary>
    public List<NodeProcess> Nodes { get; } = [];

    public List<NodeProcess> Spares { get; } = [];

    public ProxyProcess Proxy { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var started = await Task.WhenAll(Enumerable.Range(0, ShardCount + SpareCount).Select(_ => NodeProcess.StartAsync(["--engine", Engine])));
        Nodes.AddRange(started[..ShardCount]);
        Spares.AddRange(started[ShardCount..]);
        Proxy = await ProxyProcess.StartAsync(TenantsJson(), ProxyArgs);
    }

    /// <summary>Tenants t1 (every shard, in order) and t2 (the first spare), plus <see cref="MoreTenants"/>.</summary>
    public string TenantsJson(string? tenantOneExtras = null)
    {
        var ports = Nodes.Select(n => n.Port).ToArray();
        var more = MoreTenants;
        for (int i = 1; i < Spares.Count; i++)
            more = more.Replace($"{{spare{i}}}", Spares[i].Port.ToString());
        return $$"""
            [{{more}} {"name": "t1", "password": "p1", {{tenantOneExtras ?? TenantOneExtras}} "shards": [{{string.Join(", ", ports.Select(p => $$"""{"master": "127.0.0.1:{{p}}"}"""))}}]},
             {"name": "t2", "password": "p2", "shards": [{"master": "127.0.0.1:{{Spares[0].Port}}"}]}]
            """;
    }

    public Task<RawConnection> ConnectAsync(string tenant = "t1", string password = "p1") => Proxy.ConnectAsync(tenant, password);

    /// <summary>StackExchange.Redis through the proxy, authenticated as t1.</summary>
    public Task<ConnectionMultiplexer> ConnectRedisAsync(int protocol = 2) => Proxy.ConnectRedisAsync(protocol);

    public async Task DisposeAsync()
    {
        await Proxy.DisposeAsync();
        foreach (var node in Nodes.Concat(Spares))
            await node.DisposeAsync();
    }
}
