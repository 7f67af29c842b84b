namespace Istore.Ha.Probing;

/// <summary>
/// What the last successful probe of a node said (PING and INFO replication), and when.
/// Immutable: the prober swaps the whole record, readers take it as one snapshot.
/// </summary>
public sealed record NodeStatus(long LastOkMs, string Role, long Offset, string? MasterAddress, bool LinkUp, string? LastError)
{
    public static readonly NodeStatus Never = new(0, "unknown", -1, null, false, "not probed yet");

    public bool IsMaster => Role == "master";

    /// <summary>Reads a node's INFO replication: its role, the offset it has (a replica's applied offset), whom it follows.</summary>
    public static NodeStatus FromInfo(long nowMs, Dictionary<string, string> info)
    {
        string role = info.GetValueOrDefault("role", "unknown");
        if (role == "slave")
        {
            long.TryParse(info.GetValueOrDefault("slave_repl_offset"), out long applied);
            string master = $"{info.GetValueOrDefault("master_host")}:{info.GetValueOrDefault("master_port")}";
            return new NodeStatus(nowMs, role, applied, master, info.GetValueOrDefault("master_link_status") == "up", null);
        }
        long.TryParse(info.GetValueOrDefault("master_repl_offset"), out long offset);
        return new NodeStatus(nowMs, role, offset, null, false, null);
    }
}
