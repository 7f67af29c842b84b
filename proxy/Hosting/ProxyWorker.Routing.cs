using System.Buffers.Text;
using Istore.Net.Commands;
using Istore.Net.Resp;
using Istore.Proxy.Backend;
using Istore.Proxy.Commands;
using Istore.Proxy.Pipeline;
using Istore.Proxy.Routing;
using Istore.Proxy.Scan;
using Istore.Proxy.Stats;

namespace Istore.Proxy.Hosting;

/// <summary>Routing: which shard(s) a command goes to, and how it is encoded for each.</summary>
internal sealed partial class ProxyWorker
{
    private const string CrossShardError = "CROSSSLOT Keys in request don't hash to the same shard (use a {hash tag})";

    private readonly List<int> _keyIndexes = [];

    private void Route(ClientSession session, TenantRoute route, CommandSpec spec, CommandArgs args, CommandCounters counters, long start,
        bool movesDone = false)
    {
        switch (ProxyCommands.KindOf(spec))
        {
            case RouteKind.Local:
                _local.Execute(session, spec, args, counters, start);
                return;
            case RouteKind.Refused:
                ReplyError(session, counters, start, ProxyCommands.RefusedError(spec));
                return;
            case RouteKind.NeedsOwnConnection:
                ReplyError(session, counters, start, ProxyCommands.OwnConnectionError(spec.Name));
                return;
            case RouteKind.ShardChannels when spec.Name == "SSUBSCRIBE":
                ShardSubscribe(session, route, args, counters, start);
                return;
            case RouteKind.ShardChannels:
                ShardUnsubscribe(session, args, counters, start);
                return;
            case RouteKind.FanOut when spec.Name == "SCRIPT" && !ProxyCommands.IsFanOutScript(args[1]):
                ReplyError(session, counters, start, $"ERR 'SCRIPT {System.Text.Encoding.UTF8.GetString(args[1]).ToUpperInvariant()}' is not available through istore-proxy: send it to the shard directly");
                return;
            case RouteKind.FanOut:
                FanOut(session, route, spec, args, NewSlot(session, counters, start));
                return;
            case RouteKind.Scan:
                Scan(session, route, args, counters, start);
                return;
            case RouteKind.AnyShard:
                SendWhole(session, Random.Shared.Next(route.Shards.Length), NewSlot(session, counters, start), 0, args);
                return;
        }
        // A shard channel names no key: nothing moves for it (the old shard's guard sends SPUBLISH back here).
        if (route.Migration is not null && !movesDone && !spec.ChannelKeys && MoveKeysFirst(session, route, spec, args, counters, start))
            return;
        if (spec.MovableKeys)
        {
            ForwardMovableKeys(session, route, spec, args, counters, start);
            return;
        }
        var keys = spec.GetKeyRange(args.Count);
        int shard = keys.Count == 0 ? 0 : route.ShardOf(args[keys.First]);
        for (int i = keys.First + keys.Step; keys.Count > 1 && i <= keys.Last; i += keys.Step)
        {
            if (route.ShardOf(args[i]) == shard)
                continue;
            if (ProxyCommands.KindOf(spec) == RouteKind.Split)
                Split(session, route, spec, args, keys, NewSlot(session, counters, start));
            else
                ReplyError(session, counters, start, CrossShardError);
            return;
        }
        SendWhole(session, shard, NewSlot(session, counters, start), 0, args);
    }

    /// <summary>LMPOP, ZUNIONSTORE…: keys counted by an argument; all of them must share a shard, except RL.RECALL's (run across shards).</summary>
    private void ForwardMovableKeys(ClientSession session, TenantRoute route, CommandSpec spec, CommandArgs args, CommandCounters counters, long start)
    {
        _keyIndexes.Clear();
        spec.CollectKeyIndexes(args, _keyIndexes);
        // No key found (a bad count): any shard answers with the command's own error.
        int shard = _keyIndexes.Count == 0 ? 0 : route.ShardOf(args[_keyIndexes[0]]);
        foreach (int index in _keyIndexes)
            if (route.ShardOf(args[index]) != shard)
            {
                if (spec.Name == "RL.RECALL")
                    StartRecall(session, args, NewSlot(session, counters, start));
                else
                    ReplyError(session, counters, start, CrossShardError);
                return;
            }
        SendWhole(session, shard, NewSlot(session, counters, start), 0, args);
    }

