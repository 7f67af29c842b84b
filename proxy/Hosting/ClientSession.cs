using Istore.Net.Server;
using Istore.Proxy.Backend;
using Istore.Proxy.Pipeline;
using Istore.Proxy.PubSub;
using Istore.Proxy.Routing;
using Istore.Proxy.Stats;

namespace Istore.Proxy.Hosting;

/// <summary>
/// A client connection as the proxy sees it: the tenant it authenticated as, the protocol it
/// chose, its reply order (<see cref="SequenceQueue"/>), and the backend groups of its tenant's
/// shards, cached until the route table changes.
/// </summary>
internal sealed class ClientSession
{
    private RouteTable? _table;
    private TenantRoute? _route;
    private BackendGroup?[] _groups = [];

    public ClientSession(Connection connection, ProxyWorker worker)
    {
        Connection = connection;
        Worker = worker;
        Queue = new SequenceQueue(this);
    }

    public Connection Connection { get; }

    /// <summary>The loop's worker that serves this client.</summary>
    public ProxyWorker Worker { get; }

    public SequenceQueue Queue { get; }

    /// <summary>Set when the client disconnects: replies still in flight for it are dropped.</summary>
    public bool Closed { get; set; }

    /// <summary>QUIT arrived: close once every earlier reply is written.</summary>
    public bool Quitting { get; set; }

    /// <summary>A takeover is under way: nothing more is read; the connection moves once it owes no reply.</summary>
    public bool Moving { get; set; }

    public int Protocol { get; set; } = 2;

    /// <summary>The shard channels this client subscribed to; null until its first SSUBSCRIBE.</summary>
    public ShardSubscriptions? ShardChannels { get; set; }

    public string? Name { get; set; }

    /// <summary>Null until AUTH succeeds.</summary>
    public TenantState? Tenant { get; private set; }

    /// <summary>This loop's counters for the tenant.</summary>
    public TenantCounters Counters { get; private set; } = null!;

    public void Bind(TenantState tenant, TenantCounters counters)
    {
        Unbind();
        Tenant = tenant;
        Counters = counters;
        _table = null;
    }

    /// <summary>Logs out (RESET, disconnect): the subscriptions end with their links.</summary>
    public void Unbind()
    {
        ShardChannels?.Dispose();
        ShardChannels = null;
        Tenant?.RemoveClient();
        Tenant = null;
        _table = null;
        _route = null;
    }

    /// <summary>The tenant's route in <paramref name="table"/> (null if a reload removed the tenant).</summary>
    public TenantRoute? Route(RouteTable table)
    {
        if (!ReferenceEquals(table, _table))
        {
            _table = table;
            _route = table.Find(Tenant!.Name);
            _groups = new BackendGroup?[_route?.Shards.Length ?? 0];
        }
        return _route;
    }

    /// <summary>The version of the table <see cref="Route"/> last answered from.</summary>
    public long RouteVersion => _table?.Version ?? -1;

    /// <summary>A backend connection for <paramref name="shard"/> of the current route.</summary>
    public BackendConnection Backend(BackendPool pool, int shard) =>
        (_groups[shard] ??= pool.Get(_route!, shard, Protocol)).Next();

    /// <summary>After HELLO changes the protocol, later requests use connections of the new protocol.</summary>
    public void ForgetBackends() => Array.Clear(_groups);
}
