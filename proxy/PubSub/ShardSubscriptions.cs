using Istore.Net.Resp;
using Istore.Net.Routes;
using Istore.Net.Server;
using Istore.Proxy.Backend;
using Istore.Proxy.Hosting;
using Istore.Proxy.Routing;

namespace Istore.Proxy.PubSub;

/// <summary>
/// One client's shard channels (Redis 7's SSUBSCRIBE, routed like keys). The proxy keeps the
/// client's channel set itself — the counts in its replies are the client's over all shards — and
/// one subscriber link per backend: a connection of this client's own that holds its
/// subscriptions there and brings back their messages. A link that breaks, or a channel whose
/// shard the routes move elsewhere, ends those subscriptions with an unsolicited "sunsubscribe",
/// as Redis Cluster does when a slot leaves its node: the client subscribes again.
/// Everything here runs on the client's event loop.
/// </summary>
internal sealed class ShardSubscriptions(ClientSession session, IEventLoop loop, IReplySink replies) : IPushSink, IDisposable
{
    // Links speak RESP2 whatever the client speaks: the proxy rewrites each message for the client.
    private static ReadOnlySpan<byte> MessagePrefix => "*3\r\n$8\r\nsmessage\r\n"u8;

    private readonly Dictionary<byte[], BackendConnection> _channels = new(ByteArrayComparer.Instance);
    private readonly Dictionary<Endpoint, BackendConnection> _links = [];
    private RouteTable? _checked;

    public int Count => _channels.Count;

    /// <summary>This client's link to <paramref name="shard"/>'s backend, made on first use.</summary>
    public BackendConnection Link(TenantRoute route, int shard)
    {
        var endpoint = route.Shards[shard];
        if (!_links.TryGetValue(endpoint, out var link))
            _links[endpoint] = link = new BackendConnection(loop, replies, endpoint, 2, route.BackendPassword(shard), this);
        return link;
    }

    /// <summary>Records the subscription; false when the client already had it.</summary>
    public bool Add(byte[] channel, BackendConnection link) => _channels.TryAdd(channel, link);

    public bool Contains(ReadOnlySpan<byte> channel) => _channels.GetAlternateLookup<ReadOnlySpan<byte>>().ContainsKey(channel);

    /// <summary>Every channel, in subscription order.</summary>
    public byte[][] Channels => [.. _channels.Keys];

    /// <summary>
    /// Ends the subscription (no-op without it). A link left with no channel and no request in
    /// flight closes, which unsubscribes it at the backend; otherwise it is told SUNSUBSCRIBE.
    /// </summary>
    public void Remove(ReadOnlySpan<byte> channel)
    {
        if (!_channels.GetAlternateLookup<ReadOnlySpan<byte>>().Remove(channel, out _, out var link))
            return;
        if (link.PendingCount == 0 && !_channels.ContainsValue(link))
        {
            CloseLink(link);
            return;
        }
        var writer = link.BeginCommand(Environment.TickCount64);
        if (writer is null)
            return;   // down: its subscriptions went with the connection
        writer.WriteArrayHeader(2);
        writer.WriteBulkString("SUNSUBSCRIBE"u8);
        writer.WriteBulkString(channel);
        link.EndUnansweredCommand("SUNSUBSCRIBE", Environment.TickCount64);
    }

    public bool TakeUnsolicited(BackendConnection link, ReadOnlySpan<byte> frame)
    {
        if (!frame.StartsWith(MessagePrefix))
            return false;
        var message = RespValue.Parse(frame);
        var channel = message[1].AsBytes()!;
        // A message that crossed the client's SUNSUBSCRIBE on the way is not the client's any more.
        if (!_channels.TryGetValue(channel, out var owner) || owner != link)
            return true;
        var output = session.Connection.Output;
        output.WritePushHeader(3);
        output.WriteBulkString("smessage"u8);
        output.WriteBulkString(channel);
        output.WriteBulkString(message[2].AsBytes()!);
        session.Connection.SendOutput();
        return true;
    }

    public void LinkDown(BackendConnection link, string reason) => EndWhere((_, owner) => owner == link);

    /// <summary>After a route change: ends the channels whose shard is now served by another backend (or no longer this tenant's).</summary>
    public void CheckRoutes(RouteTable table)
    {
        if (ReferenceEquals(table, _checked) || _channels.Count == 0)
            return;
        _checked = table;
        var route = session.Route(table);
        EndWhere((channel, link) => route is null || route.Shards[route.ShardOf(channel)] != link.Endpoint);
    }

    /// <summary>Ends every subscription, telling the client (before a takeover moves it).</summary>
    public void EndAll() => EndWhere((_, _) => true);

    /// <summary>Ends the matching subscriptions, telling the client of each as Redis Cluster does.</summary>
    private void EndWhere(Func<byte[], BackendConnection, bool> ends)
    {
        var ended = _channels.Where(pair => ends(pair.Key, pair.Value)).ToList();
        if (ended.Count == 0)
            return;
        var output = session.Connection.Output;
        foreach (var (channel, link) in ended)
        {
            _channels.Remove(channel);
            if (!_channels.ContainsValue(link))
                CloseLink(link);
            output.WritePushHeader(3);
            output.WriteBulkString("sunsubscribe"u8);
            output.WriteBulkString(channel);
            output.WriteInteger(_channels.Count);
        }
        session.Connection.SendOutput();
    }

    private void CloseLink(BackendConnection link)
    {
        _links.Remove(link.Endpoint);
        link.Abandon($"ERR backend {link.Endpoint}: the subscriber link closed");
    }

    /// <summary>RESET or disconnect: every link closes, and with it every subscription.</summary>
    public void Dispose()
    {
        _channels.Clear();
        foreach (var link in _links.Values.ToArray())
            CloseLink(link);
    }
}
