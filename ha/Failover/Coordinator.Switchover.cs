using Istore.Ha.Probing;
using Istore.Net.Routes;

namespace Istore.Ha.Failover;

public sealed partial class Coordinator
{
    private const int SwitchoverPauseMs = 1000;
    private const int SafetyPauseMs = 10_000;

    /// <summary>
    /// FAILOVER tenant shard [replica]: a planned switchover with no loss. Writes on the master
    /// pause (CLIENT PAUSE WRITE, ending by itself if HA dies), the chosen replica catches up to
    /// the master's offset, is promoted, the routes are committed and pushed, the old master
    /// follows the new one, and the pause ends (writes that waited on the old master get
    /// -READONLY, which tells the proxy to send them to the new master). Returns an error
    /// message, or null when done.
    /// </summary>
    public Task<string?> SwitchoverAsync(string tenantName, int shardIndex, string? target) => RunOnLoopAsync(async () =>
    {
        if (!store.IsLeader)
            return "ERR this HA process does not lead; ask the leader " + store.Leader;
        var config = store.Current;
        int t = config.Tenants.FindIndex(x => x.Name == tenantName);
        if (t < 0)
            return $"ERR unknown tenant '{tenantName}'";
        if (shardIndex < 0 || shardIndex >= config.Tenants[t].Shards.Count)
            return $"ERR tenant '{tenantName}' has no shard {shardIndex}";
        var shard = config.Tenants[t].Shards[shardIndex];
        if (target is not null && !shard.Replicas.Contains(target))
            return $"ERR {target} is not a replica of {tenantName}/{shardIndex}";
        var best = target is null ? await MostAdvancedReplicaAsync(shard).ConfigureAwait(false)
            : Endpoint.TryParse(target, out var e) ? (e, 0) : null;
        if (best is not { } chosen)
            return $"ERR no replica of {tenantName}/{shardIndex} answers";
        string name = $"{tenantName}/{shardIndex}";
        Endpoint.TryParse(shard.Master, out var master);
        using var masterConnection = prober.Connect(master);
        using var replicaConnection = prober.Connect(chosen.Node);
        try
        {
            Log.Switchover(logger, name, $"pausing writes on {master}, waiting for {chosen.Node}");
            // HA ends the pause itself once the old master is demoted; the timeout only frees writes if HA dies
            // mid-way. It must outlast every step up to the demotion even on a loaded host: a pause that ran out
            // before it would let the old master acknowledge writes the demotion then throws away.
            await masterConnection.ExpectAsync(prober.TimeoutMs, "CLIENT", "PAUSE", SafetyPauseMs.ToString(), "WRITE").ConfigureAwait(false);
            if (!await CaughtUpAsync(masterConnection, replicaConnection).ConfigureAwait(false))
            {
                await masterConnection.ExecuteAsync(prober.TimeoutMs, "CLIENT", "UNPAUSE").ConfigureAwait(false);
                return $"ERR {chosen.Node} did not catch up with {master} within {SwitchoverPauseMs} ms; nothing changed";
            }
            await replicaConnection.ExpectAsync(prober.TimeoutMs, "REPLICAOF", "NO", "ONE").ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or TimeoutException)
        {
            await UnpauseQuietlyAsync(masterConnection).ConfigureAwait(false);
            return "ERR switchover failed, nothing changed: " + ex.Message;
        }
        if (!await CommitNewMasterAsync(config, t, shardIndex, chosen.Node).ConfigureAwait(false))
        {
            await UnpauseQuietlyAsync(masterConnection).ConfigureAwait(false);
            return "ERR the new routes were not committed (this process no longer leads?)";
        }
        await routesApplied(store.Current.Version).ConfigureAwait(false);
        await CorrectAsync(master, "a switchover made it a replica", "REPLICAOF", chosen.Node.Host, chosen.Node.Port.ToString()).ConfigureAwait(false);
        await UnpauseQuietlyAsync(masterConnection).ConfigureAwait(false);
        foreach (var replica in shard.Replicas.Where(r => r != chosen.Node.ToString()))
            if (Endpoint.TryParse(replica, out var node))
                await CorrectAsync(node, "its master was switched over", "REPLICAOF", chosen.Node.Host, chosen.Node.Port.ToString()).ConfigureAwait(false);
        Log.Switchover(logger, name, $"done: {chosen.Node} is the master, route version {store.Current.Version}");
        return (string?)null;
    });

    /// <summary>Waits (within the pause) until the replica has applied everything the paused master wrote.</summary>
    private async Task<bool> CaughtUpAsync(ProbeConnection master, ProbeConnection replica)
    {
        long deadline = Environment.TickCount64 + SwitchoverPauseMs;
        while (Environment.TickCount64 < deadline)
        {
            var masterInfo = InfoFields.Parse((await master.ExpectAsync(prober.TimeoutMs, "INFO", "replication").ConfigureAwait(false)).AsString() ?? "");
            var replicaInfo = InfoFields.Parse((await replica.ExpectAsync(prober.TimeoutMs, "INFO", "replication").ConfigureAwait(false)).AsString() ?? "");
            if (long.Parse(replicaInfo.GetValueOrDefault("slave_repl_offset", "-1")) >= long.Parse(masterInfo.GetValueOrDefault("master_repl_offset", "0"))
                && replicaInfo.GetValueOrDefault("master_link_status") == "up")
                return true;
            await Task.Delay(2).ConfigureAwait(false);
        }
        return false;
    }

    private async Task UnpauseQuietlyAsync(ProbeConnection master)
    {
        try
        {
            await master.ExecuteAsync(prober.TimeoutMs, "CLIENT", "UNPAUSE").ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or TimeoutException)
        {
            Log.CommandFailed(logger, master.Endpoint.ToString(), ex.Message);
        }
    }
}
