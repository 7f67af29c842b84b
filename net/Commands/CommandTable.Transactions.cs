namespace Istore.Net.Commands;

public static partial class CommandTable
{
    private static void AddTransactions(List<CommandSpec> t)
    {
        const string g = "transactions";
        const CommandFlags S = CommandFlags.NoScript | CommandFlags.Loading | CommandFlags.Stale;
        const CommandFlags AB = CommandFlags.AllowBusy;
        Add(t, g, "MULTI", 1, S | F | AB, 0, 0, 0, "Starts a transaction.",
            docs: Doc("1.2.0", O1));
        Add(t, g, "EXEC", 1, S | CommandFlags.SkipSlowlog, 0, 0, 0, "Executes all commands in a transaction.",
            docs: Doc("1.2.0", "Depends on commands in the transaction"));
        Add(t, g, "DISCARD", 1, S | F | AB, 0, 0, 0, "Discards a transaction.",
            docs: Doc("2.0.0", "O(N), when N is the number of queued commands"));
        Add(t, g, "WATCH", -2, S | F | AB, 1, -1, 1, "Monitors changes to keys to determine the execution of a transaction.", keys: "RO",
            docs: Doc("2.2.0", "O(1) for every key.", "key:key..."));
        Add(t, g, "UNWATCH", 1, S | F | AB, 0, 0, 0, "Forgets about watched keys of a transaction.",
            docs: Doc("2.2.0", O1));
    }
}
