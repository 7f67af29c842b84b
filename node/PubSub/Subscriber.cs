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

    /// <summary>Channels plus patterns: the number (P)SUBSCRIBE and (P)UNSUBSCRIBE replies report.</summary>
    public int Count => Channels.Count + Patterns.Count;

    internal HashSet<byte[]> Of(SubscriptionKind kind) => kind == SubscriptionKind.Channel ? Channels : Patterns;
}

public enum SubscriptionKind
{
    Channel,
    Pattern,
}
