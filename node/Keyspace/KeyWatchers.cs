using Istore.Net.Resp;
namespace Istore.Node.Keyspace;

/// <summary>
/// WATCH bookkeeping: which transactions watch which keys. A write to a watched key (or its
/// expiry, or FLUSHALL) marks those transactions dirty, so their EXEC aborts. Costs one volatile
/// read per write while nobody watches.
/// </summary>
public sealed class KeyWatchers
{
    private readonly Dictionary<byte[], List<WatchState>> _byKey = new(ByteArrayComparer.Instance);
    private volatile int _watchedKeys;

    /// <param name="expireAt">The key's expiry when WATCH saw it live (0 = none or missing): reaching it before EXEC counts as a change.</param>
    public void Watch(ReadOnlySpan<byte> key, WatchState state, long expireAt = 0)
    {
        lock (_byKey)
        {
            var lookup = _byKey.GetAlternateLookup<ReadOnlySpan<byte>>();
            if (!lookup.TryGetValue(key, out var list))
            {
                list = [];
                lookup[key] = list;
                _watchedKeys = _byKey.Count;
            }
            if (!list.Contains(state))
            {
                list.Add(state);
                state.Keys.Add(key.ToArray());
                if (expireAt != 0)
                    state.Expiries.Add(expireAt);
            }
        }
    }

    /// <summary>Forgets every key <paramref name="state"/> watches (EXEC, DISCARD, UNWATCH, disconnect).</summary>
    public void UnwatchAll(WatchState state)
    {
        if (state.Keys.Count == 0)
            return;
        lock (_byKey)
        {
            foreach (var key in state.Keys)
            {
                if (_byKey.TryGetValue(key, out var list) && list.Remove(state) && list.Count == 0)
                    _byKey.Remove(key);
            }
            _watchedKeys = _byKey.Count;
        }
        state.Keys.Clear();
        state.Expiries.Clear();
        state.Dirty = false;
    }

    public void KeyChanged(ReadOnlySpan<byte> key)
    {
        if (_watchedKeys == 0)
            return;
        lock (_byKey)
        {
            if (_byKey.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(key, out var list))
                foreach (var state in list)
                    state.Dirty = true;
        }
    }

    /// <summary>FLUSHALL: as Redis, only watched keys that <paramref name="exists"/> says are present change.</summary>
    public void AllChanged(Func<byte[], bool> exists)
    {
        if (_watchedKeys == 0)
            return;
        lock (_byKey)
            foreach (var (key, list) in _byKey)
                if (exists(key))
                    foreach (var state in list)
                        state.Dirty = true;
    }
}

/// <summary>One client's watched keys and whether any of them changed since WATCH.</summary>
public sealed class WatchState
{
    public List<byte[]> Keys { get; } = [];

    /// <summary>Expiry times of watched keys that were live with a TTL at WATCH time.</summary>
    public List<long> Expiries { get; } = [];

    public volatile bool Dirty;

    /// <summary>
    /// EXEC's check: a watched key changed, or (as Redis's isWatchedKeyExpired) one that was live
    /// at WATCH time has reached its expiry, even if nothing has removed it yet.
    /// </summary>
    public bool ChangedBy(long nowMs) => Dirty || Expiries.Exists(expireAt => expireAt <= nowMs);
}
