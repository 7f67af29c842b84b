namespace Istore.Net.Commands;

public static partial class CommandTable
{
    private static void AddConnection(List<CommandSpec> t)
    {
        const string g = "connection";
        const CommandFlags N = CommandFlags.NoAuth;
        const CommandFlags S = CommandFlags.Stale | CommandFlags.Loading;
        // Not stale-safe, as in Redis (a replica with serve-stale-data off answers MASTERDOWN); answered while loading, unlike Redis, for HA's probes.
        Add(t, g, "PING", -1, F | CommandFlags.Loading, 0, 0, 0, "Returns the server's liveliness response.", tips: "request_policy:all_shards response_policy:all_succeeded");
        Add(t, g, "ECHO", 2, F | S, 0, 0, 0, "Returns the given string.");
        Add(t, g, "HELLO", -1, N | F | S | CommandFlags.NoScript | CommandFlags.AllowBusy, 0, 0, 0, "Handshakes with the Redis server.");
        Add(t, g, "AUTH", -2, N | F | S | CommandFlags.NoScript | CommandFlags.AllowBusy, 0, 0, 0, "Authenticates the connection.");
        Add(t, g, "SELECT", 2, F | S, 0, 0, 0, "Changes the selected database.");
        Add(t, g, "QUIT", -1, N | F | S | CommandFlags.NoScript | CommandFlags.AllowBusy, 0, 0, 0, "Closes the connection.");
        Add(t, g, "RESET", 1, N | F | S | CommandFlags.NoScript | CommandFlags.AllowBusy, 0, 0, 0, "Resets the connection.");
        Add(t, g, "CLIENT", -2, S, 0, 0, 0, "A container for client connection commands (ID, SETNAME, GETNAME, LIST, KILL, INFO, NO-EVICT, NO-TOUCH, PAUSE, UNPAUSE, TRACKING, CACHING, GETREDIR, TRACKINGINFO, UNBLOCK, REPLY).");
    }

    private static void AddServer(List<CommandSpec> t)
    {
        const string g = "server";
        const CommandFlags S = CommandFlags.Stale | CommandFlags.Loading;
        const CommandFlags NS = CommandFlags.NoScript;
        Add(t, g, "INFO", -1, S, 0, 0, 0, "Returns information and statistics about the server.", tips: "nondeterministic_output request_policy:all_shards response_policy:special");
        Add(t, g, "CONFIG", -2, A | NS | S, 0, 0, 0, "A container for server configuration commands (GET, SET, RESETSTAT).");
        Add(t, g, "TIME", 1, F | S, 0, 0, 0, "Returns the server time.", tips: "nondeterministic_output");
        Add(t, g, "DBSIZE", 1, R | F, 0, 0, 0, "Returns the number of keys in the database.", tips: "request_policy:all_shards response_policy:agg_sum");
        Add(t, g, "FLUSHDB", -1, W, 0, 0, 0, "Remove all keys from the current database.", tips: "request_policy:all_shards response_policy:all_succeeded");
        Add(t, g, "FLUSHALL", -1, W, 0, 0, 0, "Removes all keys from all databases.", tips: "request_policy:all_shards response_policy:all_succeeded");
        Add(t, g, "LASTSAVE", 1, F | S, 0, 0, 0, "Returns the Unix timestamp of the last successful save to disk.", tips: "nondeterministic_output");
        Add(t, g, "SAVE", 1, A | NS | CommandFlags.NoMulti | CommandFlags.NoAsyncLoading, 0, 0, 0, "Synchronously saves the database(s) to disk.");
        Add(t, g, "BGSAVE", -1, A | NS | CommandFlags.NoAsyncLoading, 0, 0, 0, "Asynchronously saves the database(s) to disk.");
        Add(t, g, "BGREWRITEAOF", 1, A | NS | CommandFlags.NoAsyncLoading, 0, 0, 0, "Asynchronously rewrites the append-only file to disk.");
        Add(t, g, "SHUTDOWN", -1, A | NS | S | CommandFlags.NoMulti | CommandFlags.AllowBusy, 0, 0, 0, "Synchronously saves the database(s) to disk and shuts down the Redis server.");
        Add(t, g, "COMMAND", -1, S, 0, 0, 0, "Returns detailed information about all commands.", tips: "nondeterministic_output_order");
    }
}
