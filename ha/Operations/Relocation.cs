using Istore.Ha.Admin;
using Istore.Ha.Hosting;
using Istore.Ha.Probing;
using Istore.Net.Routes;

namespace Istore.Ha.Operations;

/// <summary>
/// POST /api/v1/tenants/{name}/shards/{i}/relocate: a shard's master moves to another node (given,
/// or started fresh in `up` mode) with no loss: the node syncs as a replica, joins the shard, a
/// planned switchover makes it the master (clients see only the switchover's write pause), and the
/// old master leaves the shard and is released.
/// </summary>
public sealed class Relocation(HaServer ha, INodeAllocator allocator)
{
    public async Task<ShardConfig> RelocateAsync(string tenant, int shard, string? to, CancellationToken ct)
    {
        var config = TopologyChange.Tenant(ha.Store.Current, tenant);
        if (shard < 0 || shard >= config.Shards.Count)
            throw new AdminException(404, $"tenant '{tenant}' has no shard {shard}");
        if (config.Migration is not null)
            throw new AdminException(409, $"tenant '{tenant}' is scaling; relocate once it is done");
        if (to is not null && !Endpoint.TryParse(to, out _))
            throw new AdminException(400, $"'{to}' is not host:port");
        if (to is not null && ha.Store.Current.Tenants.SelectMany(t => t.Shards).Any(s => s.Master == to || s.Replicas.Contains(to)))
            throw new AdminException(409, $"{to} already belongs to a shard");
        string oldMaster = config.Shards[shard].Master;
        string target = to ?? await AllocateAsync(oldMaster, ct).ConfigureAwait(false);
        try
        {
            await NodeActions.FollowAsync(ha.Prober, target, oldMaster).ConfigureAwait(false);
            await TopologyChange.CommitAsync(ha, c => TopologyChange.Tenant(c, tenant).Shards[shard].Replicas.Add(target)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or TimeoutException or AdminException)
        {
            if (to is null)
                await allocator.ReleaseAsync([target]).ConfigureAwait(false);
            throw ex as AdminException ?? new AdminException(409, "the new node did not sync, nothing changed: " + ex.Message);
        }
        if (await ha.Coordinator.SwitchoverAsync(tenant, shard, target).ConfigureAwait(false) is { } error)
            throw new AdminException(409, $"{target} joined the shard as a replica, but the switchover failed: {error}");
        await TopologyChange.CommitAsync(ha, c => TopologyChange.Tenant(c, tenant).Shards[shard].Replicas.Remove(oldMaster), waitApplied: true).ConfigureAwait(false);
        // Released: it stops following the shard (and, back in a pool, must not carry the tenant's data).
        await NodeActions.TryAsync(ha.Prober, oldMaster, "REPLICAOF", "NO", "ONE").ConfigureAwait(false);
        await NodeActions.TryAsync(ha.Prober, oldMaster, "FLUSHALL").ConfigureAwait(false);
        await allocator.ReleaseAsync([oldMaster]).ConfigureAwait(false);
        return TopologyChange.Tenant(ha.Store.Current, tenant).Shards[shard];
    }

    private async Task<string> AllocateAsync(string like, CancellationToken ct)
    {
        try
        {
            return (await allocator.AllocateAsync(1, await NodeActions.EngineOfAsync(ha.Prober, like).ConfigureAwait(false), ct).ConfigureAwait(false))[0];
        }
        catch (InvalidOperationException ex)
        {
            throw new AdminException(409, ex.Message);
        }
    }
}
