using System.Buffers.Text;
using Istore.Net.Commands;
using Istore.Net.Resp;
using Istore.Proxy.Pipeline;
using Istore.Proxy.Routing;
using Istore.Proxy.Stats;

namespace Istore.Proxy.Hosting;

/// <summary>How a command whose keys may be moving (a scale step in the table) is routed.</summary>
internal enum MovePolicy
{
    /// <summary>Keys that move together go to their old shard, which serves them while it holds them all, else answers -ASK (send to the new shard) or -TRYAGAIN (some moved).</summary>
    AskOldShard,
    /// <summary>Each moving key's old shard MIGRATEs it first (a no-op for keys already moved), then the command goes by the new table.</summary>
    MoveFirst,
    /// <summary>By the new table: the keys have moved.</summary>
    Done,
}

/// <summary>
/// Routing while a tenant scales, as Redis Cluster's ASK: a command whose keys all move from one
/// shard to one other is sent to the old shard, which serves it while it still holds every moving
/// key (SHARDGUARD) and answers -ASK once it holds none, so the command goes to the new shard,
/// where a write creates the keys. A command whose keys are split, or move apart, is held while
/// each key's old shard MIGRATEs it to its new one (Codis's approach), then routed by the new
/// table. A request sent by a table older than the old shard's guard comes back -TRYAGAIN or
/// -ASK and is routed again here.
/// </summary>
internal sealed partial class ProxyWorker
{
    /// <summary>Guard answers followed for one command: each step follows a newer table or a narrower path, so this is never reached but by a fault.</summary>
    private const int MaxReroutes = 3;

    private readonly List<(int Source, int Target, int Arg)> _moves = [];
    private readonly CommandArgs _heldArgs = new();

    /// <summary>The slot a held command is routed into, instead of a new one at the end of its client's queue.</summary>
    private RequestSlot? _reserved;

    /// <summary>True when the command's keys are moving and it was routed here (to the old shard, or held while they move).</summary>
    private bool RouteMovingKeys(ClientSession session, TenantRoute route, CommandSpec spec, CommandArgs args, CommandCounters counters, long start, MovePolicy policy)
    {
        _keyIndexes.Clear();
        spec.CollectKeyIndexes(args, _keyIndexes);
        _moves.Clear();
        bool together = true;
        int firstSource = -1, firstTarget = -1;
        foreach (int i in _keyIndexes)
        {
            int source = route.SourceOf(args[i]), target = route.ShardOf(args[i]);
            if (source != target)
                _moves.Add((source, target, i));
            if (firstSource < 0)
                (firstSource, firstTarget) = (source, target);
            else if (source != firstSource || target != firstTarget)
                together = false;
        }
        if (_moves.Count == 0)
            return false;
        if (policy == MovePolicy.AskOldShard && together)
        {
            var slot = NewSlot(session, counters, start);
            slot.AskedOldShard = true;
            slot.MovesVersion = _server.Routes.Version;
            SendWhole(session, firstSource, slot, 0, args);
            return true;
        }
        MoveKeysFirst(session, route, args, counters, start);
        return true;
    }

    /// <summary>Holds the command while every key in <see cref="_moves"/> moves; it is routed from <see cref="RouteAfterMoves"/>.</summary>
    private void MoveKeysFirst(ClientSession session, TenantRoute route, CommandArgs args, CommandCounters counters, long start)
    {
        _moves.Sort();
        var slot = NewSlot(session, counters, start);
        var held = new byte[args.Count][];
        for (int i = 0; i < held.Length; i++)
            held[i] = args.ToArray(i);
        slot.AfterMoves = held;
        slot.MovesVersion = _server.Routes.Version;
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
        if (joined[0] == (byte)'-')
        {
            string error = "TRYAGAIN the keys could not move to their new shard: " + System.Text.Encoding.UTF8.GetString(joined[1..]).TrimEnd();
            _scratch.Clear();   // joined lies in _scratch: read it first
            _scratch.Protocol = slot.Owner.Protocol;
            _scratch.WriteError(error);
            Complete(slot.Owner, slot, _scratch.WrittenSpan);
            return;
        }
        _heldArgs.SetFrom(held);
        // A table committed meanwhile (the next scale step) may move these keys on again: then route them by it from the start.
        RouteInto(slot, _heldArgs, _server.Routes.Version == slot.MovesVersion ? MovePolicy.Done : MovePolicy.AskOldShard);
    }

    /// <summary>
    /// An -ASK or -TRYAGAIN from a shard guard. Sent to the old shard of moving keys: -ASK (it
    /// holds none of them) → to the new shard; -TRYAGAIN (it holds some) → move them first. Sent
    /// by a table older than the guard (before the scale step reached this proxy, or held in its
    /// cut-over pause): routed again by this one. A newer table than the one it was sent by (the
    /// next step, or the end of this one): routed again from the start.
    /// </summary>
    private bool FollowShardGuard(RequestSlot slot, ReadOnlySpan<byte> reply)
    {
        bool ask = reply.StartsWith("-ASK "u8);
        // Asked by a step that has since ended (the table without it came meanwhile): the new table routes it.
        if (slot.SentTo is null || slot.Reroutes >= MaxReroutes || !(ask || reply.StartsWith("-TRYAGAIN"u8))
            || slot.Owner.Route(_server.Routes) is not { } route || route.Migration is null && !slot.AskedOldShard)
            return false;
        var request = slot.Request.ToArray();
        if (RespRequestParser.TryParse(request, 0, request.Length, _heldArgs, RespLimits.Default, out _, out _) != ParseResult.Complete)
            return false;
        var policy = !slot.AskedOldShard || slot.MovesVersion != _server.Routes.Version ? MovePolicy.AskOldShard
            : ask ? MovePolicy.Done : MovePolicy.MoveFirst;
        int reroutes = slot.Reroutes + 1;
        slot.Resent();
        slot.AskedOldShard = false;
        slot.Reroutes = reroutes;
        RouteInto(slot, _heldArgs, policy);
        return true;
    }

    /// <summary>Routes a command into the slot it already holds in its client's reply order.</summary>
    private void RouteInto(RequestSlot slot, CommandArgs args, MovePolicy moves)
    {
        var session = slot.Owner;
        var route = session.Route(_server.Routes);
        var spec = CommandTable.Find(args[0])!;
        _reserved = slot;
        if (route is null)
            ReplyError(session, slot.Counters, slot.StartTimestamp, $"ERR tenant '{session.Tenant?.Name}' no longer exists");
        else
            Route(session, route, spec, args, slot.Counters!, slot.StartTimestamp, moves);
        if (_reserved is not null)
            throw new InvalidOperationException($"'{spec.Name}' was routed without a reply slot");
    }
}
