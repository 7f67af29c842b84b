namespace Istore.Net.Commands;

public static partial class CommandTable
{
    private static void AddStreams(List<CommandSpec> t)
    {
        const string g = "stream";
        Add(t, g, "XADD", -5, W | M | F, 1, 1, 1, "Appends a new message to a stream. Creates the key if it doesn't exist.", keys: "RW update # UPDATE instead of INSERT because of the optional trimming feature", tips: "nondeterministic_output");
        Add(t, g, "XLEN", 2, R | F, 1, 1, 1, "Return the number of messages in a stream.", keys: "RO");
        Add(t, g, "XRANGE", -4, R, 1, 1, 1, "Returns the messages from a stream within a range of IDs.", keys: "RO access");
        Add(t, g, "XREVRANGE", -4, R, 1, 1, 1, "Returns the messages from a stream within a range of IDs in reverse order.", keys: "RO access");
        Add(t, g, "XDEL", -3, W | F, 1, 1, 1, "Returns the number of messages after removing them from a stream.", keys: "RW delete");
        Add(t, g, "XTRIM", -4, W, 1, 1, 1, "Deletes messages from the beginning of a stream.", keys: "RW delete", tips: "nondeterministic_output");
        Add(t, g, "XSETID", -3, W | M | F, 1, 1, 1, "An internal command for replicating stream values.", keys: "RW update");
        // STREAMS key [key …] id [id …]: the keys are the first half after the keyword.
        t.Add(new CommandSpec("XREAD", -4, R | B, 0, 0, 0, g,
            "Returns messages from multiple streams with IDs greater than the ones requested. Blocks until a message is available otherwise.")
        { KeywordHalfKeys = "STREAMS", Keys = "RO access kSTREAMS,1 r-1,1,2" });
        t.Add(new CommandSpec("XREADGROUP", -7, W | B, 0, 0, 0, g,
            "Returns new or historical messages from a stream for a consumer in a group. Blocks until a message is available otherwise.")
        { KeywordHalfKeys = "STREAMS", Keys = "RO access kSTREAMS,4 r-1,1,2" });
        Add(t, g, "XGROUP", -2, W, 2, 2, 1, "A container for consumer groups commands (CREATE, SETID, DESTROY, CREATECONSUMER, DELCONSUMER, HELP).", keys: "RW update i2");
        Add(t, g, "XACK", -4, W | F, 1, 1, 1, "Returns the number of messages that were successfully acknowledged by the consumer group member of a stream.", keys: "RW update");
        Add(t, g, "XPENDING", -3, R, 1, 1, 1, "Returns the information and entries from a stream consumer group's pending entries list.", keys: "RO access", tips: "nondeterministic_output");
        Add(t, g, "XCLAIM", -6, W | F, 1, 1, 1, "Changes, or acquires, ownership of a message in a consumer group, as if the message was delivered a consumer group member.", keys: "RW update", tips: "nondeterministic_output");
        Add(t, g, "XAUTOCLAIM", -6, W | F, 1, 1, 1, "Changes, or acquires, ownership of messages in a consumer group, as if the messages were delivered to as consumer group member.", keys: "RW delete", tips: "nondeterministic_output");
        Add(t, g, "XINFO", -2, R, 2, 2, 1, "A container for stream introspection commands (STREAM, GROUPS, CONSUMERS, HELP).", keys: "RO access i2");
    }
}
