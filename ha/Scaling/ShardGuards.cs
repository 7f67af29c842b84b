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
    /// Sets every node of <paramref name="tenant"/> (or those <paramref name="only"/> picks) as the topology says, all
    /// at once, waiting for a master at most <paramref name="masterTimeoutMs"/> (of its address) and for a replica
    /// <paramref name="replicaTimeoutMs"/>. Returns the nodes that could not be told, each with why.
    /// </summary>
    public static async Task<Dictionary<string, string>> ApplyAsync(Prober prober, TenantConfig tenant, Func<string, int> masterTimeoutMs, int replicaTimeoutMs,
        Func<string, bool>? only = null)
    {
        var told = new List<(string Node, Task<string?> Failure)>();
        for (int i = 0; i < tenant.Shards.Count; i++)
        {
            var (master, command) = (tenant.Shards[i].Master, Command(Desired(tenant, i)));
            foreach (var node in tenant.Shards[i].Replicas.Prepend(master).Where(only ?? (_ => true)))
                told.Add((node, NodeActions.TryAsync(prober, node, node == master ? masterTimeoutMs(node) : replicaTimeoutMs, command)));
        }
        await Task.WhenAll(told.Select(t => t.Failure)).ConfigureAwait(false);
        return told.Where(t => t.Failure.Result is not null).ToDictionary(t => t.Node, t => t.Failure.Result!);
    }
}
