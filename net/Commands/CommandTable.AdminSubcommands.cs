namespace Istore.Net.Commands;

public static partial class CommandTable
{
    /// <summary>The subcommands of ACL, CONFIG, LATENCY, MEMORY and SLOWLOG.</summary>
    private static void AddAdminSubcommands(List<Subcommand> t)
    {
        const string Users = "O(N). Where N is the number of configured users.";
        string[] channelPatterns = ["6.2.0 Added Pub/Sub channel patterns."];
        Add(t, "ACL", "CAT", Slow, "List the ACL categories or the commands inside a category",
            Doc("6.0.0", "O(1) since the categories and commands are a fixed set.", "[categoryname]"));
        Add(t, "ACL", "DELUSER", Dangerous, "Remove the specified ACL users and the associated rules",
            Doc("6.0.0", "O(1) amortized time considering the typical user.", "username..."));
        Add(t, "ACL", "DRYRUN", Dangerous, "Returns whether the user can execute the given command without executing the command.",
            Doc("7.0.0", "O(1).", "username command [arg...]"));
        Add(t, "ACL", "GENPASS", Slow, "Generate a pseudorandom secure password to use for ACL users",
            Doc("6.0.0", O1, "[bits:integer]"));
        Add(t, "ACL", "GETUSER", Dangerous, "Get the rules for a specific ACL user",
            Doc("6.0.0", "O(N). Where N is the number of password, command and pattern rules that the user has.", "username",
                history: [.. channelPatterns, "7.0.0 Added selectors and changed the format of key and channel patterns from a list to their rule representation."]));
        Add(t, "ACL", "HELP", Slow, SubcommandHelp, Doc("6.0.0", O1));
        Add(t, "ACL", "LIST", Dangerous, "List the current ACL rules in ACL config file format", Doc("6.0.0", Users));
        Add(t, "ACL", "LOAD", Dangerous, "Reload the ACLs from the configured ACL file", Doc("6.0.0", Users));
        Add(t, "ACL", "LOG", Dangerous, "List latest events denied because of ACLs in place",
            Doc("6.0.0", "O(N) with N being the number of entries shown.", "operation=[count:integer | RESET]"));
        Add(t, "ACL", "SAVE", Dangerous, "Save the current ACL rules in the configured ACL file", Doc("6.0.0", Users));
        Add(t, "ACL", "SETUSER", Dangerous, "Modify or create the rules for a specific ACL user",
            Doc("6.0.0", "O(N). Where N is the number of rules provided.", "username [rule...]", history: [.. channelPatterns, "7.0.0 Added selectors and key based permissions."]));
        Add(t, "ACL", "USERS", Dangerous, "List the username of all the configured ACL rules", Doc("6.0.0", Users));
        Add(t, "ACL", "WHOAMI", Slow, "Return the name of the user associated to the current connection", Doc("6.0.0", O1));

        const string Parameters = "O(N) when N is the number of configuration parameters provided";
        Add(t, "CONFIG", "GET", Dangerous, "Get the values of configuration parameters",
            Doc("2.0.0", Parameters, "(parameter)...", history: ["7.0.0 Added the ability to pass multiple pattern parameters in one call"]));
        Add(t, "CONFIG", "HELP", Slow, SubcommandHelp, Doc("5.0.0", O1));
        Add(t, "CONFIG", "RESETSTAT", Dangerous, "Reset the stats returned by INFO", Doc("2.0.0", O1));
        Add(t, "CONFIG", "REWRITE", Dangerous, "Rewrite the configuration file with the in memory configuration", Doc("2.8.0", O1));
        Add(t, "CONFIG", "SET", Dangerous, "Set configuration parameters to the given values",
            Doc("2.0.0", Parameters, "(parameter value)...", history: ["7.0.0 Added the ability to set multiple parameters in one call."]));

        Add(t, "LATENCY", "DOCTOR", Dangerous, "Return a human readable latency analysis report.", Doc("2.8.13", O1));
        Add(t, "LATENCY", "GRAPH", Dangerous, "Return a latency graph for the event.", Doc("2.8.13", O1, "event"));
        Add(t, "LATENCY", "HELP", Slow, SubcommandHelp + ".", Doc("2.8.13", O1));
        Add(t, "LATENCY", "HISTOGRAM", Dangerous, "Return the cumulative distribution of latencies of a subset of commands or all.",
            Doc("7.0.0", "O(N) where N is the number of commands with latency information being retrieved.", "[command...]"));
        Add(t, "LATENCY", "HISTORY", Dangerous, "Return timestamp-latency samples for the event.", Doc("2.8.13", O1, "event"));
        Add(t, "LATENCY", "LATEST", Dangerous, "Return the latest latency samples for all events.", Doc("2.8.13", O1));
        Add(t, "LATENCY", "RESET", Dangerous, "Reset latency data for one or more events.", Doc("2.8.13", O1, "[event...]"));

        const string Allocator = "Depends on how much memory is allocated, could be slow";
        Add(t, "MEMORY", "DOCTOR", Slow, "Outputs memory problems report", Doc("4.0.0", O1));
        Add(t, "MEMORY", "HELP", Slow, SubcommandHelp, Doc("4.0.0", O1));
        Add(t, "MEMORY", "MALLOC-STATS", Slow, "Show allocator internal stats", Doc("4.0.0", Allocator));
        Add(t, "MEMORY", "PURGE", Slow, "Ask the allocator to release memory", Doc("4.0.0", Allocator));
        Add(t, "MEMORY", "STATS", Slow, "Show memory usage details", Doc("4.0.0", O1));
        Add(t, "MEMORY", "USAGE", AclCategory.Read | Slow, "Estimate the memory usage of a key",
            Doc("4.0.0", "O(N) where N is the number of samples.", "key:key [SAMPLES count:integer]"));

        Add(t, "SLOWLOG", "GET", Dangerous, "Get the slow log's entries",
            Doc("2.2.12", "O(N) where N is the number of entries returned", "[count:integer]", history: ["4.0.0 Added client IP address, port and name to the reply."]));
        Add(t, "SLOWLOG", "HELP", Slow, SubcommandHelp, Doc("6.2.0", O1));
        Add(t, "SLOWLOG", "LEN", Dangerous, "Get the slow log's length", Doc("2.2.12", O1));
        Add(t, "SLOWLOG", "RESET", Dangerous, "Clear all entries from the slow log", Doc("2.2.12", "O(N) where N is the number of entries in the slowlog"));
    }
}
