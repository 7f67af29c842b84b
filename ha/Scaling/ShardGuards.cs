using Istore.Ha.Probing;
using Istore.Net.Routes;

namespace Istore.Ha.Scaling;

/// <summary>
/// Which shards of a tenant give keys away in its scale step, and telling their nodes so
/// (SHARDGUARD): a growing tenant's old shards give the keys whose jump hash over the new count
/// is the new shard; a shrinking one's last shard gives all of its keys. Every node of a shard
/// is told, replicas too, so a replica promoted mid-step already guards.
/// </summary>
internal static class ShardGuards
{
    public static bool GivesKeys(ShardMigration migration, int shard) =>
        migration.To > migration.From ? shard < migration.From : shard >= migration.To && shard < migration.From;

    /// <summary>Sets every node of <paramref name="tenant"/> as its migration says (no migration: no guard anywhere), all at once. Returns the nodes that could not be told.</summary>
    public static async Task<List<string>> ApplyAsync(Prober prober, TenantConfig tenant)
    {
        var told = new List<Task<string?>>();
        for (int i = 0; i < tenant.Shards.Count; i++)
        {
            string[] command = tenant.Migration is { } m && GivesKeys(m, i) ? ["SHARDGUARD", i.ToString(), m.To.ToString()] : ["SHARDGUARD", "OFF"];
            foreach (var address in tenant.Shards[i].Replicas.Prepend(tenant.Shards[i].Master))
                told.Add(NodeActions.TryAsync(prober, address, command));
        }
        return [.. (await Task.WhenAll(told).ConfigureAwait(false)).OfType<string>()];
    }
}
