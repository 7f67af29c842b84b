using System.Buffers.Text;
using Istore.Net.Commands;
using Istore.Net.Resp;
using Istore.Proxy.Pipeline;
using Istore.Proxy.Routing;
using Istore.Proxy.Stats;

namespace Istore.Proxy.Hosting;

/// <summary>
/// Routing while a tenant scales (Codis's approach): a command whose keys are moving is held while
/// each key's old shard MIGRATEs it to its new one (a no-op for keys already moved or never
/// written), then routed by the new table. Every shard refuses the keys it does not own (SHARDGUARD),
/// so a request sent by an old table comes back -TRYAGAIN and is routed again here.
/// </summary>
internal sealed partial class ProxyWorker
{
    private readonly List<(int Source, int Target, int Arg)> _moves = [];
    private readonly CommandArgs _heldArgs = new();

    /// <summary>The slot a held command is routed into, instead of a new one at the end of its client's queue.</summary>
    private RequestSlot? _reserved;

    /// <summary>True when the command waits for its keys to move (it is routed from <see cref="RouteAfterMoves"/>).</summary>
    private bool MoveKeysFirst(ClientSession session, TenantRoute route, CommandSpec spec, CommandArgs args, CommandCounters counters, long start)
    {
        _keyIndexes.Clear();
        spec.CollectKeyIndexes(args, _keyIndexes);
        _moves.Clear();
        foreach (int i in _keyIndexes)
        {
            int source = route.SourceOf(args[i]), target = route.ShardOf(args[i]);
            if (source != target)
                _moves.Add((source, target, i));
        }
        if (_moves.Count == 0)
            return false;
        _moves.Sort();
        var slot = NewSlot(session, counters, start);
        var held = new byte[args.Count][];
        for (int i = 0; i < held.Length; i++)
            held[i] = args.ToArray(i);
        slot.AfterMoves = held;
        slot.MovesVersion = session.RouteVersion;   // the table these moves were computed by: the routes may have changed since
        int pairs = 1;
        for (int m = 1; m < _moves.Count; m++)
            if ((_moves[m].Source, _moves[m].Target) != (_moves[m - 1].Source, _moves[m - 1].Target))
                pairs++;
        slot.Join = new ReplyJoin(JoinKind.AllOk, pairs);
        for (int m = 0, fragment = 0; m < _moves.Count; fragment++)
        {
            int end = m + 1;
            while (end < _moves.Count && (_moves[end].Source, _moves[end].Target) == (_moves[m].Source, _moves[m].Target))
                end++;
            SendMigrate(session, route, slot, fragment, m, end, args);
            m = end;
        }
        return true;
    }

    /// <summary>MIGRATE host port "" 0 timeout REPLACE [AUTH password] KEYS key… to the moves[from..end) source.</summary>
    private void SendMigrate(ClientSession session, TenantRoute route, RequestSlot slot, int fragment, int from, int end, CommandArgs args)
    {
        var (source, target, _) = _moves[from];
        var writer = BeginBackendCommand(session, source, slot, fragment, out var backend);
        if (writer is null)
            return;
        var destination = route.Shards[target];
        string? password = route.BackendPassword(target);
        writer.WriteArrayHeader(8 + (password is null ? 0 : 2) + (end - from));
        writer.WriteBulkString("MIGRATE"u8);
        writer.WriteBulkString(System.Text.Encoding.ASCII.GetBytes(destination.Host));
        WriteNumber(writer, destination.Port);
        writer.WriteBulkString(""u8);
        writer.WriteBulkString("0"u8);
        // Half the backend timeout: a move that hangs fails before the proxy gives up on the source.
        WriteNumber(writer, Math.Max(1, route.Limits.BackendTimeoutMs / 2));
        writer.WriteBulkString("REPLACE"u8);
        if (password is not null)
        {
            writer.WriteBulkString("AUTH"u8);
            writer.WriteBulkString(System.Text.Encoding.UTF8.GetBytes(password));
        }
        writer.WriteBulkString("KEYS"u8);
        for (int m = from; m < end; m++)
            writer.WriteBulkString(args[_moves[m].Arg]);
        backend.EndCommand(slot, fragment, Environment.TickCount64);
    }

    private static void WriteNumber(RespWriter writer, long value)
    {
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(value, digits, out int length);
        writer.WriteBulkString(digits[..length]);
    }

    /// <summary>Every move answered (<paramref name="joined"/>: +OK or the first error): route the held command, or fail it.</summary>
    private void RouteAfterMoves(RequestSlot slot, byte[][] held, ReadOnlySpan<byte> joined)
    {
        slot.AfterMoves = null;
        slot.Join = null;
        // One read of the routes for both the check and the routing: a table swapped in between
        // (a cancel's reverse step) would send the command by it without moving its keys by it.
        var routes = _server.Routes;
        bool sameTable = routes.Version == slot.MovesVersion;
        if (joined[0] == (byte)'-' && sameTable)
        {
            string error = "TRYAGAIN the keys could not move to their new shard: " + System.Text.Encoding.UTF8.GetString(joined[1..]).TrimEnd();
            _scratch.Clear();   // joined lies in _scratch: read it first
            _scratch.Protocol = slot.Owner.Protocol;
            _scratch.WriteError(error);
            Complete(slot.Owner, slot, _scratch.WrittenSpan);
            return;
        }
        // A table committed meanwhile (the next scale step) may move these keys on again, or a cancel reversed the
        // step and the target refused them by its new guard (they stayed on their source): move them by it first.
        _heldArgs.SetFrom(held);
        RouteInto(slot, _heldArgs, routes, movesDone: sameTable);
    }

    /// <summary>
    /// A -TRYAGAIN from a shard guard: the request went by a table older than this one (it was
    /// sent, or held in a pause, before a scale step, or its end, reached this proxy, however long
    /// ago); route it again: once by the same table, and again each time a newer one has come
    /// since (a cancel follows its step at once, so a request can be refused by both).
    /// </summary>
    private bool RerouteRefusedByGuard(RequestSlot slot, ReadOnlySpan<byte> reply)
    {
        var routes = _server.Routes;
        if (slot.SentTo is null || slot.ReroutedBy == routes.Version || !reply.StartsWith("-TRYAGAIN"u8) || slot.Owner.Route(routes) is null)
            return false;
        var request = slot.Request.ToArray();
        if (RespRequestParser.TryParse(request, 0, request.Length, _heldArgs, RespLimits.Default, out _, out _) != ParseResult.Complete)
            return false;
        slot.Resent();
        slot.ReroutedBy = routes.Version;
        RouteInto(slot, _heldArgs, routes, movesDone: false);
        return true;
    }

    /// <summary>Routes a command into the slot it already holds in its client's reply order.</summary>
    private void RouteInto(RequestSlot slot, CommandArgs args, RouteTable routes, bool movesDone)
    {
        var session = slot.Owner;
        var route = session.Route(routes);
        var spec = CommandTable.Find(args[0])!;
        _reserved = slot;
        if (route is null)
            ReplyError(session, slot.Counters, slot.StartTimestamp, $"ERR tenant '{session.Tenant?.Name}' no longer exists");
        else
            Route(session, route, spec, args, slot.Counters!, slot.StartTimestamp, movesDone);
        if (_reserved is not null)
            throw new InvalidOperationException($"'{spec.Name}' was routed without a reply slot");
    }
}
