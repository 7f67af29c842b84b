using System.Diagnostics;
using Istore.Node.Engine;

namespace Istore.Node.Keyspace;

/// <summary>
/// maxmemory-policy: Redis's approximated eviction. Each round samples maxmemory-samples keys from
/// a random place of the keyspace, keeps the best candidates in a small pool (Redis's eviction
/// pool: the idlest for LRU, the least used for LFU, the nearest expiry for volatile-ttl) and
/// evicts the best; the random policies evict a sampled key. An evicted key is deleted, logged
/// as DEL (replicas and the log see it), announced as "evicted" (class e), and invalidated for
/// tracking clients.
/// </summary>
public sealed partial class KeyspaceSession
{
    /// <summary>Redis's EVPOOL_SIZE.</summary>
    private const int PoolSize = 16;

    /// <summary>Sampling rounds that may find nothing eligible before eviction gives up (volatile-* over keys without an expiry).</summary>
    private const int EmptyRoundsAllowed = 16;

    private readonly List<(byte[] Key, long Score)> _evictionPool = [];
    private readonly List<(byte[] Key, long ExpireAt)> _sampled = [];

    /// <summary>
    /// Evicts keys until the data is under maxmemory again, for at most <paramref name="budgetMs"/>
    /// (what is left the next write or housekeeping continues). False when it is over and nothing
    /// may go (no key qualifies under the policy): a write then gets -OOM, as in Redis.
    /// </summary>
    public bool FreeMemory(long budgetMs)
    {
        if (!_db.OverMemoryLimit)
            return true;
        bool noTouch = NoTouch;
        NoTouch = true;   // sampling looks at keys without using them
        try
        {
            using var scope = Lock();
            long deadline = Stopwatch.GetTimestamp() + budgetMs * Stopwatch.Frequency / 1000;
            while (_db.OverMemoryLimit)
            {
                if (!EvictOne())
                    return false;
                if (Stopwatch.GetTimestamp() > deadline)
                    break;
            }
            return true;
        }
        finally
        {
            NoTouch = noTouch;
        }
    }

    private bool EvictOne()
    {
        var policy = _db.Policy;
        for (int round = 0; round < EmptyRoundsAllowed; round++)
        {
            Sample(policy);
            if (policy is EvictionPolicy.AllKeysRandom or EvictionPolicy.VolatileRandom)
            {
                if (_sampled.Count > 0 && Evict(_sampled[Random.Shared.Next(_sampled.Count)].Key))
                    return true;
                continue;
            }
            foreach (var (key, expireAt) in _sampled)
                Offer(key, Score(policy, key, expireAt));
            // The best candidate first; one gone meanwhile (deleted, or persisted under volatile-*) is skipped.
            while (_evictionPool.Count > 0)
            {
                var best = _evictionPool[^1].Key;
                _evictionPool.RemoveAt(_evictionPool.Count - 1);
                if (Evict(best))
                    return true;
            }
        }
        return false;
    }

    /// <summary>Keys the policy may evict, from a random place of the keyspace.</summary>
    private void Sample(EvictionPolicy policy)
    {
        _sampled.Clear();
        int wanted = _db.EvictionSamples;
        bool volatileOnly = policy.VolatileOnly();
        long now = Database.NowMs;
        long cursor = _engine.RandomCursor();
        // Keys with an expiry may be rare: look further for them, as a bounded walk.
        for (int looked = 0; _sampled.Count < wanted && looked < (volatileOnly ? 16 : 2); looked++)
        {
            cursor = _engine.Scan(cursor, wanted, (key, _, expireAt) =>
            {
                if ((volatileOnly && expireAt == 0) || (expireAt != 0 && expireAt <= now) || _sampled.Count >= wanted)
                    return;
                _sampled.Add((key.ToArray(), expireAt));
            });
        }
    }

    /// <summary>Bigger goes first: seconds idle (LRU), 255 minus the decayed counter (LFU), nearness of the expiry (TTL).</summary>
    private long Score(EvictionPolicy policy, byte[] key, long expireAt) => policy switch
    {
        EvictionPolicy.VolatileTtl => long.MaxValue - expireAt,
        EvictionPolicy.AllKeysLfu or EvictionPolicy.VolatileLfu => _db.Access is { } access ? 255 - access.Frequency(key) : 0,
        _ => _db.Access?.IdleSeconds(key) ?? 0,
    };

    /// <summary>Keeps the pool sorted by score, best last, at most <see cref="PoolSize"/> long, each key once.</summary>
    private void Offer(byte[] key, long score)
    {
        foreach (var (pooled, _) in _evictionPool)
            if (pooled.AsSpan().SequenceEqual(key))
                return;
        if (_evictionPool.Count == PoolSize && score <= _evictionPool[0].Score)
            return;
        int at = 0;
        while (at < _evictionPool.Count && _evictionPool[at].Score <= score)
            at++;
        _evictionPool.Insert(at, (key, score));
        if (_evictionPool.Count > PoolSize)
            _evictionPool.RemoveAt(0);
    }

    /// <summary>Removes one key for memory, if it is still there and still qualifies (the caller holds the write lock).</summary>
    private bool Evict(byte[] key)
    {
        if (_engine.Peek(key, out long expireAt) == KeyType.None || (_db.Policy.VolatileOnly() && expireAt == 0) || !_engine.Delete(key))
            return false;
        Interlocked.Increment(ref _db.EvictedKeys);
        Notify(PubSub.NotifyClass.Evicted, "evicted"u8, key);
        _db.Watchers.KeyChanged(key);
        _db.Tracking.KeyChanged(key, writer: null);   // nobody's own write: NOLOOP clients hear it too
        LogKeyCommand("DEL"u8, key);
        return true;
    }
}
