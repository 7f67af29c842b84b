using Istore.Net.Resp;
using Istore.Net.Server;
using Istore.Node.Commands;
using Istore.Node.Keyspace;

namespace Istore.Node.Tracking;

/// <summary>
/// Client-side caching (Redis's tracking.c): which clients read which keys, and which BCAST
/// clients watch which prefixes. A write (or expiry, eviction from this table, FLUSHALL) sends
/// the interested clients an invalidation on their own loop (<see cref="Connection.Deliver"/>):
/// the writer's thread never waits for them. Every write asks <see cref="KeyChanged"/>, which costs
/// one volatile read while no client tracks.
/// </summary>
public sealed class ClientTracking
{
    private static readonly byte[] InvalidateChannel = "__redis__:invalidate"u8.ToArray();

    private readonly Lock _lock = new();
    private readonly Dictionary<byte[], HashSet<TrackingState>> _readers = new(ByteArrayComparer.Instance);
    private readonly List<TrackingState> _broadcast = [];
    private readonly List<TrackingState> _clients = [];
    private volatile int _clientCount;

    /// <summary>tracking-table-max-keys: above it, keys are dropped from the table with an invalidation (0 = no limit).</summary>
    public long MaxKeys
    {
        get => Volatile.Read(ref _maxKeys);
        set
        {
            Volatile.Write(ref _maxKeys, value);
            lock (_lock)
                EvictOverLimit();   // a lowered limit applies now (Redis's cron trims the table), not at the next read
        }
    }

    private long _maxKeys = 1_000_000;

    /// <summary>Finds a connection by client id (set by the node).</summary>
    internal Func<long, Connection?> FindConnection { get; set; } = _ => null;

    public int ClientCount => _clientCount;

    public int KeyCount
    {
        get { lock (_lock) return _readers.Count; }
    }

    /// <summary>(key, client) pairs in the table (INFO's tracking_total_items).</summary>
    public int ItemCount
    {
        get { lock (_lock) return _readers.Values.Sum(readers => readers.Count); }
    }

    public int PrefixCount
    {
        get { lock (_lock) return _broadcast.SelectMany(c => c.Prefixes).Distinct(ByteArrayComparer.Instance).Count(); }
    }

    public void Enable(TrackingState state)
    {
        lock (_lock)
        {
            _clients.Add(state);
            if (state.Broadcast)
                _broadcast.Add(state);
            _clientCount = _clients.Count;
        }
    }

    public void Disable(TrackingState state)
    {
        state.On = false;
        lock (_lock)
        {
            _clients.Remove(state);
            _broadcast.Remove(state);
            _clientCount = _clients.Count;
        }
    }

    /// <summary>After a read-only command: the client may cache these keys now.</summary>
    public void Remember(TrackingState state, CommandArgs args, List<int> keyIndexes)
    {
        lock (_lock)
        {
            foreach (int index in keyIndexes)
            {
                var lookup = _readers.GetAlternateLookup<ReadOnlySpan<byte>>();
                if (!lookup.TryGetValue(args[index], out var readers))
                    lookup[args[index]] = readers = [];
                readers.Add(state);
            }
            EvictOverLimit();
        }
    }

    /// <summary>Redis's trackingLimitUsedSlots: forget keys over the limit, telling their readers.</summary>
    private void EvictOverLimit()
    {
        while (MaxKeys > 0 && _readers.Count > MaxKeys)
        {
            var (key, readers) = _readers.First();
            _readers.Remove(key);
            foreach (var reader in readers)
                if (reader.On && !reader.Broadcast)
                    Send(reader, [key]);
        }
    }

    /// <summary>
    /// A key changed (caller holds the write lock); <paramref name="writer"/> is the connection whose
    /// command changed it, if any. Readers of the key hear now; BCAST clients hear of every key
    /// the command changed in one message once it ends (<see cref="FlushBroadcast"/>).
    /// </summary>
    public void KeyChanged(ReadOnlySpan<byte> key, Connection? writer)
    {
        if (_clientCount == 0)
            return;
        lock (_lock)
        {
            if (_broadcast.Count > 0)
                _pendingBroadcast.Add((key.ToArray(), writer));
            var lookup = _readers.GetAlternateLookup<ReadOnlySpan<byte>>();
            if (!lookup.Remove(key, out var stored, out var readers))
                return;
            foreach (var reader in readers)
            {
                if (!reader.On || reader.Broadcast || (reader.NoLoop && reader.Connection == writer))
                    continue;
                if (_served is not null && reader.Connection == _served && reader.RedirectId == 0)
                    _heldForServed.Add([stored]);
                else
                    Send(reader, [stored]);
            }
        }
    }

