namespace Istore.Net.Commands;

public static partial class CommandTable
{
    private static void AddConnection(List<CommandSpec> t)
    {
        const string g = "connection";
        const CommandFlags N = CommandFlags.NoAuth;
        const CommandFlags S = CommandFlags.Stale | CommandFlags.Loading;
        // Not stale-safe, as in Redis (a replica with serve-stale-data off answers MASTERDOWN); answered while loading, unlike Redis, for HA's probes.
        Add(t, g, "PING", -1, F | CommandFlags.Loading, 0, 0, 0, "Returns the server's liveliness response.", tips: "request_policy:all_shards response_policy:all_succeeded",
            docs: Doc("1.0.0", O1, "[message]"));
        Add(t, g, "ECHO", 2, F | S, 0, 0, 0, "Returns the given string.",
            docs: Doc("1.0.0", O1, "message"));
        Add(t, g, "HELLO", -1, N | F | S | CommandFlags.NoScript | CommandFlags.AllowBusy, 0, 0, 0, "Handshakes with the Redis server.",
            docs: Doc("6.0.0", O1, "arguments=[protover:integer [AUTH (username password)] [SETNAME clientname]]",
                history: ["6.2.0 `protover` made optional; when called without arguments the command reports the current connection's context."]));
        Add(t, g, "AUTH", -2, N | F | S | CommandFlags.NoScript | CommandFlags.AllowBusy, 0, 0, 0, "Authenticates the connection.",
            docs: Doc("1.0.0", "O(N) where N is the number of passwords defined for the user", "[username]{6.0.0} password", history: ["6.0.0 Added ACL style (username and password)."]));
        Add(t, g, "SELECT", 2, F | S, 0, 0, 0, "Changes the selected database.",
            docs: Doc("1.0.0", O1, "index:integer"));
        Add(t, g, "QUIT", -1, N | F | S | CommandFlags.NoScript | CommandFlags.AllowBusy, 0, 0, 0, "Closes the connection.",
            docs: Doc("1.0.0", O1));
        Add(t, g, "RESET", 1, N | F | S | CommandFlags.NoScript | CommandFlags.AllowBusy, 0, 0, 0, "Resets the connection.",
            docs: Doc("6.2.0", O1));
        Add(t, g, "CLIENT", -2, S, 0, 0, 0, "A container for client connection commands (ID, SETNAME, GETNAME, LIST, KILL, INFO, NO-EVICT, NO-TOUCH, PAUSE, UNPAUSE, TRACKING, CACHING, GETREDIR, TRACKINGINFO, UNBLOCK, REPLY).",
            docs: Doc("2.4.0", BySubcommand));
    }

    private static void AddServer(List<CommandSpec> t)
    {
        const string g = "server";
        const CommandFlags S = CommandFlags.Stale | CommandFlags.Loading;
        const CommandFlags NS = CommandFlags.NoScript;
        const string Flush = "async=[ASYNC{4.0.0} | SYNC{6.2.0}]";
        string[] flushHistory = ["4.0.0 Added the `ASYNC` flushing mode modifier.", "6.2.0 Added the `SYNC` flushing mode modifier."];
        Add(t, g, "INFO", -1, S, 0, 0, 0, "Returns information and statistics about the server.", tips: "nondeterministic_output request_policy:all_shards response_policy:special",
            docs: Doc("1.0.0", O1, "[section...]", history: ["7.0.0 Added support for taking multiple section arguments."]));
        Add(t, g, "CONFIG", -2, A | NS | S, 0, 0, 0, "A container for server configuration commands (GET, SET, RESETSTAT).",
            docs: Doc("2.0.0", BySubcommand));
        Add(t, g, "TIME", 1, F | S, 0, 0, 0, "Returns the server time.", tips: "nondeterministic_output",
            docs: Doc("2.6.0", O1));
        Add(t, g, "DBSIZE", 1, R | F, 0, 0, 0, "Returns the number of keys in the database.", tips: "request_policy:all_shards response_policy:agg_sum",
            docs: Doc("1.0.0", O1));
        Add(t, g, "FLUSHDB", -1, W, 0, 0, 0, "Remove all keys from the current database.", tips: "request_policy:all_shards response_policy:all_succeeded",
            docs: Doc("1.0.0", "O(N) where N is the number of keys in the selected database", Flush, history: flushHistory));
        Add(t, g, "FLUSHALL", -1, W, 0, 0, 0, "Removes all keys from all databases.", tips: "request_policy:all_shards response_policy:all_succeeded",
            docs: Doc("1.0.0", "O(N) where N is the total number of keys in all databases", Flush, history: flushHistory));
        Add(t, g, "LASTSAVE", 1, F | S, 0, 0, 0, "Returns the Unix timestamp of the last successful save to disk.", tips: "nondeterministic_output",
            docs: Doc("1.0.0", O1));
        Add(t, g, "SAVE", 1, A | NS | CommandFlags.NoMulti | CommandFlags.NoAsyncLoading, 0, 0, 0, "Synchronously saves the database(s) to disk.",
            docs: Doc("1.0.0", "O(N) where N is the total number of keys in all databases"));
        Add(t, g, "BGSAVE", -1, A | NS | CommandFlags.NoAsyncLoading, 0, 0, 0, "Asynchronously saves the database(s) to disk.",
            docs: Doc("1.0.0", O1, "[SCHEDULE]{3.2.2}", history: ["3.2.2 Added the `SCHEDULE` option."]));
        Add(t, g, "BGREWRITEAOF", 1, A | NS | CommandFlags.NoAsyncLoading, 0, 0, 0, "Asynchronously rewrites the append-only file to disk.",
            docs: Doc("1.0.0", O1));
        Add(t, g, "SHUTDOWN", -1, A | NS | S | CommandFlags.NoMulti | CommandFlags.AllowBusy, 0, 0, 0, "Synchronously saves the database(s) to disk and shuts down the Redis server.",
            docs: Doc("1.0.0", "O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)", "[NOSAVE | SAVE] [NOW]{7.0.0} [FORCE]{7.0.0} [ABORT]{7.0.0}",
                history: ["7.0.0 Added the `NOW`, `FORCE` and `ABORT` modifiers."]));
        Add(t, g, "COMMAND", -1, S, 0, 0, 0, "Returns detailed information about all commands.", tips: "nondeterministic_output_order",
            docs: Doc("2.8.13", "O(N) where N is the total number of Redis commands"));
    }
}
