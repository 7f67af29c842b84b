using Istore.Net.Commands;
using Istore.Net.Resp;
using Istore.Net.Routes;
using Istore.Node.Keyspace;

namespace Istore.Node.Hosting;

/// <summary>
/// Set by HA on every node of a shard whose keys are moving to other shards (a tenant scaling out
/// or in). A key is moving when its jump hash over <see cref="Shards"/> is not <see cref="Index"/>.
/// As Redis Cluster's ASK: a command naming moving keys runs here while this shard still holds
/// every one of them; when it holds none it is answered <see cref="AskError"/> (the proxy sends it
/// to the keys' new shard, where a write creates them), so a moving key is never created here and
/// never exists on two shards; when it holds some but not all, -TRYAGAIN (the proxy moves them
/// first), never an answer from half the data. MIGRATE (which moves them) is exempt.
/// </summary>
internal sealed record ShardGuard(int Index, int Shards)
{
    public const string MovingError = "TRYAGAIN The key is moving to another shard of its tenant; send it through istore-proxy";

    public const string SplitError = "TRYAGAIN Some of the command's keys have moved to another shard of their tenant and some have not; send it through istore-proxy, which moves them first";

    /// <summary>
    /// "-ASK shard N of M: …": every moving key the command names has left this shard (N: the new
    /// shard of the first, M: the tenant's new shard count). Not Redis Cluster's "ASK slot host:port":
    /// shards are named by index, the proxy knows their addresses.
    /// </summary>
    public string AskError(int shard) => $"ASK shard {shard} of {Shards}: the keys have moved to their new shard; send the command there (istore-proxy does)";

    /// <summary>True when the command names a key (or shard channel) that is moving away from this shard; leaving a shard channel is always allowed.</summary>
    public bool Names(CommandSpec spec, CommandArgs args)
    {
        if (!spec.HasKeys || spec.Name is "MIGRATE" or "SUNSUBSCRIBE")
            return false;
        var indexes = KeyIndexes(spec, args);
        foreach (int i in indexes)
            if (KeyHash.Shard(args[i], Shards) != Index)
                return true;
        return false;
    }

    /// <summary>
    /// Null when the command may run here: every moving key it names is still here. Otherwise the
    /// refusal. Under the keyspace's write lock, so that no MIGRATE deletes (or replicated DEL
    /// removes) a key between this check and the command.
    /// </summary>
    public string? Refusal(CommandSpec spec, CommandArgs args, KeyspaceSession keyspace)
    {
        if (spec.ChannelKeys)
            return MovingError;   // a channel is nowhere to be found: the proxy sends it by the new table
        int present = 0, absent = 0, firstTarget = -1;
        foreach (int i in KeyIndexes(spec, args))
        {
            int target = KeyHash.Shard(args[i], Shards);
            if (target == Index)
                continue;
            if (firstTarget < 0)
                firstTarget = target;
            if (keyspace.Exists(args[i]))
                present++;
            else
                absent++;
        }
        if (absent == 0)
            return null;
        return present == 0 ? AskError(firstTarget) : SplitError;
    }

    private static List<int> KeyIndexes(CommandSpec spec, CommandArgs args)
    {
        var indexes = _keyIndexes ??= [];
        indexes.Clear();
        spec.CollectKeyIndexes(args, indexes);
        return indexes;
    }

    // Per loop thread: the guard is shared by every loop.
    [ThreadStatic]
    private static List<int>? _keyIndexes;
}
