using Istore.Net.Commands;
using Istore.Net.Resp;
using Istore.Proxy.Pipeline;
using Istore.Proxy.PubSub;
using Istore.Proxy.Routing;
using Istore.Proxy.Stats;

namespace Istore.Proxy.Hosting;

/// <summary>
/// SSUBSCRIBE and SUNSUBSCRIBE (SPUBLISH is an ordinary command routed by its channel): the
/// client's subscriptions live in its <see cref="ShardSubscriptions"/>, whose links to the shards
/// carry them. An SSUBSCRIBE is answered once the shard confirmed it, so a message published
/// after the reply reaches the client; an SUNSUBSCRIBE is answered at once (messages still on the
/// way are dropped by the proxy).
/// </summary>
internal sealed partial class ProxyWorker
{
    private readonly RespWriter _prepared = new(256);

    /// <summary>SSUBSCRIBE channel [channel …]: the channels must share a shard, as Redis Cluster wants one slot.</summary>
    private void ShardSubscribe(ClientSession session, TenantRoute route, CommandArgs args, CommandCounters counters, long start)
    {
        int shard = route.ShardOf(args[1]);
        for (int i = 2; i < args.Count; i++)
            if (route.ShardOf(args[i]) != shard)
            {
                ReplyError(session, counters, start, CrossShardError);
                return;
            }
        var subscriptions = session.ShardChannels ??= new ShardSubscriptions(session, _loop!, this);
        var link = subscriptions.Link(route, shard);
        var added = new List<byte[]>();
        _prepared.Clear();
        _prepared.Protocol = session.Protocol;
        for (int i = 1; i < args.Count; i++)
        {
            var channel = args.ToArray(i);
            if (subscriptions.Add(channel, link))
                added.Add(channel);
            WriteConfirmation(_prepared, "ssubscribe"u8, channel, subscriptions.Count);
        }
        if (added.Count == 0)
        {
            var writer = BeginLocalReply(session);
            writer.WriteRaw(_prepared.WrittenSpan);
            EndLocalReply(session, writer, counters, start);
            return;
        }
        var slot = NewSlot(session, counters, start);
        slot.Join = new ReplyJoin(JoinKind.Prepared, added.Count)
        {
            PreparedReply = _prepared.WrittenSpan.ToArray(),
            Failed = () => added.ForEach(channel => subscriptions.Remove(channel)),
        };
        for (int f = 0; f < added.Count; f++)
        {
            long now = Environment.TickCount64;
            var writer = link.BeginCommand(now);
            if (writer is null)
            {
                Deliver(slot, f, link.UnavailableError);
                continue;
            }
            writer.WriteArrayHeader(2);
            writer.WriteBulkString("SSUBSCRIBE"u8);
            writer.WriteBulkString(added[f]);
            link.EndCommand(slot, f, now);
        }
    }

    /// <summary>SUNSUBSCRIBE [channel …]: without channels, every one the client has (or one reply with a null channel).</summary>
    private void ShardUnsubscribe(ClientSession session, CommandArgs args, CommandCounters counters, long start)
    {
        var subscriptions = session.ShardChannels;
        var writer = BeginLocalReply(session);
        var channels = args.Count > 1 ? Enumerable.Range(1, args.Count - 1).Select(args.ToArray).ToArray() : subscriptions?.Channels ?? [];
        if (channels.Length == 0)
        {
            writer.WritePushHeader(3);
            writer.WriteBulkString("sunsubscribe"u8);
            writer.WriteNull();
            writer.WriteInteger(0);
        }
        foreach (var channel in channels)
        {
            subscriptions?.Remove(channel);
            WriteConfirmation(writer, "sunsubscribe"u8, channel, subscriptions?.Count ?? 0);
        }
        EndLocalReply(session, writer, counters, start);
    }

    private static void WriteConfirmation(RespWriter writer, ReadOnlySpan<byte> kind, ReadOnlySpan<byte> channel, int count)
    {
        writer.WritePushHeader(3);
        writer.WriteBulkString(kind);
        writer.WriteBulkString(channel);
        writer.WriteInteger(count);
    }

    /// <summary>In RESP2 a client with shard subscriptions is in Redis's subscribed context; null when the command may run.</summary>
    private static string? SubscribedContextRefusal(ClientSession session, CommandSpec spec, CommandArgs args) =>
        session.Protocol == 2 && session.ShardChannels is { Count: > 0 } && !SubscribedContext.Allows(spec)
            ? SubscribedContext.Refusal(spec, args)
            : null;

    /// <summary>A new route table may have moved subscribed channels to other backends: those subscriptions end.</summary>
    private void CheckSubscribedRoutes()
    {
        var routes = _server.Routes;
        foreach (var session in _sessions)
            if (session.ShardChannels is { } subscriptions && session.Tenant is not null)
                subscriptions.CheckRoutes(routes);
    }
}
