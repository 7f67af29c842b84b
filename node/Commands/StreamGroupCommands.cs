using Istore.Node.Keyspace;
using Istore.Node.Objects.Streams;

namespace Istore.Node.Commands;

/// <summary>XGROUP (CREATE, SETID, DESTROY, CREATECONSUMER, DELCONSUMER, HELP), XACK and XPENDING.</summary>
public static class StreamGroupCommands
{
    private static readonly (string Name, int Arity)[] SubcommandTable =
        [("CREATE", -5), ("SETID", -5), ("DESTROY", 4), ("CREATECONSUMER", 5), ("DELCONSUMER", 5), ("HELP", 2)];

    private const int Create = 0, SetId = 1, Destroy = 2, CreateConsumer = 3, DeleteConsumer = 4, Help = 5;

    private static readonly string[] HelpLines =
    [
        "XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CREATE <key> <groupname> <id|$> [option]",
        "    Create a new consumer group. Options are:",
        "    * MKSTREAM",
        "      Create the empty stream if it does not exist.",
        "    * ENTRIESREAD entries_read",
        "      Set the group's entries_read counter (internal use).",
        "CREATECONSUMER <key> <groupname> <consumer>",
        "    Create a new consumer in the specified group.",
        "DELCONSUMER <key> <groupname> <consumer>",
        "    Remove the specified consumer.",
        "DESTROY <key> <groupname>",
        "    Remove the specified group.",
        "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
        "    Set the current group ID and entries_read counter.",
        "HELP",
        "    Print this help.",
    ];

    public static void Register(HandlerTable t)
    {
        t.Add("XGROUP", Group);
        t.Add("XACK", Acknowledge);
        t.Add("XPENDING", Pending);
    }

    private static void Group(CommandContext c)
    {
        int sub = Subcommands.Find(c, "xgroup", SubcommandTable);
        if (sub < 0)
            return;
        if (sub == Help)
        {
            HelpReply.Write(c, "xgroup", HelpLines);
            return;
        }
        bool makeStream = false;
        long entriesRead = StreamGroup.UnknownEntriesRead;
        for (int i = 5; i < c.Count; i++)
        {
            if (sub == Create && c.ArgIs(i, "MKSTREAM"u8))
            {
                makeStream = true;
            }
            else if (sub is Create or SetId && c.ArgIs(i, "ENTRIESREAD"u8) && i + 1 < c.Count)
            {
                if (!c.TryInt64(++i, out entriesRead))
                    return;
                if (entriesRead < 0 && entriesRead != StreamGroup.UnknownEntriesRead)
                {
                    c.Output.WriteError("ERR value for ENTRIESREAD must be positive or -1");
                    return;
                }
            }
            else
            {
                Subcommands.SyntaxError(c, "xgroup");
                return;
            }
        }
        using var write = c.Keyspace.Lock();
        if (!c.TryRead(2, out StreamValue? stream))
            return;
        if (stream is null && !makeStream)
        {
            c.Output.WriteError("ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.");
            return;
        }
        var group = stream?.FindGroup(c.Arg(3));
        if (group is null && sub is SetId or CreateConsumer or DeleteConsumer)
        {
            c.Output.WriteError($"NOGROUP No such consumer group '{c.ArgString(3)}' for key name '{c.ArgString(2)}'");
            return;
        }
        switch (sub)
        {
            case Create:
                CreateGroup(c, stream, entriesRead);
                break;
            case SetId:
                if (c.Count is not (5 or 7))
                {
                    Subcommands.SyntaxError(c, "xgroup");
                    return;
                }
                StreamId id;
                if (c.Arg(4) is [(byte)'$'])
                    id = stream!.LastId;
                else if (!StreamArguments.TryParse(c.Arg(4), strict: false, 0, out id))
                {
                    c.Output.WriteError(StreamArguments.InvalidId);
                    return;
                }
                group!.LastDelivered = id;
                group.EntriesRead = entriesRead;
                Changed(c, stream!);
                c.Output.WriteOk();
                break;
            case Destroy:
                if (group is not null)
                {
                    stream!.RemoveGroup(group);
                    Changed(c, stream);   // wakes XREADGROUP clients blocked on it, to fail with NOGROUP
                }
                c.Output.WriteInteger(group is null ? 0 : 1);
                break;
            case CreateConsumer:
                group!.OpenConsumer(c.Arg(4), Database.NowMs, out bool created);
                if (created)
                    Changed(c, stream!);
                c.Output.WriteInteger(created ? 1 : 0);
                break;
            default:
                var consumer = group!.FindConsumer(c.Arg(4));
                long pending = consumer is null ? 0 : group.DeleteConsumer(consumer);
                if (consumer is not null)
                    Changed(c, stream!);
                c.Output.WriteInteger(pending);
                break;
        }
    }

