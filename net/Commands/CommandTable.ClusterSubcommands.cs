namespace Istore.Net.Commands;

public static partial class CommandTable
{
    /// <summary>The subcommands of CLUSTER, documented as Redis does though each answers that cluster support is disabled.</summary>
    private static void AddClusterSubcommands(List<Subcommand> t)
    {
        const string C = "CLUSTER";
        const string Slots = "O(N) where N is the total number of hash slot arguments";
        const string SlotRanges = "O(N) where N is the total number of the slots between the start slot and end slot arguments.";
        const string Nodes = "O(N) where N is the total number of Cluster nodes";
        Add(t, C, "ADDSLOTS", Dangerous, "Assign new hash slots to receiving node", Doc("3.0.0", Slots, "slot:integer..."));
        Add(t, C, "ADDSLOTSRANGE", Dangerous, "Assign new hash slots to receiving node", Doc("7.0.0", SlotRanges, "(start-slot:integer end-slot:integer)..."));
        Add(t, C, "BUMPEPOCH", Dangerous, "Advance the cluster config epoch", Doc("3.0.0", O1));
        Add(t, C, "COUNT-FAILURE-REPORTS", Dangerous, "Return the number of failure reports active for a given node",
            Doc("3.0.0", "O(N) where N is the number of failure reports", "node-id"));
        Add(t, C, "COUNTKEYSINSLOT", Slow, "Return the number of local keys in the specified hash slot", Doc("3.0.0", O1, "slot:integer"));
        Add(t, C, "DELSLOTS", Dangerous, "Set hash slots as unbound in receiving node", Doc("3.0.0", Slots, "slot:integer..."));
        Add(t, C, "DELSLOTSRANGE", Dangerous, "Set hash slots as unbound in receiving node", Doc("7.0.0", SlotRanges, "(start-slot:integer end-slot:integer)..."));
        Add(t, C, "FAILOVER", Dangerous, "Forces a replica to perform a manual failover of its master.", Doc("3.0.0", O1, "options=[FORCE | TAKEOVER]"));
        Add(t, C, "FLUSHSLOTS", Dangerous, "Delete a node's own slots information", Doc("3.0.0", O1));
        Add(t, C, "FORGET", Dangerous, "Remove a node from the nodes table", Doc("3.0.0", O1, "node-id"));
        Add(t, C, "GETKEYSINSLOT", Slow, "Return local key names in the specified hash slot",
            Doc("3.0.0", "O(log(N)) where N is the number of requested keys", "slot:integer count:integer"));
        Add(t, C, "HELP", Slow, SubcommandHelp, Doc("5.0.0", O1));
        Add(t, C, "INFO", Slow, "Provides info about Redis Cluster node state", Doc("3.0.0", O1));
        Add(t, C, "KEYSLOT", Slow, "Returns the hash slot of the specified key", Doc("3.0.0", "O(N) where N is the number of bytes in the key", "key"));
        Add(t, C, "LINKS", Slow, "Returns a list of all TCP links to and from peer nodes in cluster", Doc("7.0.0", Nodes));
        Add(t, C, "MEET", Dangerous, "Force a node cluster to handshake with another node",
            Doc("3.0.0", O1, "ip port:integer [cluster_bus_port:integer]{4.0.0}", history: ["4.0.0 Added the optional `cluster_bus_port` argument."]));
        Add(t, C, "MYID", Slow, "Return the node id", Doc("3.0.0", O1));
        Add(t, C, "NODES", Slow, "Get Cluster config for the node", Doc("3.0.0", Nodes));
        Add(t, C, "REPLICAS", Dangerous, "List replica nodes of the specified master node", Doc("5.0.0", O1, "node-id"));
        Add(t, C, "REPLICATE", Dangerous, "Reconfigure a node as a replica of the specified master node", Doc("3.0.0", O1, "node-id"));
        Add(t, C, "RESET", Dangerous, "Reset a Redis Cluster node",
            Doc("3.0.0", "O(N) where N is the number of known nodes. The command may execute a FLUSHALL as a side effect.", "[HARD | SOFT]"));
        Add(t, C, "SAVECONFIG", Dangerous, "Forces the node to save cluster state on disk", Doc("3.0.0", O1));
        Add(t, C, "SET-CONFIG-EPOCH", Dangerous, "Set the configuration epoch in a new node", Doc("3.0.0", O1, "config-epoch:integer"));
        Add(t, C, "SETSLOT", Dangerous, "Bind a hash slot to a specific node",
            Doc("3.0.0", O1, "slot:integer subcommand=(IMPORTING node-id | MIGRATING node-id | NODE node-id | STABLE)"));
        Add(t, C, "SHARDS", Slow, "Get array of cluster slots to node mappings", Doc("7.0.0", "O(N) where N is the total number of cluster nodes"));
        Add(t, C, "SLAVES", Dangerous, "List replica nodes of the specified master node", Doc("3.0.0", O1, "node-id", deprecated: "5.0.0 `CLUSTER REPLICAS`"));
        Add(t, C, "SLOTS", Slow, "Get array of Cluster slot to node mappings",
            Doc("3.0.0", Nodes, history: ["4.0.0 Added node IDs.", "7.0.0 Added additional networking metadata field."], deprecated: "7.0.0 `CLUSTER SHARDS`"));
    }
}
