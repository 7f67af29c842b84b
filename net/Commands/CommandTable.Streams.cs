namespace Istore.Net.Commands;

public static partial class CommandTable
{
    private static void AddStreams(List<CommandSpec> t)
    {
        const string g = "stream";
        Add(t, g, "XADD", -5, W | M | F, 1, 1, 1, "Appends a new message to a stream. Creates the key if it doesn't exist.");
        Add(t, g, "XLEN", 2, R | F, 1, 1, 1, "Return the number of messages in a stream.");
        Add(t, g, "XRANGE", -4, R, 1, 1, 1, "Returns the messages from a stream within a range of IDs.");
        Add(t, g, "XREVRANGE", -4, R, 1, 1, 1, "Returns the messages from a stream within a range of IDs in reverse order.");
        Add(t, g, "XDEL", -3, W | F, 1, 1, 1, "Returns the number of messages after removing them from a stream.");
        Add(t, g, "XTRIM", -4, W, 1, 1, 1, "Deletes messages from the beginning of a stream.");
        Add(t, g, "XSETID", -3, W | M | F, 1, 1, 1, "An internal command for replicating stream values.");
        // STREAMS key [key …] id [id …]: the keys are the first half after the keyword.
        t.Add(new CommandSpec("XREAD", -4, R | B, 0, 0, 0, g,
            "Returns messages from multiple streams with IDs greater than the ones requested. Blocks until a message is available otherwise.")
        { KeywordHalfKeys = "STREAMS" });
        t.Add(new CommandSpec("XREADGROUP", -7, W | B, 0, 0, 0, g,
            "Returns new or historical messages from a stream for a consumer in a group. Blocks until a message is available otherwise.")
        { KeywordHalfKeys = "STREAMS" });
        Add(t, g, "XGROUP", -2, W, 2, 2, 1, "A container for consumer groups commands (CREATE, SETID, DESTROY, CREATECONSUMER, DELCONSUMER, HELP).");
        Add(t, g, "XACK", -4, W | F, 1, 1, 1, "Returns the number of messages that were successfully acknowledged by the consumer group member of a stream.");
        Add(t, g, "XPENDING", -3, R, 1, 1, 1, "Returns the information and entries from a stream consumer group's pending entries list.");
        Add(t, g, "XCLAIM", -6, W | F, 1, 1, 1, "Changes, or acquires, ownership of a message in a consumer group, as if the message was delivered a consumer group member.");
        Add(t, g, "XAUTOCLAIM", -6, W | F, 1, 1, 1, "Changes, or acquires, ownership of messages in a consumer group, as if the messages were delivered to as consumer group member.");
        Add(t, g, "XINFO", -2, R, 2, 2, 1, "A container for stream introspection commands (STREAM, GROUPS, CONSUMERS, HELP).");
    }
}
