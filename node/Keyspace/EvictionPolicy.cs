namespace Istore.Node.Keyspace;

/// <summary>maxmemory-policy: which keys may go when the data outgrows maxmemory, and how the victim is chosen.</summary>
public enum EvictionPolicy
{
    NoEviction,
    AllKeysLru,
    AllKeysLfu,
    AllKeysRandom,
    VolatileLru,
    VolatileLfu,
    VolatileRandom,
    VolatileTtl,
}

public static class EvictionPolicies
{
    private static readonly (string Name, EvictionPolicy Policy)[] Names =
    [
        ("noeviction", EvictionPolicy.NoEviction), ("allkeys-lru", EvictionPolicy.AllKeysLru), ("allkeys-lfu", EvictionPolicy.AllKeysLfu),
        ("allkeys-random", EvictionPolicy.AllKeysRandom), ("volatile-lru", EvictionPolicy.VolatileLru), ("volatile-lfu", EvictionPolicy.VolatileLfu),
        ("volatile-random", EvictionPolicy.VolatileRandom), ("volatile-ttl", EvictionPolicy.VolatileTtl),
    ];

    public static EvictionPolicy? Parse(string name) =>
        Names.FirstOrDefault(n => n.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) is { Name: not null } found ? found.Policy : null;

    public static string Name(this EvictionPolicy policy) => Names.First(n => n.Policy == policy).Name;

    /// <summary>Only keys with an expiry may go.</summary>
    public static bool VolatileOnly(this EvictionPolicy policy) => policy >= EvictionPolicy.VolatileLru;

    /// <summary>An LRU or LFU policy: Redis then shares no integer objects (MAXMEMORY_FLAG_NO_SHARED_INTEGERS).</summary>
    public static bool TracksAccessPerObject(this EvictionPolicy policy) => policy is not (EvictionPolicy.NoEviction or EvictionPolicy.AllKeysRandom or EvictionPolicy.VolatileRandom or EvictionPolicy.VolatileTtl);

    /// <summary>An LFU policy: OBJECT FREQ answers, OBJECT IDLETIME does not (as in Redis).</summary>
    public static bool IsLfu(this EvictionPolicy policy) => policy is EvictionPolicy.AllKeysLfu or EvictionPolicy.VolatileLfu;
}