    /// <summary>The blocked client being served, whose own invalidations wait for its reply; null otherwise.</summary>
    private Connection? _served;
    private TrackingState? _servedState;
    private readonly List<byte[][]> _heldForServed = [];

    /// <summary>
    /// A blocked client is about to be served (BLMOVE pushing to a key it tracks): as Redis, its
    /// reply goes out before the invalidations its own command causes, so hold those until
    /// <see cref="ReleaseServed"/>, called once its reply is on its way.
    /// </summary>
    public void HoldForServed(Connection connection, TrackingState? state)
    {
        if (state is null)
            return;
        lock (_lock)
            (_served, _servedState) = (connection, state);
    }

    public void ReleaseServed()
    {
        if (_servedState is null)
            return;
        lock (_lock)
        {
            foreach (var keys in _heldForServed)
                Send(_servedState, keys);
            _heldForServed.Clear();
            (_served, _servedState) = (null, null);
        }
    }

    /// <summary>Keys changed since the last flush, for BCAST clients, with the connection that changed each.</summary>
    private readonly List<(byte[] Key, Connection? Writer)> _pendingBroadcast = [];

    /// <summary>
    /// Redis's trackingBroadcastInvalidationMessages, run when a write command ends: each BCAST
    /// client gets, per prefix, one message with the changed keys under it (sorted, as Redis's
    /// radix tree gives them; with NOLOOP, not the ones it changed itself).
    /// </summary>
    public void FlushBroadcast()
    {
        if (_clientCount == 0)
            return;
        lock (_lock)
        {
            if (_pendingBroadcast.Count == 0)
                return;
            foreach (var client in _broadcast)
            {
                if (!client.On)
                    continue;
                foreach (var prefix in client.Prefixes)
                {
                    var keys = _pendingBroadcast
                        .Where(p => p.Key.AsSpan().StartsWith(prefix) && !(client.NoLoop && p.Writer == client.Connection))
                        .Select(p => p.Key).Distinct(ByteArrayComparer.Instance)
                        .Order(Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b))).ToArray();
                    if (keys.Length > 0)
                        Send(client, keys);
                }
            }
            _pendingBroadcast.Clear();
        }
    }

    /// <summary>FLUSHALL: every tracking client hears "all keys" (a null), and the table empties.</summary>
    public void AllChanged()
    {
        // The table goes even with no client tracking now: entries of clients that turned tracking off stay until then, as in Redis.
        if (_clientCount == 0 && KeyCount == 0)
            return;
        lock (_lock)
        {
            _readers.Clear();
            _pendingBroadcast.Clear();
            foreach (var client in _clients)
                Send(client, null);
        }
    }

    /// <summary>
    /// Redis's sendTrackingMessage: to the redirect target if there is one (as a push in RESP3, or a
    /// message on __redis__:invalidate to a subscribed RESP2 client), else a push to the client
    /// itself in RESP3; a RESP2 client without redirection gets nothing. Runs on the receiver's loop.
    /// </summary>
    private void Send(TrackingState client, byte[][]? keys)
    {
        var target = client.Connection;
        bool redirected = client.RedirectId != 0;
        var found = redirected ? FindConnection(client.RedirectId) : null;
        if (redirected && found is null)
        {
            client.BrokenRedirect = true;
            target.Deliver(c =>
            {
                if (!c.Output.IsResp3)
                    return;
                c.Output.WritePushHeader(2);
                c.Output.WriteBulkString("tracking-redir-broken"u8);
                c.Output.WriteInteger(client.RedirectId);
            });
            return;
        }
        target = found ?? target;
        target.Deliver(c => WriteInvalidation(c, redirected, keys));
    }

    private static void WriteInvalidation(Connection c, bool redirected, byte[][]? keys)
    {
        var output = c.Output;
        if (output.IsResp3)
        {
            output.WritePushHeader(2);
            output.WriteBulkString("invalidate"u8);
        }
        else if (redirected && c.State is ClientState { IsSubscribed: true })
        {
            output.WritePushHeader(3);
            output.WriteBulkString("message"u8);
            output.WriteBulkString(InvalidateChannel);
        }
        else
        {
            return;
        }
        if (keys is null)
        {
            output.WriteNull();
            return;
        }
        output.WriteArrayHeader(keys.Length);
        foreach (var key in keys)
            output.WriteBulkString(key);
    }
}
