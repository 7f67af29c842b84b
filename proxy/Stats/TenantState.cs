namespace Istore.Proxy.Stats;

/// <summary>What the proxy keeps about a tenant across reloads: its clients, its QPS bucket, its sampled rates.</summary>
internal sealed class TenantState(string name)
{
    public string Name => name;

    public int Clients;

    public long TotalConnections;

    public TokenBucket Bucket { get; } = new();

    /// <summary>Commands per second over the last sample, overall and per command name.</summary>
    public long OpsPerSecond { get; set; }

    public Dictionary<string, long> CommandOpsPerSecond { get; set; } = [];

    /// <summary>Binds one more client; false (and nothing changed) when <paramref name="maxClients"/> is reached.</summary>
    public bool TryAddClient(int maxClients)
    {
        if (Interlocked.Increment(ref Clients) > maxClients && maxClients > 0)
        {
            Interlocked.Decrement(ref Clients);
            return false;
        }
        Interlocked.Increment(ref TotalConnections);
        return true;
    }

    /// <summary>A client another proxy process handed over: already admitted (and counted) there.</summary>
    public void AdoptClient() => Interlocked.Increment(ref Clients);

    public void RemoveClient() => Interlocked.Decrement(ref Clients);
}
