using Istore.Net.Resp;
using Istore.Node.Keyspace;
using Istore.Node.Objects.Streams;

namespace Istore.Node.Commands;

/// <summary>XINFO STREAM [FULL [COUNT n]], XINFO GROUPS, XINFO CONSUMERS and XINFO HELP, in Redis 7.0's shapes.</summary>
public static class StreamInfoCommand
{
    private static readonly (string Name, int Arity)[] SubcommandTable = [("STREAM", -3), ("GROUPS", 3), ("CONSUMERS", 4), ("HELP", 2)];

    private const int Stream = 0, Groups = 1, Help = 3;

    private static readonly string[] HelpLines =
    [
        "XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CONSUMERS <key> <groupname>",
        "    Show consumers of <groupname>.",
        "GROUPS <key>",
        "    Show the stream consumer groups.",
        "STREAM <key> [FULL [COUNT <count>]",
        "    Show information about the stream.",
        "HELP",
        "    Print this help.",
    ];

    public static void Register(HandlerTable t) => t.Add("XINFO", Info);

    private static void Info(CommandContext c)
    {
        int sub = Subcommands.Find(c, "xinfo", SubcommandTable);
        if (sub < 0)
            return;
        if (sub == Help)
        {
            HelpReply.Write(c, "xinfo", HelpLines);
            return;
        }
        using var read = c.Keyspace.Lock();
        if (!c.TryRead(2, out StreamValue? stream))
            return;
        if (stream is null)
        {
            c.Output.WriteError(Errors.NoSuchKey);
            return;
        }
        switch (sub)
        {
            case Stream:
                StreamInfo(c, stream);
                break;
            case Groups:
                c.Output.WriteArrayHeader(stream.GroupCount);
                foreach (var group in stream.Groups)
                    WriteGroup(c.Output, stream, group);
                break;
            default:
                Consumers(c, stream);
                break;
        }
    }

    private static void WriteGroup(RespWriter output, StreamValue stream, StreamGroup group)
    {
        output.WriteMapHeader(6);
        output.WriteBulkString("name"u8);
        output.WriteBulkString(group.Name);
        output.WriteBulkString("consumers"u8);
        output.WriteInteger(group.Consumers.Count);
        output.WriteBulkString("pending"u8);
        output.WriteInteger(group.Pending.Count);
        output.WriteBulkString("last-delivered-id"u8);
        StreamReply.WriteId(output, group.LastDelivered);
        WriteReadAndLag(output, stream, group);
    }

    private static void WriteReadAndLag(RespWriter output, StreamValue stream, StreamGroup group)
    {
        output.WriteBulkString("entries-read"u8);
        WriteOptional(output, group.EntriesRead == StreamGroup.UnknownEntriesRead ? null : group.EntriesRead);
        output.WriteBulkString("lag"u8);
        WriteOptional(output, stream.Lag(group));
    }

    private static void WriteOptional(RespWriter output, long? value)
    {
        if (value is { } known) output.WriteInteger(known);
        else output.WriteNull();
    }

    private static void Consumers(CommandContext c, StreamValue stream)
    {
        var group = stream.FindGroup(c.Arg(3));
        if (group is null)
        {
            c.Output.WriteError($"NOGROUP No such consumer group '{c.ArgString(3)}' for key name '{c.ArgString(2)}'");
            return;
        }
        long now = Database.NowMs;
        c.Output.WriteArrayHeader(group.Consumers.Count);
        foreach (var consumer in group.Consumers.Values)
        {
            c.Output.WriteMapHeader(3);
            c.Output.WriteBulkString("name"u8);
            c.Output.WriteBulkString(consumer.Name);
            c.Output.WriteBulkString("pending"u8);
            c.Output.WriteInteger(consumer.Pending.Count);
            c.Output.WriteBulkString("idle"u8);
            c.Output.WriteInteger(Math.Max(0, now - consumer.SeenTime));
        }
    }

