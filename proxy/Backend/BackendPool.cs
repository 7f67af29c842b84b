using Istore.Net.Routes;
using Istore.Net.Server;
using Istore.Proxy.Routing;

namespace Istore.Proxy.Backend;

/// <summary>
/// The backend connections of one event loop: per tenant, shard address and protocol a small
/// group of pipelined connections that all that tenant's clients on this loop share (connection
/// convergence: thousands of clients, a few backend connections).
/// </summary>
internal sealed class BackendPool(IEventLoop loop, IReplySink sink) : IDisposable
{
    private const int MovedGraceMs = 200;

    private readonly Dictionary<(string Tenant, Endpoint Endpoint, int Protocol, string? Password), BackendGroup> _groups = [];

    public BackendGroup Get(TenantRoute tenant, int shard, int protocol)
    {
        var key = (tenant.Name, tenant.Shards[shard], protocol, tenant.BackendPassword(shard));
        if (!_groups.TryGetValue(key, out var group))
        {
            var connections = new BackendConnection[tenant.Limits.BackendConnections];
            for (int i = 0; i < connections.Length; i++)
                connections[i] = new BackendConnection(loop, sink, key.Item2, protocol, key.Item4);
            _groups[key] = group = new BackendGroup(connections);
        }
        return group;
    }

    /// <summary>
    /// Times out stuck backends, and closes groups the current routes no longer use once their
    /// last request finished (a reload lets requests already routed finish on the old routes).
    /// A table pushed by HA moved a master away because it failed or was switched over: requests
    /// still waiting on the old master get <see cref="MovedGraceMs"/> to be answered (a switched
    /// over master answers its paused writes with -READONLY, which are resent to the new master),
    /// then fail instead of waiting for the backend timeout (a frozen master never answers).
    /// </summary>
    public void Maintain(RouteTable routes, long nowMs)
    {
        List<(string, Endpoint, int, string?)>? unused = null;
        foreach (var (key, group) in _groups)
        {
            var tenant = routes.Find(key.Tenant);
            foreach (var c in group.Connections)
                c.CheckTimeout(nowMs, tenant?.Limits.BackendTimeoutMs ?? 5000);
            // A reload that changes a shard's password leaves the old group unrouted: it closes once idle.
            int shard = tenant is null ? -1 : Array.IndexOf(tenant.Shards, key.Endpoint);
            bool routed = shard >= 0 && tenant!.BackendPassword(shard) == key.Password;
            group.UnroutedSinceMs = routed ? -1 : group.UnroutedSinceMs < 0 ? nowMs : group.UnroutedSinceMs;
            if (!routed && (group.Connections.All(c => c.PendingCount == 0) || (routes.FromHa && nowMs - group.UnroutedSinceMs >= MovedGraceMs)))
                (unused ??= []).Add(key);
        }
        foreach (var key in unused ?? [])
        {
            _groups.Remove(key, out var group);
            foreach (var c in group!.Connections)
                c.Abandon($"ERR backend {key.Item2} is no longer its shard's master (route version {routes.Version}); the request may or may not have been applied");
        }
    }

    public void Dispose()
    {
        foreach (var group in _groups.Values)
            group.Dispose();
        _groups.Clear();
    }
}

/// <summary>The connections to one shard for one tenant on one loop, used in turn.</summary>
internal sealed class BackendGroup(BackendConnection[] connections) : IDisposable
{
    private int _next;

    public BackendConnection[] Connections => connections;

    /// <summary>When the routes stopped naming this backend (-1 while they do).</summary>
    public long UnroutedSinceMs { get; set; } = -1;

    public BackendConnection Next()
    {
        if (connections.Length == 1)
            return connections[0];
        _next = (_next + 1) % connections.Length;
        return connections[_next];
    }

    public void Dispose()
    {
        foreach (var c in connections)
            c.Dispose();
    }
}