    /// <summary>The command's place in its client's reply order: the next one, or the one it held while its keys moved.</summary>
    private RequestSlot NewSlot(ClientSession session, CommandCounters counters, long start)
    {
        if (_reserved is { } reserved)
        {
            _reserved = null;
            return reserved;
        }
        var slot = session.Queue.Enqueue();
        slot.Counters = counters;
        slot.StartTimestamp = start;
        return slot;
    }

    /// <summary>MGET, MSET, DEL…: one fragment per shard with that shard's keys, joined back in the client's key order.</summary>
    private void Split(ClientSession session, TenantRoute route, CommandSpec spec, CommandArgs args, KeyRange keys, RequestSlot slot)
    {
        var fragmentOfShard = new int[route.Shards.Length];
        Array.Fill(fragmentOfShard, -1);
        var fragmentShards = new List<int>();
        var fragmentSizes = new List<int>();
        var places = new (int Fragment, int Position)[keys.Count];
        for (int k = 0; k < keys.Count; k++)
        {
            int shard = route.ShardOf(args[keys.First + k * keys.Step]);
            ref int fragment = ref fragmentOfShard[shard];
            if (fragment < 0)
            {
                fragment = fragmentShards.Count;
                fragmentShards.Add(shard);
                fragmentSizes.Add(0);
            }
            places[k] = (fragment, fragmentSizes[fragment]++);
        }
        var kind = spec.Name switch { "MGET" => JoinKind.ValuesInKeyOrder, "MSET" => JoinKind.AllOk, _ => JoinKind.Sum };
        slot.Join = new ReplyJoin(kind, fragmentShards.Count) { KeyPlaces = places };
        for (int f = 0; f < fragmentShards.Count; f++)
        {
            var writer = BeginBackendCommand(session, fragmentShards[f], slot, f, out var backend);
            if (writer is null)
                continue;
            writer.WriteArrayHeader(1 + fragmentSizes[f] * keys.Step);
            writer.WriteBulkString(args[0]);
            for (int k = 0; k < keys.Count; k++)
                if (places[k].Fragment == f)
                    for (int j = 0; j < keys.Step; j++)
                        writer.WriteBulkString(args[keys.First + k * keys.Step + j]);
            backend.EndCommand(slot, f, NowMs);
        }
    }

    /// <summary>DBSIZE, KEYS, FLUSHDB, FLUSHALL, PUBSUB: the same command to every shard of the tenant.</summary>
    private void FanOut(ClientSession session, TenantRoute route, CommandSpec spec, CommandArgs args, RequestSlot slot)
    {
        var kind = spec.Name switch
        {
            "DBSIZE" => JoinKind.Sum,
            "KEYS" => JoinKind.Concat,
            "PUBSUB" => PubSubJoin(args[1]),
            "SCRIPT" when System.Text.Ascii.EqualsIgnoreCase(args[1], "LOAD"u8) => JoinKind.First,
            "SCRIPT" when System.Text.Ascii.EqualsIgnoreCase(args[1], "EXISTS"u8) => JoinKind.EachOnAll,
            _ => JoinKind.AllOk,
        };
        slot.Join = new ReplyJoin(kind, route.Shards.Length);
        for (int shard = 0; shard < route.Shards.Length; shard++)
            SendWhole(session, shard, slot, shard, args);
    }

    /// <summary>
    /// PUBSUB over the tenant's shards: the channels any shard has (each once), the subscribers and
    /// patterns of all shards summed; HELP and errors as one shard answers them.
    /// </summary>
    private static JoinKind PubSubJoin(ReadOnlySpan<byte> subcommand)
    {
        if (System.Text.Ascii.EqualsIgnoreCase(subcommand, "CHANNELS"u8) || System.Text.Ascii.EqualsIgnoreCase(subcommand, "SHARDCHANNELS"u8))
            return JoinKind.Union;
        if (System.Text.Ascii.EqualsIgnoreCase(subcommand, "NUMSUB"u8) || System.Text.Ascii.EqualsIgnoreCase(subcommand, "SHARDNUMSUB"u8))
            return JoinKind.CountsSummed;
        return System.Text.Ascii.EqualsIgnoreCase(subcommand, "NUMPAT"u8) ? JoinKind.Sum : JoinKind.First;
    }

