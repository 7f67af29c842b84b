namespace Istore.Net.Commands;

public static partial class CommandTable
{
    /// <summary>The subcommands of OBJECT, PUBSUB, XGROUP, XINFO, SCRIPT and FUNCTION.</summary>
    private static void AddDataSubcommands(List<Subcommand> t)
    {
        const AclCategory Key = AclCategory.Keyspace | AclCategory.Read | Slow;
        Add(t, "OBJECT", "ENCODING", Key, "Inspect the internal encoding of a Redis object", Doc("2.2.3", O1, "key:key"));
        Add(t, "OBJECT", "FREQ", Key, "Get the logarithmic access frequency counter of a Redis object", Doc("4.0.0", O1, "key:key"));
        Add(t, "OBJECT", "HELP", AclCategory.Keyspace | Slow, SubcommandHelp, Doc("6.2.0", O1));
        Add(t, "OBJECT", "IDLETIME", Key, "Get the time since a Redis object was last accessed", Doc("2.2.3", O1, "key:key"));
        Add(t, "OBJECT", "REFCOUNT", Key, "Get the number of references to the value of the key", Doc("2.2.3", O1, "key:key"));

        const AclCategory P = AclCategory.PubSub | Slow;
        Add(t, "PUBSUB", "CHANNELS", P, "List active channels",
            Doc("2.8.0", "O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively short channels and patterns)", "[pattern:pattern]"));
        Add(t, "PUBSUB", "HELP", Slow, SubcommandHelp, Doc("6.2.0", O1));
        Add(t, "PUBSUB", "NUMPAT", P, "Get the count of unique patterns pattern subscriptions", Doc("2.8.0", O1));
        Add(t, "PUBSUB", "NUMSUB", P, "Get the count of subscribers for channels",
            Doc("2.8.0", "O(N) for the NUMSUB subcommand, where N is the number of requested channels", "[channel...]"));
        Add(t, "PUBSUB", "SHARDCHANNELS", P, "List active shard channels",
            Doc("7.0.0", "O(N) where N is the number of active shard channels, and assuming constant time pattern matching (relatively short shard channels).", "[pattern:pattern]"));
        Add(t, "PUBSUB", "SHARDNUMSUB", P, "Get the count of subscribers for shard channels",
            Doc("7.0.0", "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels", "[shardchannel...]"));

        const AclCategory G = AclCategory.Write | AclCategory.Stream | Slow;
        const string Id = "id=(id | new_id=$)";
        Add(t, "XGROUP", "CREATE", G, "Create a consumer group.",
            Doc("5.0.0", O1, $"key:key groupname {Id} [MKSTREAM] [ENTRIESREAD entries_read:integer]", history: ["7.0.0 Added the `entries_read` named argument."]));
        Add(t, "XGROUP", "CREATECONSUMER", G, "Create a consumer in a consumer group.", Doc("6.2.0", O1, "key:key groupname consumername"));
        Add(t, "XGROUP", "DELCONSUMER", G, "Delete a consumer from a consumer group.", Doc("5.0.0", O1, "key:key groupname consumername"));
        Add(t, "XGROUP", "DESTROY", G, "Destroy a consumer group.",
            Doc("5.0.0", "O(N) where N is the number of entries in the group's pending entries list (PEL).", "key:key groupname"));
        Add(t, "XGROUP", "HELP", AclCategory.Stream | Slow, SubcommandHelp, Doc("5.0.0", O1));
        Add(t, "XGROUP", "SETID", G, "Set a consumer group to an arbitrary last delivered ID value.",
            Doc("5.0.0", O1, $"key:key groupname {Id} [ENTRIESREAD entries_read:integer]", history: ["7.0.0 Added the optional `entries_read` argument."]));

        const AclCategory I = AclCategory.Read | AclCategory.Stream | Slow;
        Add(t, "XINFO", "CONSUMERS", I, "List the consumers in a consumer group", Doc("5.0.0", O1, "key:key groupname"));
        Add(t, "XINFO", "GROUPS", I, "List the consumer groups of a stream", Doc("5.0.0", O1, "key:key", history: ["7.0.0 Added the `entries-read` and `lag` fields"]));
        Add(t, "XINFO", "HELP", AclCategory.Stream | Slow, SubcommandHelp, Doc("5.0.0", O1));
        Add(t, "XINFO", "STREAM", I, "Get information about a stream",
            Doc("5.0.0", O1, "key:key [full=FULL ([COUNT count:integer])]",
                history: ["6.0.0 Added the `FULL` modifier.", "7.0.0 Added the `max-deleted-entry-id`, `entries-added`, `recorded-first-entry-id`, `entries-read` and `lag` fields"]));

        const AclCategory S = Slow | AclCategory.Scripting, W = AclCategory.Write | S;
        const string Flush = "async=[ASYNC | SYNC]";
        Add(t, "SCRIPT", "DEBUG", S, "Set the debug mode for executed scripts.", Doc("3.2.0", O1, "mode=(YES | SYNC | NO)"));
        Add(t, "SCRIPT", "EXISTS", S, "Check existence of scripts in the script cache.",
            Doc("2.6.0", "O(N) with N being the number of scripts to check (so checking a single script is an O(1) operation).", "sha1..."));
        Add(t, "SCRIPT", "FLUSH", S, "Remove all the scripts from the script cache.",
            Doc("2.6.0", "O(N) with N being the number of scripts in cache", Flush + "{6.2.0}", history: ["6.2.0 Added the `ASYNC` and `SYNC` flushing mode modifiers."]));
        Add(t, "SCRIPT", "HELP", S, SubcommandHelp, Doc("5.0.0", O1));
        Add(t, "SCRIPT", "KILL", S, "Kill the script currently in execution.", Doc("2.6.0", O1));
        Add(t, "SCRIPT", "LOAD", S, "Load the specified Lua script into the script cache.", Doc("2.6.0", "O(N) with N being the length in bytes of the script body.", "script"));

        const string Functions = "O(N) where N is the number of functions";
        Add(t, "FUNCTION", "DELETE", W, "Delete a function by name", Doc("7.0.0", O1, "library-name"));
        Add(t, "FUNCTION", "DUMP", S, "Dump all functions into a serialized binary payload", Doc("7.0.0", Functions));
        Add(t, "FUNCTION", "FLUSH", W, "Deleting all functions", Doc("7.0.0", "O(N) where N is the number of functions deleted", Flush));
        Add(t, "FUNCTION", "HELP", S, SubcommandHelp, Doc("7.0.0", O1));
        Add(t, "FUNCTION", "KILL", S, "Kill the function currently in execution.", Doc("7.0.0", O1));
        Add(t, "FUNCTION", "LIST", S, "List information about all the functions", Doc("7.0.0", Functions, "[LIBRARYNAME library-name-pattern] [WITHCODE]"));
        Add(t, "FUNCTION", "LOAD", W, "Create a function with the given arguments (name, code, description)",
            Doc("7.0.0", "O(1) (considering compilation time is redundant)", "[REPLACE] function-code"));
        Add(t, "FUNCTION", "RESTORE", W, "Restore all the functions on the given payload",
            Doc("7.0.0", "O(N) where N is the number of functions on the payload", "serialized-value policy=[FLUSH | APPEND | REPLACE]"));
        Add(t, "FUNCTION", "STATS", S, "Return information about the function currently running (name, description, duration)", Doc("7.0.0", O1));
    }
}
