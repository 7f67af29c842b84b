namespace Istore.Net.Commands;

public static partial class CommandTable
{
    private static void AddReplication(List<CommandSpec> t)
    {
        const string g = "server";
        const CommandFlags S = CommandFlags.Stale | CommandFlags.Loading;
        const CommandFlags NS = CommandFlags.NoScript;
        const CommandFlags NM = CommandFlags.NoMulti;
        Add(t, g, "REPLICAOF", 3, A | NS | CommandFlags.Stale | CommandFlags.NoAsyncLoading, 0, 0, 0, "Configures a server as replica of another, or promotes it to a master.");
        Add(t, g, "SLAVEOF", 3, A | NS | CommandFlags.Stale | CommandFlags.NoAsyncLoading, 0, 0, 0, "Sets a Redis server as a replica of another, or promotes it to being a master.");
        Add(t, g, "REPLCONF", -1, A | NS | S | NM | CommandFlags.AllowBusy, 0, 0, 0, "An internal command for configuring the replication stream.");
        Add(t, g, "PSYNC", -3, A | NS | NM | CommandFlags.NoAsyncLoading, 0, 0, 0, "An internal command used in replication.");
        Add(t, g, "SYNC", 1, A | NS | NM | CommandFlags.NoAsyncLoading, 0, 0, 0, "An internal command used in replication.");
        Add(t, g, "ROLE", 1, NS | S | F, 0, 0, 0, "Returns the replication role.");
        Add(t, g, "WAIT", 3, NS, 0, 0, 0, "Blocks until the asynchronous replication of all preceding write commands sent by the connection is completed.", tips: "request_policy:all_shards response_policy:agg_min");
        Add(t, g, "SHARDGUARD", -1, A | NS | S | NM, 0, 0, 0, "Serves only the keys of one shard of a multi-shard tenant (index shards), or every key (OFF); istore-ha keeps it set on every node of such a tenant.");
        Add(t, g, "DEBUG", -2, A | NS | S, 0, 0, 0, "A container for debugging commands (DIGEST, DIGEST-VALUE).");
    }
}
