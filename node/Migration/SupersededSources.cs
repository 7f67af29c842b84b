using Istore.Node.Replication;

namespace Istore.Node.Migration;

/// <summary>
/// The replication histories a newer master has taken over, as a MIGRATE target learns them: each
/// MIGRATE from an istore node names its source's replication ids first (REPLCONF SOURCE-REPLID …
/// SOURCE-REPLID2 …). A promoted replica's second id is its old master's history, so once the new
/// master has moved keys here, a MIGRATE still coming from the old one — stopped or cut off while
/// HA failed it over, its MIGRATE serialized before — is refused instead of replacing keys that were
/// written here since (a fencing token Redis's MIGRATE lacks). Kept in memory: a target that
/// restarts or fails over itself meanwhile forgets them.
/// </summary>
internal sealed class SupersededSources
{
    public const string Code = "SUPERSEDED";
    public const string Error = Code + " a newer master of this source's shard has moved keys here since; this source's keys are stale";

    // Ids of deposed masters: one per failover, switchover or master restart that moved keys here.
    private const int Kept = 1024;

    private readonly Lock _lock = new();
    private readonly HashSet<string> _ids = [];
    private readonly Queue<string> _order = new();

    /// <summary>Records that <paramref name="replId2"/>'s history was taken over; false when <paramref name="replId"/>'s own was.</summary>
    public bool Admit(string replId, string replId2)
    {
        lock (_lock)
        {
            if (replId2 != ReplicationIds.NoId && replId2 != replId && _ids.Add(replId2))
            {
                _order.Enqueue(replId2);
                if (_order.Count > Kept)
                    _ids.Remove(_order.Dequeue());
            }
            return !_ids.Contains(replId);
        }
    }
}
