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

    public void Watch(ReadOnlySpan<byte> key, WatchState state)
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

    public void AllChanged()
    {
        if (_watchedKeys == 0)
            return;
        lock (_byKey)
            foreach (var list in _byKey.Values)
                foreach (var state in list)
                    state.Dirty = true;
    }
}

/// <summary>One client's watched keys and whether any of them changed since WATCH.</summary>
public sealed class WatchState
{
    public List<byte[]> Keys { get; } = [];

    public volatile bool Dirty;
}
