using Istore.Net.Resp;
using Istore.Net.Server;
using Istore.Node.Keyspace;

namespace Istore.Node.PubSub;

/// <summary>
/// Who listens to which channel, pattern or shard channel, for the whole node. Every event loop
/// subscribes, unsubscribes and publishes here, so one lock guards the three tables; delivery itself happens on
/// each subscriber's own loop (the caller of <see cref="Publish"/> posts it there).
/// </summary>
public sealed class PubSubRegistry
{
    private readonly Lock _lock = new();
    private readonly Dictionary<byte[], Listeners> _channels = new(ByteArrayComparer.Instance);
    private readonly Dictionary<byte[], Listeners> _patterns = new(ByteArrayComparer.Instance);
    private readonly Dictionary<byte[], Listeners> _shardChannels = new(ByteArrayComparer.Instance);

    /// <summary>A channel or pattern and its subscribers, in subscription order.</summary>
    private sealed class Listeners(byte[] subject)
    {
        public GlobPattern Glob { get; } = new(subject);

        public List<Subscriber> Subscribers { get; } = [];
    }

    private Dictionary<byte[], Listeners> Table(SubscriptionKind kind) => kind switch
    {
        SubscriptionKind.Channel => _channels,
        SubscriptionKind.Pattern => _patterns,
        _ => _shardChannels,
    };

    /// <summary>Adds the subscription; false when <paramref name="subscriber"/> already had it.</summary>
    public bool Subscribe(Subscriber subscriber, SubscriptionKind kind, ReadOnlySpan<byte> subject)
    {
        lock (_lock)
        {
            var key = subject.ToArray();
            if (!subscriber.Of(kind).Add(key))
                return false;
            var table = Table(kind);
            if (!table.TryGetValue(key, out var listeners))
                table[key] = listeners = new Listeners(key);
            listeners.Subscribers.Add(subscriber);
            subscriber.Connection.OutputClass = OutputClass.PubSub;
            return true;
        }
    }

    /// <summary>Removes the subscription; false when <paramref name="subscriber"/> did not have it.</summary>
    public bool Unsubscribe(Subscriber subscriber, SubscriptionKind kind, ReadOnlySpan<byte> subject)
    {
        lock (_lock)
        {
            var subjects = subscriber.Of(kind);
            if (!subjects.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(subject, out var key))
                return false;
            subjects.Remove(key);
            var table = Table(kind);
            var listeners = table[key];
            listeners.Subscribers.Remove(subscriber);
            if (listeners.Subscribers.Count == 0)
                table.Remove(key);
            if (subscriber.Total == 0)
                subscriber.Connection.OutputClass = OutputClass.Normal;
            return true;
        }
    }

    /// <summary>
    /// Calls <paramref name="deliver"/> once per receiver — a channel subscriber (pattern null) or
    /// a matching pattern subscription — and returns how many there were (PUBLISH's reply). A
    /// shard channel's message (SPUBLISH) reaches its shard channel's subscribers only.
    /// </summary>
    public int Publish(ReadOnlySpan<byte> channel, Action<Subscriber, byte[]?> deliver, bool shard = false)
    {
        int receivers = 0;
        lock (_lock)
        {
            var table = shard ? _shardChannels : _channels;
            if (table.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(channel, out var direct))
            {
                foreach (var subscriber in direct.Subscribers)
                    deliver(subscriber, null);
                receivers += direct.Subscribers.Count;
            }
            if (shard)
                return receivers;
            foreach (var (pattern, listeners) in _patterns)
            {
                if (!listeners.Glob.IsMatch(channel))
                    continue;
                foreach (var subscriber in listeners.Subscribers)
                    deliver(subscriber, pattern);
                receivers += listeners.Subscribers.Count;
            }
        }
        return receivers;
    }

    /// <summary>
    /// Publishes <paramref name="message"/> on <paramref name="channel"/>: the publishing
    /// connection's own subscription is written in place (ahead of its reply, as Redis does), every
    /// other subscriber gets it on its own loop. Returns the number of receivers.
    /// </summary>
    public int PublishFrom(Connection? publisher, byte[] channel, byte[] message, bool shard = false) =>
        Publish(channel, (subscriber, pattern) =>
        {
            if (subscriber.Connection == publisher)
                WriteMessage(publisher.Output, pattern, channel, message, shard);
            else
                subscriber.Connection.Deliver(connection => WriteMessage(connection.Output, pattern, channel, message, shard));
        }, shard);

    /// <summary>A message as a push frame (RESP3) or array (RESP2): message, pmessage or (a shard channel's) smessage.</summary>
    internal static void WriteMessage(RespWriter output, byte[]? pattern, byte[] channel, byte[] message, bool shard)
    {
        if (pattern is null)
        {
            output.WritePushHeader(3);
            output.WriteBulkString(shard ? "smessage"u8 : "message"u8);
        }
        else
        {
            output.WritePushHeader(4);
            output.WriteBulkString("pmessage"u8);
            output.WriteBulkString(pattern);
        }
        output.WriteBulkString(channel);
        output.WriteBulkString(message);
    }

    /// <summary>PUBSUB (SHARD)CHANNELS: channels with at least one subscriber, optionally matching a glob.</summary>
    public List<byte[]> ActiveChannels(GlobPattern? match, bool shard = false)
    {
        lock (_lock)
            return [.. (shard ? _shardChannels : _channels).Keys.Where(channel => match is null || match.IsMatch(channel))];
    }

    /// <summary>PUBSUB (SHARD)NUMSUB: subscribers of one channel (pattern subscriptions not counted, as in Redis).</summary>
    public int SubscriberCount(ReadOnlySpan<byte> channel, bool shard = false)
    {
        lock (_lock)
            return (shard ? _shardChannels : _channels).GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(channel, out var listeners)
                ? listeners.Subscribers.Count : 0;
    }

    /// <summary>PUBSUB NUMPAT: distinct patterns subscribed by anyone.</summary>
    public int PatternCount
    {
        get { lock (_lock) return _patterns.Count; }
    }
}
