namespace Istore.Net.Routes;

// A tenant as route tables describe it: the proxy's configuration file, HA's topology and the
// tables HA pushes to proxies share these shapes. Setters rather than init: the JSON source
// generator would set absent init properties to null.

public sealed record TenantConfig
{
    public string Name { get; set; } = "";

    public string Password { get; set; } = "";

    public TenantLimits Limits { get; set; } = new();

    public TenantFlags Flags { get; set; } = new();

    /// <summary>What the proxy sends as AUTH to backends started with --requirepass, unless a shard names its own.</summary>
    public string? BackendPassword { get; set; }

    /// <summary>Ordered: a key's shard is its jump hash over this list's length (over <see cref="ShardMigration.To"/> while keys move).</summary>
    public List<ShardConfig> Shards { get; set; } = [];

    /// <summary>Set while keys move from a jump hash over From shards to one over To (scaling out or in); null otherwise.</summary>
    public ShardMigration? Migration { get; set; }
}

/// <summary>
/// A scale step in progress: a key lives on shard JumpHash(key, From) until it has moved to
/// JumpHash(key, To); the shard list holds max(From, To) shards meanwhile.
/// </summary>
public sealed record ShardMigration
{
    public int From { get; set; }

    public int To { get; set; }
}

/// <summary>Overload protection for one tenant; 0 means unlimited.</summary>
public sealed record TenantLimits
{
    public int MaxClients { get; set; }

    /// <summary>Commands per second over all the tenant's connections (token bucket, one second of burst).</summary>
    public int Qps { get; set; }

    /// <summary>Requests one connection may have in flight before the proxy stops reading it.</summary>
    public int MaxInFlight { get; set; } = 4096;

    /// <summary>A request its backend has not answered within this gets an error; requests sent after it keep waiting for their own replies.</summary>
    public int BackendTimeoutMs { get; set; } = 5000;

    /// <summary>Pipelined connections per shard per event loop, shared by all the tenant's clients.</summary>
    public int BackendConnections { get; set; } = 1;
}

/// <summary>Features switched per tenant.</summary>
public sealed record TenantFlags
{
    /// <summary>Off: one request in flight per connection (strict request/reply).</summary>
    public bool Pipelining { get; set; } = true;
}

public sealed record ShardConfig
{
    public string Master { get; set; } = "";

    public List<string> Replicas { get; set; } = [];

    /// <summary>This shard's nodes' --requirepass, if it differs from the tenant's <see cref="TenantConfig.BackendPassword"/>.</summary>
    public string? Password { get; set; }
}
