using Istore.Net.Resp;
using Istore.Net.Server;
using Istore.Node.Keyspace;

namespace Istore.Node.PubSub;

/// <summary>
/// One connection's subscriptions. Only the connection's own loop changes them (through the
/// <see cref="PubSubRegistry"/>, under its lock) or reads them, so the counts need no lock.
/// </summary>
public sealed class Subscriber(Connection connection)
{
    public Connection Connection { get; } = connection;

    internal HashSet<byte[]> Channels { get; } = new(ByteArrayComparer.Instance);

    internal HashSet<byte[]> Patterns { get; } = new(ByteArrayComparer.Instance);

    internal HashSet<byte[]> ShardChannels { get; } = new(ByteArrayComparer.Instance);

    /// <summary>
    /// The number a (un)subscribe reply of <paramref name="kind"/> reports: channels plus patterns
    /// for (P)SUBSCRIBE, shard channels alone for SSUBSCRIBE (Redis counts them apart).
    /// </summary>
    public int CountFor(SubscriptionKind kind) =>
        kind == SubscriptionKind.ShardChannel ? ShardChannels.Count : Channels.Count + Patterns.Count;

    /// <summary>Every subscription: while it is not zero, a RESP2 client is in the subscribed context.</summary>
    public int Total => Channels.Count + Patterns.Count + ShardChannels.Count;

    internal HashSet<byte[]> Of(SubscriptionKind kind) => kind switch
    {
        SubscriptionKind.Channel => Channels,
        SubscriptionKind.Pattern => Patterns,
        _ => ShardChannels,
    };
}

public enum SubscriptionKind
{
    Channel,
    Pattern,
    /// <summary>SSUBSCRIBE: a channel that lives on the shard owning its name as a key; patterns do not see its messages.</summary>
    ShardChannel,
}