    /// <summary>SCAN: the client's cursor says which shard to continue (see <see cref="JoinKind.ScanCursor"/>).</summary>
    private void Scan(ClientSession session, TenantRoute route, CommandArgs args, CommandCounters counters, long start)
    {
        if (!Utf8Parser.TryParse(args[1], out ulong cursor, out int used) || used != args[1].Length)
        {
            ReplyError(session, counters, start, "ERR invalid cursor");
            return;
        }
        int shards = route.Shards.Length;
        if (ScanCursorCodec.TryDecode(_server.ScanTickets, route.Name, shards, cursor, out int shard, out ulong backendCursor) is { } error)
        {
            ReplyError(session, counters, start, error);
            return;
        }
        var slot = NewSlot(session, counters, start);
        slot.Join = new ReplyJoin(JoinKind.ScanCursor, 1) { Scan = (route.Name, shard, shards, _server.ScanTickets) };
        var writer = BeginBackendCommand(session, shard, slot, 0, out var backend);
        if (writer is null)
            return;
        writer.WriteArrayHeader(args.Count);
        writer.WriteBulkString(args[0]);
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(backendCursor, digits, out int length);
        writer.WriteBulkString(digits[..length]);
        for (int i = 2; i < args.Count; i++)
            writer.WriteBulkString(args[i]);
        backend.EndCommand(slot, 0, NowMs);
    }

    private void SendWhole(ClientSession session, int shard, RequestSlot slot, int fragment, CommandArgs args)
    {
        var writer = BeginBackendCommand(session, shard, slot, fragment, out var backend);
        if (writer is null)
            return;
        int start = writer.Length;
        if (args.Frame is { IsEmpty: false } frame)
            writer.WriteRaw(frame);
        else
        {
            writer.WriteArrayHeader(args.Count);
            for (int i = 0; i < args.Count; i++)
                writer.WriteBulkString(args[i]);
        }
        if (slot.Join is null && _server.Routes.FromHa)
            slot.KeepRequest(writer.WrittenSpan[start..], shard, session.Route(_server.Routes)!.Shards.Length, backend.Endpoint);
        backend.EndCommand(slot, fragment, NowMs);
    }

    /// <summary>
    /// A -READONLY from a backend the routes no longer name as the shard's master: a planned
    /// switchover demoted it while the request waited in its pause, so the write was not applied
    /// and goes to the new master. False when that does not apply (the reply stands).
    /// </summary>
    private bool ResendToNewMaster(RequestSlot slot, ReadOnlySpan<byte> reply)
    {
        if (slot.SentTo is not { } sent || !reply.StartsWith("-READONLY"u8))
            return false;
        var session = slot.Owner;
        var route = session.Route(_server.Routes);
        if (route is null || route.Shards.Length != sent.Shards || route.Shards[sent.Shard] == sent.Backend)
            return false;
        var backend = session.Backend(_pool!, sent.Shard);
        long now = Environment.TickCount64;
        var writer = backend.BeginCommand(now);
        if (writer is null)
            return false;
        writer.WriteRaw(slot.Request);
        slot.Resent();
        backend.EndCommand(slot, 0, now);
        return true;
    }

    /// <summary>The buffer of a backend connection of <paramref name="shard"/>, or null after answering the fragment with the backend's error.</summary>
    private RespWriter? BeginBackendCommand(ClientSession session, int shard, RequestSlot slot, int fragment, out BackendConnection backend)
    {
        backend = session.Backend(_pool!, shard);
        var writer = backend.BeginCommand(NowMs);
        if (writer is null)
            Deliver(slot, fragment, backend.UnavailableError);
        return writer;
    }
}
