using System.Diagnostics;
using Istore.Net.Resp;
using Istore.Net.Server;

namespace Istore.Node.Keyspace;

/// <summary>
/// Clients blocked on keys (BLPOP, BLMOVE, BLMPOP…). Per key they wait in arrival order, and a
/// write that makes the key ready serves them first blocked, first served, on the writer's thread
/// right after its command (or its whole EXEC), under the write lock, before any other client
/// can take the element — as Redis does. The registry's own lock is taken inside the write lock
/// (or alone, by timeouts and disconnects), so serving and timing out never both happen.
/// </summary>
public sealed class BlockedClients
{
    private readonly object _lock = new();
    private readonly Dictionary<byte[], List<BlockedClient>> _byKey = new(ByteArrayComparer.Instance);
    private readonly Dictionary<Connection, BlockedClient> _byConnection = [];
    private volatile int _blocked;

    /// <summary>Clients blocked now (INFO's blocked_clients).</summary>
    public int Count => _blocked;

    /// <summary>True when a client waits on <paramref name="key"/>; one volatile read while nobody is blocked.</summary>
    public bool IsWaitedOn(ReadOnlySpan<byte> key)
    {
        if (_blocked == 0)
            return false;
        lock (_lock)
            return _byKey.GetAlternateLookup<ReadOnlySpan<byte>>().ContainsKey(key);
    }

    /// <summary>The keys someone waits on now (FLUSHALL tells their waiters).</summary>
    public List<byte[]> WaitedKeys()
    {
        if (_blocked == 0)
            return [];
        lock (_lock)
            return [.. _byKey.Keys];
    }

    /// <summary>Registers a client that found nothing (the caller holds the write lock and suspends the connection).</summary>
    public void Add(BlockedClient client)
    {
        lock (_lock)
        {
            foreach (var key in client.Keys)
            {
                if (!_byKey.TryGetValue(key, out var waiting))
                    _byKey[key] = waiting = [];
                if (!waiting.Contains(client))
                    waiting.Add(client);
            }
            _byConnection[client.Connection] = client;
            _blocked = _byConnection.Count;
            if (client.DeadlineMs != 0)
                client.Timer = new Timer(static state =>
                {
                    var (registry, blocked) = ((BlockedClients, BlockedClient))state!;
                    registry.TimedOut(blocked);
                }, (this, client), DueIn(client), Timeout.Infinite);
        }
    }

    /// <summary>
    /// Serves the clients waiting on <paramref name="readyKeys"/> (the caller holds the write lock
    /// of <paramref name="session"/>). Serving can make more keys ready (BLMOVE pushes); they are
    /// appended to the list and served in turn.
    /// </summary>
    internal void Serve(KeyspaceSession session, List<byte[]> readyKeys)
    {
        lock (_lock)
        {
            for (int k = 0; k < readyKeys.Count; k++)
            {
                var key = readyKeys[k];
                int next = 0;
                while (_byKey.TryGetValue(key, out var waiting) && next < waiting.Count)
                {
                    var client = waiting[next];
                    if (client.Connection.IsClosed)
                    {
                        Remove(client);
                        continue;
                    }
                    long serveStarted = Stopwatch.GetTimestamp();
                    var tracking = session.Database.Tracking;
                    tracking.HoldForServed(client.Connection, (client.Connection.State as Commands.ClientState)?.Tracking);
                    try
                    {
                        var reply = client.Serve(session, key);
                        if (reply is null)
                        {
                            next++;   // nothing there for this one (another type, say): it keeps its place
                            continue;
                        }
                        Remove(client);
                        // Its reply leaves on its own loop, which may flush the log before this command ends.
                        session.ApplyEngineWrites();
                        Unblock(client, reply, Stopwatch.GetTimestamp() - serveStarted);
                    }
                    finally
                    {
                        tracking.ReleaseServed();
                    }
                }
            }
        }
    }

    /// <summary>Forgets a client whose connection closed while blocked.</summary>
    public void Cancel(Connection connection)
    {
        lock (_lock)
            if (_byConnection.TryGetValue(connection, out var client))
                Remove(client);
    }

    /// <summary>
    /// CLIENT UNBLOCK: ends the wait of the client on <paramref name="connection"/> now, with its
    /// timeout reply or with Redis's UNBLOCKED error; false when it is not blocked here.
    /// </summary>
    public bool Unblock(Connection connection, bool withError)
    {
        BlockedClient? client;
        lock (_lock)
        {
            if (!_byConnection.TryGetValue(connection, out client))
                return false;
            Remove(client);
        }
        Unblock(client, withError ? static o => o.WriteError("UNBLOCKED client unblocked via CLIENT UNBLOCK") : client.TimedOutReply, 0);
        return true;
    }

    /// <summary>Milliseconds to the deadline; a Timer's due time tops out near 49 days, so a longer wait re-arms then.</summary>
    private static long DueIn(BlockedClient client) => Math.Clamp(client.DeadlineMs - Database.NowMs, 0, uint.MaxValue - 1);

    private void TimedOut(BlockedClient client)
    {
        lock (_lock)
        {
            if (!_byConnection.TryGetValue(client.Connection, out var current) || current != client)
                return;
            if (Database.NowMs < client.DeadlineMs)
            {
                client.Timer!.Change(DueIn(client), Timeout.Infinite);
                return;
            }
            Remove(client);
        }
        Unblock(client, client.TimedOutReply, 0);
    }

    private void Remove(BlockedClient client)
    {
        foreach (var key in client.Keys)
        {
            if (_byKey.TryGetValue(key, out var waiting) && waiting.Remove(client) && waiting.Count == 0)
                _byKey.Remove(key);
        }
        _byConnection.Remove(client.Connection);
        _blocked = _byConnection.Count;
        client.Timer?.Dispose();
    }

    /// <summary>
    /// Sends the reply on the client's own loop, then lets it run the commands that waited behind
    /// it; the command goes to the slow log now, timed without its wait (<paramref name="serveTicks"/>: serving it).
    /// </summary>
    private static void Unblock(BlockedClient client, Action<RespWriter> reply, long serveTicks)
    {
        client.SlowLog?.Answered(serveTicks);
        var stats = client.Stats;
        client.Connection.Resume(connection =>
        {
            int start = connection.Output.Length;
            reply(connection.Output);
            stats?.Answered(serveTicks, connection.Output.WrittenSpan[start..]);
        });
    }
}
