namespace Istore.Node.Commands;

/// <summary>
/// CLUSTER, answered as redis-server with cluster-enabled no answers it: the subcommand and its
/// arity are checked first (as Redis's command lookup does), then every one is refused.
/// </summary>
internal static class ClusterCommand
{
    private static readonly (string Name, int Arity)[] SubcommandTable =
    [
        ("ADDSLOTS", -3), ("ADDSLOTSRANGE", -4), ("BUMPEPOCH", 2), ("COUNT-FAILURE-REPORTS", 3), ("COUNTKEYSINSLOT", 3),
        ("DELSLOTS", -3), ("DELSLOTSRANGE", -4), ("FAILOVER", -2), ("FLUSHSLOTS", 2), ("FORGET", 3), ("GETKEYSINSLOT", 4),
        ("HELP", 2), ("INFO", 2), ("KEYSLOT", 3), ("LINKS", 2), ("MEET", -4), ("MYID", 2), ("NODES", 2), ("REPLICAS", 3),
        ("REPLICATE", 3), ("RESET", -2), ("SAVECONFIG", 2), ("SET-CONFIG-EPOCH", 3), ("SETSLOT", -4), ("SHARDS", 2),
        ("SLAVES", 3), ("SLOTS", 2),
    ];

    public static void Execute(CommandContext c)
    {
        if (Subcommands.Find(c, "cluster", SubcommandTable) >= 0)
            c.Output.WriteError("ERR This instance has cluster support disabled");
    }
}
