using System.Collections.Concurrent;
using Istore.Node.Replication;

namespace Istore.Node.Migration;

/// <summary>
/// The replication histories a newer master has taken over, as a MIGRATE target learns them: each
/// MIGRATE from an istore node names its source's replication ids first (REPLCONF SOURCE-REPLID …
/// SOURCE-REPLID2 …). A promoted replica's second id is its old master's history, so once the new
/// master has moved keys here, a MIGRATE still coming from the old one — stopped or cut off while
/// HA failed it over, its MIGRATE serialized before — is refused instead of replacing keys that were
/// written here since (a fencing token Redis's MIGRATE lacks). Each RESTORE checks, so one already
/// admitted is refused once the takeover is known. Kept in memory: a target that restarts or fails
/// over itself meanwhile forgets them.
/// </summary>
internal sealed class SupersededSources
{
    public const string Code = "SUPERSEDED";
    public const string Error = Code + " a newer master of this source's shard has moved keys here since; this source's keys are stale";

    // Ids of deposed masters: one per failover, switchover or master restart that moved keys here.
    private const int Kept = 1024;

    private readonly ConcurrentDictionary<string, byte> _ids = new();
    private readonly Queue<string> _order = new();

    /// <summary>A source names its ids: its second one's history has been taken over (by it).</summary>
    public void TakenOver(string replId2)
    {
        if (replId2 == ReplicationIds.NoId || !_ids.TryAdd(replId2, 0))
            return;
        lock (_order)
        {
            _order.Enqueue(replId2);
            if (_order.Count > Kept)
                _ids.TryRemove(_order.Dequeue(), out _);
        }
    }

    public bool Superseded(string replId) => _ids.ContainsKey(replId);
}
