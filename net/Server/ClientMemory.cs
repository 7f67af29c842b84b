namespace Istore.Net.Server;

/// <summary>
/// Redis's client memory accounting and client eviction (<c>maxmemory-clients</c>): what every
/// open connection holds (<see cref="Connection.MemoryUsage"/>: input not yet run, replies not
/// yet sent, and what the application keeps for it) summed in one counter, and the clients
/// using most memory closed first while that sum is over the limit. The loop counts a connection
/// after a send or when its input or replies must wait, so a client answered at once (holding
/// nothing then) never touches the shared counter, and the walk over every connection happens
/// only when the limit is passed (Redis walks its memory buckets then).
/// </summary>
public sealed class ClientMemory
{
    /// <summary>Redis's floor for the limit, so a small setting cannot cut every client off.</summary>
    public const long MinimumLimit = 128 * 1024;

    private readonly ServerHost _host;
    private readonly object _evictionLock = new();
    private long _total;
    private long _evicting;
    private long _limit;
    private long _evicted;

    /// <summary>
    /// The total when a walk last found nobody to evict (all over the limit is NO-EVICT clients'),
    /// -1 after one that did: the next walk waits until the total grew past it by
    /// <see cref="FruitlessMargin"/>, so such a state does not walk every client at each growth.
    /// </summary>
    private long _fruitlessAt = -1;

    private const long FruitlessMargin = 64 * 1024;

    internal ClientMemory(ServerHost host) => _host = host;

    /// <summary>Bytes counted for every open connection (INFO's mem_clients_normal).</summary>
    public long Total => Volatile.Read(ref _total);

    /// <summary>Clients closed because of maxmemory-clients (INFO's evicted_clients).</summary>
    public long EvictedClients => Interlocked.Read(ref _evicted);

    /// <summary>Told of each client about to be evicted (the application logs it).</summary>
    public Action<Connection>? Evicting { get; set; }

    /// <summary>The client memory limit in bytes, 0 for none; setting a lower one evicts at once (CONFIG SET maxmemory-clients).</summary>
    public long Limit
    {
        get => Volatile.Read(ref _limit);
        set
        {
            Volatile.Write(ref _limit, value <= 0 ? 0 : Math.Max(value, MinimumLimit));
            Volatile.Write(ref _fruitlessAt, -1);
            EvictIfOver();
        }
    }

    /// <summary>On the connection's loop thread, after its buffers or state may have changed: counts the change, and evicts when it grew past the limit.</summary>
    internal void Update(Connection c)
    {
        long now = c.MemoryUsage;
        long delta = now - c.CountedMemory;
        bool recheck = c.EvictionRecheck;
        if (delta == 0 && !recheck)
            return;
        c.CountedMemory = now;
        c.EvictionRecheck = false;
        if (delta != 0)
            Interlocked.Add(ref _total, delta);
        if (recheck)
            Volatile.Write(ref _fruitlessAt, -1);   // a client became evictable
        if ((delta > 0 || recheck) && !c.IsKilled)
            EvictIfOver();
    }

    /// <summary>On the loop thread, as the connection leaves it: its memory is no longer counted.</summary>
    internal void Forget(Connection c)
    {
        Interlocked.Add(ref _total, -c.CountedMemory);
        c.CountedMemory = 0;
        long charge = Interlocked.Exchange(ref c.EvictionCharge, -1);
        if (charge > 0)
            Interlocked.Add(ref _evicting, -charge);
    }

    /// <summary>
    /// While the counted memory, less that of clients already evicted but not yet closed by their
    /// loops, is over the limit: closes evictable clients (normal and pub/sub ones without
    /// CLIENT NO-EVICT), the largest first, until it is not. From any thread.
    /// </summary>
    public void EvictIfOver()
    {
        long limit = Limit;
        if (limit == 0 || Total - Volatile.Read(ref _evicting) <= limit)
            return;
        long fruitlessAt = Volatile.Read(ref _fruitlessAt);
        if (fruitlessAt >= 0 && Total < fruitlessAt + FruitlessMargin)
            return;
        lock (_evictionLock)
        {
            long over = Total - Volatile.Read(ref _evicting) - limit;
            if (over <= 0)
                return;
            bool evicted = false;
            var candidates = _host.Connections
                .Where(c => !c.NoEvict && c.OutputClass != OutputClass.Replica && !c.IsClosed && !c.HandOffPending)
                .Select(c => (Connection: c, Memory: c.CountedMemory))
                .OrderByDescending(c => c.Memory);
            foreach (var (c, memory) in candidates)
            {
                if (over <= 0)
                    break;
                if (memory <= 0 || Interlocked.CompareExchange(ref c.EvictionCharge, memory, 0) != 0)
                    continue;   // closing already
                Interlocked.Add(ref _evicting, memory);
                Interlocked.Increment(ref _evicted);
                over -= memory;
                evicted = true;
                Evicting?.Invoke(c);
                c.Kill();
            }
            Volatile.Write(ref _fruitlessAt, evicted ? -1 : Total);
        }
    }
}
