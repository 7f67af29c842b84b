using System.Diagnostics;
using Istore.Node.Engine;

namespace Istore.Node.Keyspace;

/// <summary>
/// maxmemory-policy: Redis's approximated eviction. Each round samples maxmemory-samples keys (see
/// <see cref="Sample"/>), keeps the best candidates in a small pool (Redis's eviction
/// pool: the idlest for LRU, the least used for LFU, the nearest expiry for volatile-ttl) and
/// evicts the best; the random policies evict a sampled key. An evicted key is deleted, logged
/// as DEL (replicas and the log see it), announced as "evicted" (class e), and invalidated for
/// tracking clients.
/// </summary>
public sealed partial class KeyspaceSession
{
    /// <summary>Redis's EVPOOL_SIZE.</summary>
    private const int PoolSize = 16;

    /// <summary>Keys read into the sampling window at a time.</summary>
    private const int WindowSize = 512;

    /// <summary>Candidates one eviction may look at before it gives up (all of them gone or not qualifying).</summary>
    private const int CandidatesPerEviction = 16 * WindowSize;

    private readonly List<(byte[] Key, long Score)> _evictionPool = [];
    private readonly List<(byte[] Key, long ExpireAt)> _sampled = [];
    private readonly List<(byte[] Key, long ExpireAt)> _window = [];
    private long _windowCursor = -1;
    private EvictionPolicy _windowPolicy;

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
        if (policy != _windowPolicy)
        {
            _window.Clear();
            _evictionPool.Clear();
            _windowPolicy = policy;
        }
        for (int considered = 0; considered < CandidatesPerEviction;)
        {
            Sample(policy);
            if (_sampled.Count == 0 && _evictionPool.Count == 0)
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

    /// <summary>
    /// maxmemory-samples keys drawn at random from the window: live keys the policy may evict,
    /// read in turn from a rolling cursor over the keyspace. The memory engine's strings live in a
    /// log without random access by record, so the window stands in for Redis's random
    /// dictGetSomeKeys; each key in it is drawn once, and the cursor walks on to refill it.
    /// </summary>
    private void Sample(EvictionPolicy policy)
    {
        _sampled.Clear();
        int wanted = _db.EvictionSamples;
        if (_window.Count < wanted)
            RefillWindow(policy.VolatileOnly());
        for (int i = 0; i < wanted && _window.Count > 0; i++)
        {
            int at = Random.Shared.Next(_window.Count);
            _sampled.Add(_window[at]);
            _window[at] = _window[^1];
            _window.RemoveAt(_window.Count - 1);
        }
    }

    private void RefillWindow(bool volatileOnly)
    {
        if (_windowCursor < 0)
            _windowCursor = _engine.RandomCursor();
        long now = Database.NowMs;
        bool wrapped = false;
        // Keys with an expiry may be rare: look further for them, but never more than a bounded walk.
        for (int looked = 0; _window.Count < WindowSize && looked < WindowSize * 16; looked += WindowSize)
        {
            _windowCursor = _engine.Scan(_windowCursor, WindowSize, (key, _, expireAt) =>
            {
                if ((volatileOnly && expireAt == 0) || (expireAt != 0 && expireAt <= now))
                    return;
                _window.Add((key.ToArray(), expireAt));
            });
            if (_windowCursor == 0)
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
