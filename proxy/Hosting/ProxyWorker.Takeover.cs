using Istore.Net.Server;
using Istore.Proxy.Takeover;

namespace Istore.Proxy.Hosting;

/// <summary>
/// Takeover on one loop: every client stops being read, and once each reply it is owed has been
/// written its socket leaves (with its state) for the next process; a connection adopted from the
/// previous process gets its state back before its pending input runs.
/// </summary>
internal sealed partial class ProxyWorker
{
    private readonly HashSet<ClientSession> _sessions = [];
    private HandOverSink? _handOver;

    /// <summary>Starts moving this loop's clients to <paramref name="sink"/> (from any thread).</summary>
    internal void HandOver(HandOverSink sink) => _loop?.Post(() =>
    {
        _handOver = sink;
        foreach (var session in _sessions.ToArray())
        {
            if (session.Quitting)
                continue;   // it closes itself once its replies are written
            session.Moving = true;
            session.Connection.HoldInput();
            MoveIfClean(session);
        }
    });

    /// <summary>A failed takeover: clients waiting to move are read again here (from any thread).</summary>
    internal void CancelHandOver() => _loop?.Post(() =>
    {
        _handOver = null;
        foreach (var session in _sessions)
            if (session.Moving && session.Connection.HandOffPending is false)
            {
                session.Moving = false;
                if (session.Queue.Count < (session.Route(_server.Routes)?.MaxInFlight ?? int.MaxValue))
                    session.Connection.ReleaseInput();
            }
    });

    /// <summary>Past the drain timeout: closes the clients that could not move, saying why (from any thread).</summary>
    internal void CloseUnmoved() => _loop?.Post(() =>
    {
        foreach (var session in _sessions.ToArray())
        {
            var connection = session.Connection;
            string reason = session.Queue.Count > 0 ? $"{session.Queue.Count} repl(ies) still owed by the backends"
                : connection.PendingOutputBytes > 0 ? $"the client has not read {connection.PendingOutputBytes} bytes of replies"
                : session.Quitting ? "it was quitting" : "it did not reach a request boundary";
            Log.TakeoverClosedClient(_server.Logger, connection.Id, connection.RemoteAddress, reason);
            connection.Kill();
        }
    });

    /// <summary>Moves <paramref name="session"/> once it owes no reply; its socket leaves after the written replies are sent.</summary>
    private void MoveIfClean(ClientSession session)
    {
        if (!session.Moving || session.Queue.Count > 0 || session.Closed || session.Connection.HandOffPending || _handOver is not { } sink)
            return;
        // Subscriber links cannot move: the client is told its shard channels ended, and subscribes again.
        session.ShardChannels?.EndAll();
        var connection = session.Connection;
        string? tenant = session.Tenant?.Name;
        int protocol = session.Protocol;
        string? name = session.Name;
        connection.Detach((fd, unread) =>
            sink.Add(new MovedClient(fd, new ClientRecord(connection.Id, tenant, protocol, name, 0, connection.RemoteAddress, unread))));
    }

    /// <summary>On the adopting loop, before the client's pending input runs: the session as it was in the previous process.</summary>
    internal void Restore(Connection connection, ClientRecord record)
    {
        var session = (ClientSession)connection.State!;
        session.Protocol = connection.Output.Protocol = record.Protocol;
        session.Name = record.Name;
        if (record.Tenant is { } tenant)
        {
            var state = _server.TenantState(tenant);
            state.AdoptClient();
            session.Bind(state, Stats.For(tenant));
        }
    }
}
