using Istore.Net.Commands;
using Istore.Net.Resp;
using Istore.Net.Routes;

namespace Istore.Node.Hosting;

/// <summary>
/// Which keys a node of a multi-shard tenant owns, set by HA on every node of the tenant at all
/// times (as Redis Cluster's slot ownership, or Codis's slot table): the node serves only the keys
/// whose jump hash over <see cref="Shards"/> is <see cref="Index"/> and refuses the others with
/// -TRYAGAIN, MIGRATE (which moves them away) excepted. While a tenant scales, the shards take the
/// step's new count, so a giving shard refuses what leaves it. A request a proxy routed by an older
/// table, however late it arrives, therefore never writes a key where it no longer lives; the
/// proxy routes it again by its newer table. Off (a single-shard tenant) costs one read per keyed
/// command.
/// </summary>
internal sealed record ShardGuard(int Index, int Shards)
{
    public string Refusal => $"TRYAGAIN The key belongs to another shard of its tenant (this node serves shard {Index} of {Shards}); send it through istore-proxy";

    /// <summary>INFO replication's istore_shard_guard: "index/shards", or "off" (HA compares it with the topology's).</summary>
    public static string Describe(ShardGuard? guard) => guard is null ? "off" : $"{guard.Index}/{guard.Shards}";

    /// <summary>True when the command names a key (or shard channel) this shard no longer serves; leaving a shard channel is always allowed.</summary>
    public bool Refuses(CommandSpec spec, CommandArgs args)
    {
        if (!spec.HasKeys || spec.Name is "MIGRATE" or "SUNSUBSCRIBE")
            return false;
        var indexes = _keyIndexes ??= [];
        indexes.Clear();
        spec.CollectKeyIndexes(args, indexes);
        foreach (int i in indexes)
            if (KeyHash.Shard(args[i], Shards) != Index)
                return true;
        return false;
    }

    // Per loop thread: the guard is shared by every loop.
    [ThreadStatic]
    private static List<int>? _keyIndexes;
}