    /// <summary>XINFO STREAM key [FULL [COUNT n]]: COUNT (default 10, 0 = all) caps entries and each PEL listed.</summary>
    private static void StreamInfo(CommandContext c, StreamValue stream)
    {
        bool full = c.Count > 3;
        long count = 10;
        if (full)
        {
            if (!c.ArgIs(3, "FULL"u8) || c.Count is not (4 or 6) || (c.Count == 6 && !c.ArgIs(4, "COUNT"u8)))
            {
                Subcommands.SyntaxError(c, "xinfo");
                return;
            }
            if (c.Count == 6)
            {
                if (!c.TryInt64(5, out count))
                    return;
                count = Math.Max(count, 0);
            }
        }
        var output = c.Output;
        output.WriteMapHeader(full ? 9 : 10);
        output.WriteBulkString("length"u8);
        output.WriteInteger(stream.Count);
        output.WriteBulkString("radix-tree-keys"u8);
        output.WriteInteger(stream.NodeCount);
        output.WriteBulkString("radix-tree-nodes"u8);
        output.WriteInteger(stream.NodeCount + 1);
        output.WriteBulkString("last-generated-id"u8);
        StreamReply.WriteId(output, stream.LastId);
        output.WriteBulkString("max-deleted-entry-id"u8);
        StreamReply.WriteId(output, stream.MaxDeletedId);
        output.WriteBulkString("entries-added"u8);
        output.WriteInteger(stream.EntriesAdded);
        output.WriteBulkString("recorded-first-entry-id"u8);
        StreamReply.WriteId(output, stream.FirstId);
        if (!full)
        {
            output.WriteBulkString("groups"u8);
            output.WriteInteger(stream.GroupCount);
            output.WriteBulkString("first-entry"u8);
            WriteEdge(output, stream.Forward(StreamId.Zero, StreamId.Max));
            output.WriteBulkString("last-entry"u8);
            WriteEdge(output, stream.Backward(StreamId.Max, StreamId.Zero));
            return;
        }
        output.WriteBulkString("entries"u8);
        StreamReply.WriteEntries(output, StreamReply.Take(stream.Forward(StreamId.Zero, StreamId.Max), count));
        output.WriteBulkString("groups"u8);
        output.WriteArrayHeader(stream.GroupCount);
        foreach (var group in stream.Groups)
            WriteFullGroup(output, stream, group, count);
    }

    private static void WriteEdge(RespWriter output, IEnumerable<EntryRef> walk)
    {
        foreach (var entry in walk)
        {
            StreamReply.WriteEntry(output, entry);
            return;
        }
        output.WriteNull();
    }

    private static void WriteFullGroup(RespWriter output, StreamValue stream, StreamGroup group, long count)
    {
        output.WriteMapHeader(7);
        output.WriteBulkString("name"u8);
        output.WriteBulkString(group.Name);
        output.WriteBulkString("last-delivered-id"u8);
        StreamReply.WriteId(output, group.LastDelivered);
        WriteReadAndLag(output, stream, group);
        output.WriteBulkString("pel-count"u8);
        output.WriteInteger(group.Pending.Count);
        output.WriteBulkString("pending"u8);
        WritePending(output, group.Pending, count, withOwner: true);
        output.WriteBulkString("consumers"u8);
        output.WriteArrayHeader(group.Consumers.Count);
        foreach (var consumer in group.Consumers.Values)
        {
            output.WriteMapHeader(4);
            output.WriteBulkString("name"u8);
            output.WriteBulkString(consumer.Name);
            output.WriteBulkString("seen-time"u8);
            output.WriteInteger(consumer.SeenTime);
            output.WriteBulkString("pel-count"u8);
            output.WriteInteger(consumer.Pending.Count);
            output.WriteBulkString("pending"u8);
            WritePending(output, consumer.Pending, count, withOwner: false);
        }
    }

    /// <summary>Up to <paramref name="count"/> (0 = all) pending entries: [id, (owner,) delivery time, deliveries].</summary>
    private static void WritePending(RespWriter output, PendingList list, long count, bool withOwner)
    {
        var pending = count > 0 ? list.From(StreamId.Zero).Take((int)Math.Min(count, int.MaxValue)).ToList() : [.. list.From(StreamId.Zero)];
        output.WriteArrayHeader(pending.Count);
        foreach (var entry in pending)
        {
            output.WriteArrayHeader(withOwner ? 4 : 3);
            StreamReply.WriteId(output, entry.Id);
            if (withOwner)
                output.WriteBulkString(entry.Consumer.Name);
            output.WriteInteger(entry.DeliveryTime);
            output.WriteInteger(entry.DeliveryCount);
        }
    }
}
