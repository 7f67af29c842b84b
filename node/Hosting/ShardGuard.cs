using Istore.Net.Commands;
using Istore.Net.Resp;
using Istore.Net.Routes;

namespace Istore.Node.Hosting;

/// <summary>
/// Set by HA on every node of a shard whose keys are moving to other shards (a tenant scaling out
/// or in): the node then serves only the keys whose jump hash over <see cref="Shards"/> is
/// <see cref="Index"/> and refuses the others with -TRYAGAIN, MIGRATE (which moves them) excepted.
/// A proxy still routing by the old table therefore cannot write to a key behind its move; it
/// resends once it has the new table. Off costs one read per keyed command.
/// </summary>
internal sealed record ShardGuard(int Index, int Shards)
{
    public const string MovingError = "TRYAGAIN The key is moving to another shard of its tenant; send it through istore-proxy";

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