    /// <summary>XGROUP CREATE key group id|$ [MKSTREAM] [ENTRIESREAD n]</summary>
    private static void CreateGroup(CommandContext c, StreamValue? stream, long entriesRead)
    {
        StreamId id;
        if (c.Arg(4) is [(byte)'$'])
            id = stream?.LastId ?? StreamId.Zero;
        else if (!StreamArguments.TryStrictId(c, 4, out id))
            return;
        if (stream?.FindGroup(c.Arg(3)) is not null)
        {
            c.Output.WriteError("BUSYGROUP Consumer Group name already exists");
            return;
        }
        if (stream is null)
            stream = (StreamValue)c.Keyspace.StoreObject(c.Arg(2), new StreamObject());
        var name = c.Arg(3).ToArray();
        stream.AddGroup(new StreamGroup(name, id, entriesRead));
        Changed(c, stream);
        c.Output.WriteOk();
    }

    private static void Changed(CommandContext c, StreamValue stream)
    {
        c.Notify(PubSub.NotifyClass.Stream, "xgroup-" + c.ArgString(1).ToLowerInvariant(), c.Arg(2));
        c.Keyspace.ObjectChanged(c.Arg(2), stream);
        c.Keyspace.LogCommand(c.Args);
    }

    /// <summary>XACK key group id [id …]: every ID is checked first; missing key or group acknowledges nothing.</summary>
    private static void Acknowledge(CommandContext c) => StreamCommands.ForEachId(c, 3, stream => stream.FindGroup(c.Arg(2)), static (group, id) =>
    {
        if (group.Pending.Find(id) is not { } entry)
            return false;
        group.Acknowledge(entry);
        return true;
    });

    /// <summary>XPENDING key group [[IDLE min-idle] start end count [consumer]]</summary>
    private static void Pending(CommandContext c)
    {
        bool summary = c.Count == 3;
        if (!summary && (c.Count < 6 || c.Count > 9))
        {
            c.Output.WriteError(CommandErrors.Syntax);
            return;
        }
        long minIdle = 0, count = 0;
        StreamId start = default, end = default;
        int consumerAt = 0;
        if (!summary)
        {
            int at = 3;
            if (c.ArgIs(3, "IDLE"u8))
            {
                if (!c.TryInt64(4, out minIdle))
                    return;
                if (c.Count < 8)
                {
                    c.Output.WriteError(CommandErrors.Syntax);
                    return;
                }
                at += 2;
            }
            if (!c.TryInt64(at + 2, out count))
                return;
            count = Math.Max(count, 0);
            if (!StreamArguments.TryIntervalBound(c, at, isEnd: false, out start) || !StreamArguments.TryIntervalBound(c, at + 1, isEnd: true, out end))
                return;
            if (at + 3 < c.Count)
                consumerAt = at + 3;
        }
        using var read = c.Keyspace.Lock();
        if (!c.TryRead(1, out StreamValue? stream))
            return;
        var group = stream?.FindGroup(c.Arg(2));
        if (group is null)
        {
            c.Output.WriteError(StreamArguments.NoGroup(c, 1, 2));
            return;
        }
        if (summary)
        {
            WriteSummary(c, group);
            return;
        }
        PendingList list = group.Pending;
        if (consumerAt > 0)
        {
            var consumer = group.FindConsumer(c.Arg(consumerAt));
            if (consumer is null)
            {
                c.WriteEmptyArray();
                return;
            }
            list = consumer.Pending;
        }
        long now = Database.NowMs;
        var found = new List<PendingEntry>();
        if (count > 0)
        {
            foreach (var entry in list.From(start))
            {
                if (entry.Id > end)
                    break;
                if (minIdle != 0 && now - entry.DeliveryTime < minIdle)
                    continue;
                found.Add(entry);
                if (found.Count >= count)
                    break;
            }
        }
        c.Output.WriteArrayHeader(found.Count);
        foreach (var entry in found)
        {
            c.Output.WriteArrayHeader(4);
            StreamReply.WriteId(c.Output, entry.Id);
            c.Output.WriteBulkString(entry.Consumer.Name);
            c.Output.WriteInteger(Math.Max(0, now - entry.DeliveryTime));
            c.Output.WriteInteger(entry.DeliveryCount);
        }
    }

    /// <summary>XPENDING key group: the count, the smallest and largest IDs and each consumer's count.</summary>
    private static void WriteSummary(CommandContext c, StreamGroup group)
    {
        c.Output.WriteArrayHeader(4);
        c.Output.WriteInteger(group.Pending.Count);
        if (group.Pending.Count == 0)
        {
            c.Output.WriteNull();
            c.Output.WriteNull();
            c.Output.WriteNullArray();
            return;
        }
        StreamReply.WriteId(c.Output, group.Pending.From(StreamId.Zero).First().Id);
        StreamReply.WriteId(c.Output, group.Pending.Last().Id);
        var owners = group.Consumers.Values.Where(consumer => consumer.Pending.Count > 0).ToList();
        c.Output.WriteArrayHeader(owners.Count);
        foreach (var consumer in owners)
        {
            c.Output.WriteArrayHeader(2);
            c.Output.WriteBulkString(consumer.Name);
            c.Output.WriteBulkString(consumer.Pending.Count);
        }
    }
}
