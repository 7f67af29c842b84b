using System.Text;
using Istore.Net.Commands;
using Istore.Net.Resp;
using Istore.Node.Hosting;
using Istore.Node.Keyspace;
using Istore.Node.PubSub;

namespace Istore.Node.Commands;

/// <summary>
/// SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE PUNSUBSCRIBE PUBLISH PUBSUB, and the shard channels of Redis 7
/// (SSUBSCRIBE SUNSUBSCRIBE SPUBLISH: on a node they are channels of their own namespace that
/// patterns do not see; the proxy routes them by name). Replies and messages are push frames in
/// RESP3 and arrays in RESP2; a message for a client on another event loop is posted
/// to that loop (<see cref="Net.Server.Connection.Deliver"/>). Only (S)PUBLISH is logged, for
/// the replicas' subscribers; the start-up replay skips it.
/// </summary>
public static class PubSubCommands
{
    public static void Register(HandlerTable t)
    {
        t.Add("SUBSCRIBE", c => Subscribe(c, SubscriptionKind.Channel, "subscribe"u8));
        t.Add("PSUBSCRIBE", c => Subscribe(c, SubscriptionKind.Pattern, "psubscribe"u8));
        t.Add("UNSUBSCRIBE", c => Unsubscribe(c, SubscriptionKind.Channel, "unsubscribe"u8));
        t.Add("PUNSUBSCRIBE", c => Unsubscribe(c, SubscriptionKind.Pattern, "punsubscribe"u8));
        t.Add("SSUBSCRIBE", ShardSubscribe);
        t.Add("SUNSUBSCRIBE", c => Unsubscribe(c, SubscriptionKind.ShardChannel, "sunsubscribe"u8));
        t.Add("PUBLISH", c => Publish(c, shard: false));
        t.Add("SPUBLISH", c => Publish(c, shard: true));
        t.Add("PUBSUB", PubSubIntrospection.Execute);
    }

    /// <summary>(P|S)SUBSCRIBE and (P|S)UNSUBSCRIBE answer with push frames, which CLIENT REPLY OFF does not silence.</summary>
    public static bool RepliesArePushes(CommandSpec spec) =>
        spec.Name is "SUBSCRIBE" or "PSUBSCRIBE" or "SSUBSCRIBE" or "UNSUBSCRIBE" or "PUNSUBSCRIBE" or "SUNSUBSCRIBE";

    /// <summary>Drops every subscription (RESET, disconnect).</summary>
    public static void UnsubscribeAll(NodeServer node, ClientState client)
    {
        if (client.Subscriber is not { } subscriber)
            return;
        foreach (var kind in (ReadOnlySpan<SubscriptionKind>)[SubscriptionKind.Channel, SubscriptionKind.Pattern, SubscriptionKind.ShardChannel])
            foreach (var subject in subscriber.Of(kind).ToArray())
                node.PubSub.Unsubscribe(subscriber, kind, subject);
    }

    private static void Subscribe(CommandContext c, SubscriptionKind kind, ReadOnlySpan<byte> reply)
    {
        var subscriber = c.Client.Subscriber ??= new Subscriber(c.Connection);
        for (int i = 1; i < c.Count; i++)
        {
            c.Node.PubSub.Subscribe(subscriber, kind, c.Arg(i));
            WriteSubscriptionReply(c.Output, reply, c.Arg(i), subscriber.CountFor(kind));
        }
    }

    /// <summary>
    /// SSUBSCRIBE: inside EXEC Redis refuses it (a transaction expects one reply per command),
    /// where SUBSCRIBE is let through for compatibility.
    /// </summary>
    private static void ShardSubscribe(CommandContext c)
    {
        if (c.Client.InTransaction)
            c.Output.WriteError("ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client");
        else
            Subscribe(c, SubscriptionKind.ShardChannel, "ssubscribe"u8);
    }

    /// <summary>Without arguments: every subscription of that kind, or one reply with a null subject when there is none.</summary>
    private static void Unsubscribe(CommandContext c, SubscriptionKind kind, ReadOnlySpan<byte> reply)
    {
        var subscriber = c.Client.Subscriber;
        if (c.Count > 1)
        {
            for (int i = 1; i < c.Count; i++)
            {
                if (subscriber is not null)
                    c.Node.PubSub.Unsubscribe(subscriber, kind, c.Arg(i));
                WriteSubscriptionReply(c.Output, reply, c.Arg(i), subscriber?.CountFor(kind) ?? 0);
            }
            return;
        }
        var subjects = subscriber?.Of(kind).ToArray() ?? [];
        if (subjects.Length == 0)
        {
            c.Output.WritePushHeader(3);
            c.Output.WriteBulkString(reply);
            c.Output.WriteNull();
            c.Output.WriteInteger(subscriber?.CountFor(kind) ?? 0);
            return;
        }
        foreach (var subject in subjects)
        {
            c.Node.PubSub.Unsubscribe(subscriber!, kind, subject);
            WriteSubscriptionReply(c.Output, reply, subject, subscriber!.CountFor(kind));
        }
    }

    private static void WriteSubscriptionReply(RespWriter output, ReadOnlySpan<byte> reply, ReadOnlySpan<byte> subject, int count)
    {
        output.WritePushHeader(3);
        output.WriteBulkString(reply);
        output.WriteBulkString(subject);
        output.WriteInteger(count);
    }

    /// <summary>
    /// (S)PUBLISH channel message: see <see cref="PubSubRegistry.PublishFrom"/> for who hears it when.
    /// As Redis, a master propagates it so the replicas' subscribers hear it too (inside MULTI or a
    /// script it joins their group) once it keeps a backlog for replicas — before that, as Redis's
    /// replicationFeedSlaves, not even the offset moves; a replica's own publish stays local (its
    /// stream is its master's).
    /// </summary>
    private static void Publish(CommandContext c, bool shard)
    {
        long receivers = c.Node.PubSub.PublishFrom(c.Connection, c.Args.ToArray(1), c.Args.ToArray(2), shard);
        var replication = c.Node.Replication;
        if (!replication.IsReplica && replication.Backlog.Active)
        {
            using var write = c.Keyspace.Lock();
            c.Keyspace.LogCommand(c.Args, change: false);
        }
        c.Output.WriteInteger(receivers);
    }

    /// <summary>Whether a log record is a (S)PUBLISH: for replicas only, so the start-up replay skips it.</summary>
    public static bool IsPublish(ReadOnlySpan<byte> name) =>
        System.Text.Ascii.EqualsIgnoreCase(name, "PUBLISH"u8) || System.Text.Ascii.EqualsIgnoreCase(name, "SPUBLISH"u8);
}
