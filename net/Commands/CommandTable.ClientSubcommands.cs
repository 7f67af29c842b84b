namespace Istore.Net.Commands;

public static partial class CommandTable
{
    /// <summary>The subcommands of CLIENT.</summary>
    private static void AddClientSubcommands(List<Subcommand> t)
    {
        const AclCategory C = AclCategory.Connection | Slow, D = Dangerous | AclCategory.Connection;
        const string Clients = "O(N) where N is the number of client connections";
        const string KillFilters = "[ID client-id:integer]{2.8.12} | [TYPE normal_master_slave_pubsub=(NORMAL | MASTER{3.2.0} | SLAVE | REPLICA{5.0.0} | PUBSUB)]{2.8.12} " +
            "| [USER username] | [ADDR ip:port] | [LADDR ip:port]{6.2.0} | [SKIPME yes/no]";
        Add(t, "CLIENT", "CACHING", C, "Instruct the server about tracking or not keys in the next request", Doc("6.0.0", O1, "mode=(YES | NO)"));
        Add(t, "CLIENT", "GETNAME", C, "Get the current connection name", Doc("2.6.9", O1));
        Add(t, "CLIENT", "GETREDIR", C, "Get tracking notifications redirection client ID if any", Doc("6.0.0", O1));
        Add(t, "CLIENT", "HELP", C, SubcommandHelp, Doc("5.0.0", O1));
        Add(t, "CLIENT", "ID", C, "Returns the client ID for the current connection", Doc("5.0.0", O1));
        Add(t, "CLIENT", "INFO", C, "Returns information about the current client connection.", Doc("6.2.0", O1));
        Add(t, "CLIENT", "KILL", D, "Kill the connection of a client",
            Doc("2.4.0", Clients, $"filter=(ip:port{{,2.8.12}} | new-format=({KillFilters})...)",
                history: ["2.8.12 Added new filter format.", "2.8.12 `ID` option.", "3.2.0 Added `master` type in for `TYPE` option.",
                    "5.0.0 Replaced `slave` `TYPE` with `replica`. `slave` still supported for backward compatibility.", "6.2.0 `LADDR` option."]));
        Add(t, "CLIENT", "LIST", D, "Get the list of client connections",
            Doc("2.4.0", Clients, "[TYPE normal_master_replica_pubsub=(NORMAL | MASTER | REPLICA | PUBSUB)]{5.0.0} [id=ID (client-id:integer...)]{6.2.0}",
                history: ["2.8.12 Added unique client `id` field.", "5.0.0 Added optional `TYPE` filter.", "6.0.0 Added `user` field.",
                    "6.2.0 Added `argv-mem`, `tot-mem`, `laddr` and `redir` fields and the optional `ID` filter.", "7.0.0 Added `resp`, `multi-mem`, `rbs` and `rbp` fields.", "7.0.3 Added `ssub` field."]));
        Add(t, "CLIENT", "NO-EVICT", D, "Set client eviction mode for the current connection", Doc("7.0.0", O1, "enabled=(ON | OFF)"));
        Add(t, "CLIENT", "PAUSE", D, "Stop processing commands from clients for some time",
            Doc("2.9.50", O1, "timeout:integer mode=[WRITE | ALL]{6.2.0}", history: ["6.2.0 `CLIENT PAUSE WRITE` mode added along with the `mode` option."]));
        Add(t, "CLIENT", "REPLY", C, "Instruct the server whether to reply to commands", Doc("3.2.0", O1, "(ON | OFF | SKIP)"));
        Add(t, "CLIENT", "SETNAME", C, "Set the current connection name", Doc("2.6.9", O1, "connection-name"));
        Add(t, "CLIENT", "TRACKING", C, "Enable or disable server assisted client side caching support",
            Doc("6.0.0", "O(1). Some options may introduce additional complexity.", "status=(ON | OFF) [REDIRECT client-id:integer] [PREFIX prefix]... [BCAST] [OPTIN] [OPTOUT] [NOLOOP]"));
        Add(t, "CLIENT", "TRACKINGINFO", C, "Return information about server assisted client side caching for the current connection", Doc("6.2.0", O1));
        Add(t, "CLIENT", "UNBLOCK", D, "Unblock a client blocked in a blocking command from a different connection",
            Doc("5.0.0", "O(log N) where N is the number of client connections", "client-id:integer [TIMEOUT | ERROR]"));
        Add(t, "CLIENT", "UNPAUSE", D, "Resume processing of clients that were paused", Doc("6.2.0", "O(N) Where N is the number of paused clients"));
    }
}
