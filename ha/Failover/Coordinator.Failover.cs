using Istore.Ha.Config;
using Istore.Ha.Probing;
using Istore.Net.Routes;

namespace Istore.Ha.Failover;

public sealed partial class Coordinator
{
    /// <summary>
    /// Promotes the replica that has the most of the dead master's stream (with --sync-replicas
    /// N ≥ 1 every acknowledged write is on it), points the other nodes at it, commits the new
    /// topology (the old master listed as a replica, so it is demoted when it returns) and lets
    /// the store's Changed push the routes. A shard with no reachable replica is reported, not
    /// failed over to nothing.
    /// </summary>
    private async Task FailoverAsync(HaConfig config, int tenantIndex, int shardIndex, NodeStatus masterStatus, string reason)
    {
        var tenant = config.Tenants[tenantIndex];
        var shard = tenant.Shards[shardIndex];
        string name = $"{tenant.Name}/{shardIndex}";
        var best = await MostAdvancedReplicaAsync(shard).ConfigureAwait(false);
        if (best is not { } chosen)
        {
            ReportOnce(name, $"master {shard.Master} is down and no replica answers: not failed over");
            return;
        }
        Log.FailingOver(logger, name, reason, chosen.Node.ToString(), chosen.Offset);
        if (!await PromoteAsync(chosen.Node).ConfigureAwait(false))
            return;
        if (!await CommitNewMasterAsync(config, tenantIndex, shardIndex, chosen.Node).ConfigureAwait(false))
            return;
        long took = Environment.TickCount64 - masterStatus.LastOkMs;
        Interlocked.Increment(ref _failovers);
        Interlocked.Exchange(ref _lastFailoverMs, masterStatus.LastOkMs == 0 ? -1 : took);
        SetProblem(name, null);
        Log.FailedOver(logger, name, chosen.Node.ToString(), store.Current.Version, took);
        foreach (var replica in shard.Replicas)
        {
            Endpoint.TryParse(replica, out var node);
            if (node != chosen.Node)
                await CorrectAsync(node, "its master was failed over", "REPLICAOF", chosen.Node.Host, chosen.Node.Port.ToString()).ConfigureAwait(false);
        }
    }

    /// <summary>Asks every replica of the shard for its offset now (probes may be 100 ms old) and picks the highest.</summary>
    private async Task<(Endpoint Node, long Offset)?> MostAdvancedReplicaAsync(ShardConfig shard)
    {
        var asked = shard.Replicas.Select(async replica =>
        {
            Endpoint.TryParse(replica, out var node);
            try
            {
                using var connection = prober.Connect(node);
                var reply = await connection.ExpectAsync(prober.TimeoutMs, "INFO", "replication").ConfigureAwait(false);
                var status = NodeStatus.FromInfo(Environment.TickCount64, InfoFields.Parse(reply.AsString() ?? ""));
                return ((Endpoint Node, long Offset)?)(node, status.Offset);
            }
            catch (Exception ex) when (ex is IOException or TimeoutException)
            {
                return null;
            }
        }).ToList();
        var answers = await Task.WhenAll(asked).ConfigureAwait(false);
        return answers.Where(a => a is not null).OrderByDescending(a => a!.Value.Offset).FirstOrDefault();
    }

    private async Task<bool> PromoteAsync(Endpoint node)
    {
        try
        {
            using var connection = prober.Connect(node);
            await connection.ExpectAsync(prober.TimeoutMs, "REPLICAOF", "NO", "ONE").ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is IOException or TimeoutException)
        {
            Log.CommandFailed(logger, node.ToString(), ex.Message);
            return false;
        }
    }

    /// <summary>The next version: <paramref name="newMaster"/> masters the shard, the old master becomes its replica.</summary>
    private async Task<bool> CommitNewMasterAsync(HaConfig config, int tenantIndex, int shardIndex, Endpoint newMaster)
    {
        var next = HaConfigLoader.Parse(HaConfigLoader.Serialize(config));
        next.Version = config.Version + 1;
        var shard = next.Tenants[tenantIndex].Shards[shardIndex];
        string promoted = shard.Replicas.First(r => Endpoint.TryParse(r, out var e) && e == newMaster);
        shard.Replicas.Remove(promoted);
        shard.Replicas.Insert(0, shard.Master);
        shard.Master = promoted;
        if (await store.TryCommitAsync(next, _stop.Token).ConfigureAwait(false))
            return true;
        Log.CommitRefused(logger, next.Version);
        return false;
    }
}
