namespace Istore.Net.Commands;

public static partial class CommandTable
{
    /// <summary>
    /// CLUSTER as a Redis server with cluster-enabled no has it: istore shards by proxy, not by
    /// cluster slots, so every subcommand answers that cluster support is disabled. The container
    /// has no flags of its own, as in Redis; only its RESET is no-script.
    /// </summary>
    private static void AddCluster(List<CommandSpec> t) =>
        t.Add(new CommandSpec("CLUSTER", -2, CommandFlags.None, 0, 0, 0, "cluster",
            "A container for cluster commands (INFO, NODES, SLOTS, SHARDS, MYID, KEYSLOT, RESET, HELP…); cluster support is disabled here.")
        {
            SubcommandFlags = [("RESET", CommandFlags.NoScript)],
            Docs = Doc("3.0.0", BySubcommand),
        });
}
