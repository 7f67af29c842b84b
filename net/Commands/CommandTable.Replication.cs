namespace Istore.Net.Commands;

public static partial class CommandTable
{
    private static void AddReplication(List<CommandSpec> t)
    {
        const string g = "server";
        const CommandFlags S = CommandFlags.Stale | CommandFlags.Loading;
        const CommandFlags NS = CommandFlags.NoScript;
        const CommandFlags NM = CommandFlags.NoMulti;
        const string Primary = "args=(host-port=(host port:integer) | no-one=(NO ONE))";
        Add(t, g, "REPLICAOF", 3, A | NS | CommandFlags.Stale | CommandFlags.NoAsyncLoading, 0, 0, 0, "Configures a server as replica of another, or promotes it to a master.",
            docs: Doc("5.0.0", O1, Primary));
        Add(t, g, "SLAVEOF", 3, A | NS | CommandFlags.Stale | CommandFlags.NoAsyncLoading, 0, 0, 0, "Sets a Redis server as a replica of another, or promotes it to being a master.",
            docs: Doc("1.0.0", O1, Primary, deprecated: "5.0.0 `REPLICAOF`"));
        Add(t, g, "REPLCONF", -1, A | NS | S | NM | CommandFlags.AllowBusy, 0, 0, 0, "An internal command for configuring the replication stream.",
            docs: Doc("3.0.0", O1, syscmd: true));
        Add(t, g, "PSYNC", -3, A | NS | NM | CommandFlags.NoAsyncLoading, 0, 0, 0, "An internal command used in replication.",
            docs: Doc("2.8.0", null, "replicationid offset:integer"));
        Add(t, g, "SYNC", 1, A | NS | NM | CommandFlags.NoAsyncLoading, 0, 0, 0, "An internal command used in replication.",
            docs: Doc("1.0.0", null));
        Add(t, g, "ROLE", 1, NS | S | F, 0, 0, 0, "Returns the replication role.",
            docs: Doc("2.8.12", O1));
        Add(t, g, "WAIT", 3, NS, 0, 0, 0, "Blocks until the asynchronous replication of all preceding write commands sent by the connection is completed.", tips: "request_policy:all_shards response_policy:agg_min",
            docs: Doc("3.0.0", O1, "numreplicas:integer timeout:integer"));
        Add(t, g, "SHARDGUARD", -1, A | NS | S | NM, 0, 0, 0, "Serves only the keys of one shard of a multi-shard tenant (index shards), or every key (OFF); istore-ha keeps it set on every node of such a tenant.",
            docs: Doc("1.0.0", O1, "[guard=(shard=(index:integer shards:integer) | OFF)]"));
        Add(t, g, "DEBUG", -2, A | NS | S, 0, 0, 0, "A container for debugging commands (DIGEST, DIGEST-VALUE).",
            docs: Doc("1.0.0", BySubcommand, syscmd: true));
    }
}
