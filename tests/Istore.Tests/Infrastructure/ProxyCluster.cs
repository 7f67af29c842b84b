using StackExchange.Redis;

namespace Istore.Tests.Infrastructure;

/// <summary>
/// A proxy in front of real istore-node shards: tenant "t1" (password "p1") on every shard and
/// tenant "t2" (password "p2") on the first shard only. One per test class; tests use distinct keys.
/// </summary>
public class ProxyCluster : IAsyncLifetime
{
    protected virtual int ShardCount => 3;

    /// <summary>Extra JSON members for tenant t1 (limits, flags).</summary>
    protected virtual string TenantOneExtras => "";

    /// <summary>More tenants (JSON objects, each followed by a comma); their shards may use {port0}, {port1}….</summary>
    protected virtual string MoreTenants => "";

    public List<NodeProcess> Nodes { get; } = [];

    public ProxyProcess Proxy { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var started = await Task.WhenAll(Enumerable.Range(0, ShardCount).Select(_ => NodeProcess.StartAsync()));
        Nodes.AddRange(started);
        Proxy = await ProxyProcess.StartAsync(TenantsJson());
    }

    /// <summary>Tenants t1 (every shard, in order) and t2 (the first shard), plus <see cref="MoreTenants"/>.</summary>
    public string TenantsJson(string? tenantOneExtras = null)
    {
        var ports = Nodes.Select(n => n.Port).ToArray();
        var more = MoreTenants;
        for (int i = 0; i < ports.Length; i++)
            more = more.Replace($"{{port{i}}}", ports[i].ToString());
        return $$"""
            [{{more}} {"name": "t1", "password": "p1", {{tenantOneExtras ?? TenantOneExtras}} "shards": [{{string.Join(", ", ports.Select(p => $$"""{"master": "127.0.0.1:{{p}}"}"""))}}]},
             {"name": "t2", "password": "p2", "shards": [{"master": "127.0.0.1:{{ports[0]}}"}]}]
            """;
    }

    public Task<RawConnection> ConnectAsync(string tenant = "t1", string password = "p1") => Proxy.ConnectAsync(tenant, password);

    /// <summary>StackExchange.Redis through the proxy, authenticated as t1.</summary>
    public Task<ConnectionMultiplexer> ConnectRedisAsync(int protocol = 2) => Proxy.ConnectRedisAsync(protocol);

    public async Task DisposeAsync()
    {
        await Proxy.DisposeAsync();
        foreach (var node in Nodes)
            await node.DisposeAsync();
    }
}
