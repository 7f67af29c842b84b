using System.Runtime.CompilerServices;
using System.Text;
using Istore.Net.Server;

namespace Istore.Node.PubSub;

/// <summary>Redis's notification classes (notify-keyspace-events letters), with its bit values.</summary>
[Flags]
public enum NotifyClass
{
    None = 0,
    Keyspace = 1 << 0,    // K
    Keyevent = 1 << 1,    // E
    Generic = 1 << 2,     // g
    String = 1 << 3,      // $
    List = 1 << 4,        // l
    Set = 1 << 5,         // s
    Hash = 1 << 6,        // h
    ZSet = 1 << 7,        // z
    Expired = 1 << 8,     // x
    Evicted = 1 << 9,     // e
    Stream = 1 << 10,     // t
    KeyMiss = 1 << 11,    // m (not part of A)
    Module = 1 << 13,     // d
    New = 1 << 14,        // n (not part of A)
    All = Generic | String | List | Set | Hash | ZSet | Expired | Evicted | Stream | Module,
}

/// <summary>
/// Keyspace notifications: a command that changed a key states its event once
/// (<see cref="Notify"/>) and, if the event's class is on, it is published to
/// <c>__keyspace@0__:&lt;key&gt;</c> and/or <c>__keyevent@0__:&lt;event&gt;</c>. Off (the default),
/// a notification costs one volatile read.
/// </summary>
public sealed class KeyspaceEvents
{
    private volatile int _flags;

    /// <summary>The node's subscriptions; null until the node is assembled (nothing publishes before).</summary>
    internal PubSubRegistry? Registry { get; set; }

    public NotifyClass Flags
    {
        get => (NotifyClass)_flags;
        set => _flags = (int)value;
    }

    /// <summary>True when an event of <paramref name="type"/> would be published (lets a caller skip building a key).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Wants(NotifyClass type) => (_flags & (int)type) != 0;

    /// <summary>
    /// Publishes one event. <paramref name="current"/> is the connection whose command caused it (or
    /// null): its own subscription is written in place, ahead of its reply, as Redis does.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Notify(NotifyClass type, ReadOnlySpan<byte> evt, ReadOnlySpan<byte> key, Connection? current)
    {
        if ((_flags & (int)type) != 0)
            Publish(evt, key, current);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Publish(ReadOnlySpan<byte> evt, ReadOnlySpan<byte> key, Connection? current)
    {
        if (Registry is not { } registry)
            return;
        var flags = Flags;
        if ((flags & NotifyClass.Keyspace) != 0)
            registry.PublishFrom(current, [.. "__keyspace@0__:"u8, .. key], evt.ToArray());
        if ((flags & NotifyClass.Keyevent) != 0)
            registry.PublishFrom(current, [.. "__keyevent@0__:"u8, .. evt], key.ToArray());
    }

    /// <summary>Redis's keyspaceEventsStringToFlags: null when a character names no class.</summary>
    public static NotifyClass? Parse(string classes)
    {
        var flags = NotifyClass.None;
        foreach (char ch in classes)
        {
            flags |= ch switch
            {
                'A' => NotifyClass.All,
                'g' => NotifyClass.Generic,
                '$' => NotifyClass.String,
                'l' => NotifyClass.List,
                's' => NotifyClass.Set,
                'h' => NotifyClass.Hash,
                'z' => NotifyClass.ZSet,
                'x' => NotifyClass.Expired,
                'e' => NotifyClass.Evicted,
                'K' => NotifyClass.Keyspace,
                'E' => NotifyClass.Keyevent,
                't' => NotifyClass.Stream,
                'm' => NotifyClass.KeyMiss,
                'd' => NotifyClass.Module,
                'n' => NotifyClass.New,
                _ => (NotifyClass)(-1),
            };
            if ((int)flags == -1)
                return null;
        }
        return flags;
    }

    /// <summary>Redis's keyspaceEventsFlagsToString: what CONFIG GET shows.</summary>
    public static string Format(NotifyClass flags)
    {
        var text = new StringBuilder();
        if ((flags & NotifyClass.All) == NotifyClass.All)
        {
            text.Append('A');
        }
        else
        {
            foreach (var (bit, letter) in Letters)
                if ((flags & bit) != 0)
                    text.Append(letter);
        }
        if ((flags & NotifyClass.Keyspace) != 0) text.Append('K');
        if ((flags & NotifyClass.Keyevent) != 0) text.Append('E');
        if ((flags & NotifyClass.KeyMiss) != 0) text.Append('m');
        return text.ToString();
    }

    private static readonly (NotifyClass, char)[] Letters =
    [
        (NotifyClass.Generic, 'g'), (NotifyClass.String, '$'), (NotifyClass.List, 'l'), (NotifyClass.Set, 's'),
        (NotifyClass.Hash, 'h'), (NotifyClass.ZSet, 'z'), (NotifyClass.Expired, 'x'), (NotifyClass.Evicted, 'e'),
        (NotifyClass.Stream, 't'), (NotifyClass.Module, 'd'), (NotifyClass.New, 'n'),
    ];
}
