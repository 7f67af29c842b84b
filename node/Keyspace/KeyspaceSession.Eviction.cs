using System.Diagnostics;
using Istore.Node.Engine;

namespace Istore.Node.Keyspace;

/// <summary>
/// maxmemory-policy: Redis's approximated eviction. Each round samples maxmemory-samples keys (see
/// <see cref="Sample"/>), keeps the best candidates in the database's one pool (Redis's eviction
/// pool, <see cref="EvictionCandidates"/>: the idlest for LRU, the least used for LFU, the nearest
/// expiry for volatile-ttl) and evicts the best; the random policies evict a sampled key. An evicted key is deleted, logged
/// as DEL (replicas and the log see it), announced as "evicted" (class e), and invalidated for
/// tracking clients.
/// </summary>
public sealed partial class KeyspaceSession
{
    /// <summary>Keys read into the sampling window at a time.</summary>
    private const int WindowSize = 512;

    /// <summary>Candidates one eviction may look at before it gives up (all of them gone or not qualifying).</summary>
    private const int CandidatesPerEviction = 16 * WindowSize;

    private readonly List<(byte[] Key, long ExpireAt)> _sampled = [];

    /// <summary>
    /// Evicts keys until the data is under maxmemory again, for at most <paramref name="budgetMs"/>
    /// (what is left the next write or housekeeping continues). False when it is over and nothing
    /// may go (noeviction, or no key qualifies under the policy): a write then gets -OOM, as in Redis.
    /// </summary>
    public bool FreeMemory(long budgetMs)
    {
        if (!_db.OverMemoryLimit)
            return true;
        if (_db.Policy == EvictionPolicy.NoEviction)
            return false;
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
        if (policy.VolatileOnly() && _db.Engine.VolatileKeyCount == 0)
            return false;
        var candidates = _db.Eviction;
        candidates.Use(policy);
        for (int considered = 0; considered < CandidatesPerEviction;)
        {
            Sample(policy);
            if (_sampled.Count == 0 && candidates.PoolEmpty)
                return false;
            considered += _sampled.Count + 1;
            if (policy is EvictionPolicy.AllKeysRandom or EvictionPolicy.VolatileRandom)
            {
                foreach (var (key, _) in _sampled)
                    if (Evict(key))
                        return true;
                continue;
            }
            foreach (var (key, expireAt) in _sampled)
                candidates.Offer(key, Score(policy, key, expireAt));
            // The best candidate first; one gone meanwhile (deleted, or persisted under volatile-*) is skipped.
            while (!candidates.PoolEmpty)
                if (Evict(candidates.TakeBest()))
                    return true;
        }
        return false;
    }

    /// <summary>
    /// maxmemory-samples keys drawn at random from the window: live keys the policy may evict,
    /// read in turn from a rolling cursor over the keyspace. The memory engine's strings live in a
    /// log without random access by record, so the window stands in for Redis's random
    /// dictGetSomeKeys; each key in it is drawn once, and the cursor walks on to refill it.
    /// </summary>
    private void Sample(EvictionPolicy policy)
    {
        _sampled.Clear();
        var window = _db.Eviction.Window;
        int wanted = _db.EvictionSamples;
        if (window.Count < wanted)
            RefillWindow(policy.VolatileOnly());
        for (int i = 0; i < wanted && window.Count > 0; i++)
        {
            int at = Random.Shared.Next(window.Count);
            _sampled.Add(window[at]);
            window[at] = window[^1];
            window.RemoveAt(window.Count - 1);
        }
    }

    private void RefillWindow(bool volatileOnly)
    {
        var candidates = _db.Eviction;
        var window = candidates.Window;
        if (candidates.Cursor < 0)
            candidates.Cursor = _engine.RandomCursor();
        long now = Database.NowMs;
        bool wrapped = false;
        // Keys with an expiry may be rare: look further for them, but never more than a bounded walk.
        for (int looked = 0; window.Count < WindowSize && looked < WindowSize * 16; looked += WindowSize)
        {
            candidates.Cursor = _engine.Scan(candidates.Cursor, WindowSize, (key, _, expireAt) =>
            {
                if ((volatileOnly && expireAt == 0) || (expireAt != 0 && expireAt <= now))
                    return;
                window.Add((key.ToArray(), expireAt));
            });
            if (candidates.Cursor == 0)
            {
                if (wrapped)
                    break;
                wrapped = true;
            }
        }
    }

    /// <summary>Bigger goes first: seconds idle (LRU), 255 minus the decayed counter (LFU), nearness of the expiry (TTL).</summary>
    private long Score(EvictionPolicy policy, byte[] key, long expireAt) => policy switch
    {
        EvictionPolicy.VolatileTtl => long.MaxValue - expireAt,
        EvictionPolicy.AllKeysLfu or EvictionPolicy.VolatileLfu => _db.Access.LfuScore(key),
        _ => _db.Access.LruScore(key),
    };

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
