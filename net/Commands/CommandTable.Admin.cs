namespace Istore.Net.Commands;

public static partial class CommandTable
{
    /// <summary>Introspection and access control for operators: SLOWLOG, LATENCY, MEMORY, ACL, MONITOR, LOLWUT.</summary>
    private static void AddAdmin(List<CommandSpec> t)
    {
        const string g = "server";
        const CommandFlags S = CommandFlags.Stale | CommandFlags.Loading;
        Add(t, g, "SLOWLOG", -2, A | S, 0, 0, 0, "A container for slow log commands (GET, LEN, RESET, HELP).",
            docs: Doc("2.2.12", BySubcommand));
        Add(t, g, "LATENCY", -2, A | CommandFlags.NoScript | S, 0, 0, 0, "A container for latency diagnostics commands (LATEST, HISTORY, GRAPH, DOCTOR, RESET, HISTOGRAM, HELP).",
            docs: Doc("2.8.13", BySubcommand));
        Add(t, g, "MEMORY", -2, R, 2, 2, 1, "A container for memory diagnostics commands (USAGE, STATS, DOCTOR, MALLOC-STATS, PURGE, HELP).", keys: "RO i2",
            docs: Doc("4.0.0", BySubcommand));
        Add(t, g, "ACL", -2, CommandFlags.NoScript | S, 0, 0, 0, "A container for Access List Control commands (SETUSER, GETUSER, DELUSER, USERS, LIST, WHOAMI, CAT, GENPASS, DRYRUN, LOG, HELP).",
            docs: Doc("6.0.0", BySubcommand));
        Add(t, g, "MONITOR", 1, A | CommandFlags.NoScript | S, 0, 0, 0, "Listens for all requests received by the server in real-time.",
            docs: Doc("1.0.0", null));
        Add(t, g, "LOLWUT", -1, R | F, 0, 0, 0, "Displays computer art and the Redis version",
            docs: Doc("5.0.0", null, "[VERSION version:integer]"));
    }
}
