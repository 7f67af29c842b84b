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

    /// <summary>True when the command names a key this shard no longer serves.</summary>
    public bool Refuses(CommandSpec spec, CommandArgs args)
    {
        if (!spec.HasKeys || spec.Name == "MIGRATE")
            return false;
        if (!spec.MovableKeys)
        {
            var keys = spec.GetKeyRange(args.Count);
            for (int k = 0, i = keys.First; k < keys.Count; k++, i += keys.Step)
                if (KeyHash.Shard(args[i], Shards) != Index)
                    return true;
            return false;
        }
        var indexes = new List<int>();
        spec.CollectKeyIndexes(args, indexes);
        foreach (int i in indexes)
            if (KeyHash.Shard(args[i], Shards) != Index)
                return true;
        return false;
    }
}
