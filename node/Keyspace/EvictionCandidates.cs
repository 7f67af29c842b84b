namespace Istore.Node.Keyspace;

/// <summary>
/// The database's eviction pool and sampling window (see <see cref="KeyspaceSession.FreeMemory"/>),
/// one for every session that evicts — each event loop before its commands, and housekeeping — as
/// Redis has one EvictionPoolLRU. A pool and window per session went stale under each other: keys
/// one had drawn or pooled were evicted by another, their ghosts still ranked as the idlest, and
/// the pool fell back on recently used keys behind them. Used only under the keyspace's write lock.
/// </summary>
internal sealed class EvictionCandidates
{
    /// <summary>Redis's EVPOOL_SIZE.</summary>
    private const int PoolSize = 16;

    /// <summary>Sorted by score, best last, at most <see cref="PoolSize"/> long, each key once.</summary>
    private readonly List<(byte[] Key, long Score)> _pool = [];

    /// <summary>Keys read in turn from <see cref="Cursor"/>, each drawn once.</summary>
    public List<(byte[] Key, long ExpireAt)> Window { get; } = [];

    /// <summary>Where the window's next refill reads: -1 before the first (then a random point).</summary>
    public long Cursor = -1;

    private EvictionPolicy _policy;

    public bool PoolEmpty => _pool.Count == 0;

    /// <summary>Candidates ranked for another policy do not count under this one.</summary>
    public void Use(EvictionPolicy policy)
    {
        if (policy == _policy)
            return;
        Window.Clear();
        _pool.Clear();
        _policy = policy;
    }

    /// <summary>Pools the key if it ranks among the best <see cref="PoolSize"/> (bigger scores go first).</summary>
    public void Offer(byte[] key, long score)
    {
        foreach (var (pooled, _) in _pool)
            if (pooled.AsSpan().SequenceEqual(key))
                return;
        if (_pool.Count == PoolSize && score <= _pool[0].Score)
            return;
        int at = 0;
        while (at < _pool.Count && _pool[at].Score <= score)
            at++;
        _pool.Insert(at, (key, score));
        if (_pool.Count > PoolSize)
            _pool.RemoveAt(0);
    }

    /// <summary>Removes and returns the best candidate.</summary>
    public byte[] TakeBest()
    {
        var best = _pool[^1].Key;
        _pool.RemoveAt(_pool.Count - 1);
        return best;
    }
}
