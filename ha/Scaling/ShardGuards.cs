using Istore.Ha.Probing;
using Istore.Net.Routes;

namespace Istore.Ha.Scaling;

/// <summary>
/// The guard (SHARDGUARD) each node of a tenant keeps, from the topology alone: a multi-shard
/// tenant's shard i serves the keys whose jump hash over the tenant's count (the step's new count
/// while keys move) is i, so a growing tenant's old shards refuse the keys that go to the new one,
/// and a shrinking one's last shard (index = count) refuses every key. A single-shard tenant has
/// none. Every node of a shard is told, replicas too, so a promoted replica already guards.
/// </summary>
internal static class ShardGuards
{
    public static bool GivesKeys(ShardMigration migration, int shard) =>
        migration.To > migration.From ? shard < migration.From : shard >= migration.To && shard < migration.From;

    /// <summary>What INFO replication's istore_shard_guard of shard <paramref name="shard"/>'s nodes should say: "index/shards", or "off".</summary>
    public static string Desired(TenantConfig tenant, int shard)
    {
        int shards = tenant.Migration?.To ?? tenant.Shards.Count;
        return tenant.Migration is null && shards == 1 ? "off" : $"{Math.Min(shard, shards)}/{shards}";
    }

    public static string[] Command(string guard) => guard == "off" ? ["SHARDGUARD", "OFF"] : ["SHARDGUARD", .. guard.Split('/')];

    /// <summary>
    /// Sets every node of <paramref name="tenant"/> as the topology says, all at once, waiting for a
    /// master at most <paramref name="masterTimeoutMs"/> (of its address) and for a replica <paramref name="replicaTimeoutMs"/>.
    /// Returns the nodes that could not be told.
    /// </summary>
    public static async Task<List<string>> ApplyAsync(Prober prober, TenantConfig tenant, Func<string, int> masterTimeoutMs, int replicaTimeoutMs)
    {
        var told = new List<Task<string?>>();
        for (int i = 0; i < tenant.Shards.Count; i++)
        {
            var command = Command(Desired(tenant, i));
            told.Add(NodeActions.TryAsync(prober, tenant.Shards[i].Master, masterTimeoutMs(tenant.Shards[i].Master), command));
            foreach (var replica in tenant.Shards[i].Replicas)
                told.Add(NodeActions.TryAsync(prober, replica, replicaTimeoutMs, command));
        }
        return [.. (await Task.WhenAll(told).ConfigureAwait(false)).OfType<string>()];
    }
}
