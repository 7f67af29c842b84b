namespace Istore.Ha.Probing;

/// <summary>
/// What the last successful probe of a node said (PING and INFO replication), and when.
/// Immutable: the prober swaps the whole record, readers take it as one snapshot.
/// </summary>
public sealed record NodeStatus(long LastOkMs, string Role, long Offset, string? MasterAddress, bool LinkUp, string? LastError)
{
    public static readonly NodeStatus Never = new(0, "unknown", -1, null, false, "not probed yet");

    /// <summary>A master's connected replicas, "ip:port" (INFO's slaveN lines).</summary>
    public IReadOnlyList<string> Replicas { get; init; } = [];

    /// <summary>When the last failed probe began; later than <see cref="LastOkMs"/> once a probe since the last good answer failed.</summary>
    public long LastFailMs { get; init; }

    /// <summary>
    /// A probe begun after the last good answer failed (refused, or timed out): silence alone may be
    /// HA's own stall (SIGSTOP, a starved thread pool), in which no probe completes either way.
    /// </summary>
    public bool FailedSinceLastOk => LastFailMs > LastOkMs;

    /// <summary>The node's SHARDGUARD ("index/shards", or "off"); null from a node that does not say.</summary>
    public string? Guard { get; init; }

    public bool IsMaster => Role == "master";

    /// <summary>Reads a node's INFO replication: its role, the offset it has (a replica's applied offset), whom it follows.</summary>
    public static NodeStatus FromInfo(long nowMs, Dictionary<string, string> info)
    {
        string role = info.GetValueOrDefault("role", "unknown");
        string? guard = info.GetValueOrDefault("istore_shard_guard");
        if (role == "slave")
        {
            long.TryParse(info.GetValueOrDefault("slave_repl_offset"), out long applied);
            string master = $"{info.GetValueOrDefault("master_host")}:{info.GetValueOrDefault("master_port")}";
            return new NodeStatus(nowMs, role, applied, master, info.GetValueOrDefault("master_link_status") == "up", null) { Guard = guard };
        }
        long.TryParse(info.GetValueOrDefault("master_repl_offset"), out long offset);
        var replicas = info.Where(f => f.Key.StartsWith("slave", StringComparison.Ordinal) && f.Key.Length > 5 && char.IsAsciiDigit(f.Key[5]))
            .Select(f => f.Value.Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]))
            .Select(p => $"{p.GetValueOrDefault("ip")}:{p.GetValueOrDefault("port")}").ToList();
        return new NodeStatus(nowMs, role, offset, null, false, null) { Replicas = replicas, Guard = guard };
    }
}
