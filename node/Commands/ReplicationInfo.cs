using Istore.Node.Replication;

namespace Istore.Node.Commands;

/// <summary>INFO replication, with Redis's field names (operators and HA read exactly these).</summary>
internal static class ReplicationInfo
{
    public static IEnumerable<(string, object)> Fields(ReplicationHub hub)
    {
        if (hub.Link is { } link)
        {
            yield return ("role", "slave");
            yield return ("master_host", link.Host);
            yield return ("master_port", link.Port);
            yield return ("master_link_status", link.Up ? "up" : "down");
            yield return ("master_last_io_seconds_ago", link.Up ? link.SecondsSinceIo : -1);
            yield return ("master_sync_in_progress", link.SyncInProgress ? 1 : 0);
            yield return ("slave_read_repl_offset", hub.Offset);
            yield return ("slave_repl_offset", hub.Offset);
            yield return ("slave_priority", 100);
            yield return ("slave_read_only", 1);
            yield return ("replica_announced", 1);
            if (!link.Up)
                yield return ("master_link_down_since_seconds", link.SecondsSinceDown);
            if (!link.Up && link.LastError is { } error)
                yield return ("master_link_down_reason", error.Replace("\r", " ").Replace("\n", " "));
        }
        else
        {
            yield return ("role", "master");
        }
        var replicas = hub.Replicas;
        yield return ("connected_slaves", replicas.Count);
        for (int i = 0; i < replicas.Count; i++)
        {
            var r = replicas[i];
            string ip = r.Address.Contains(':') ? r.Address[..r.Address.LastIndexOf(':')] : r.Address;
            yield return ($"slave{i}", $"ip={ip},port={r.ListeningPort},state={r.State},offset={r.AckOffset},lag={r.SecondsSinceAck}");
        }
        yield return ("master_failover_state", "no-failover");
        yield return ("master_replid", hub.ReplId);
        yield return ("master_replid2", hub.ReplId2);
        yield return ("master_repl_offset", hub.Offset);
        yield return ("second_repl_offset", hub.SecondOffset);
        var backlog = hub.Backlog;
        yield return ("repl_backlog_active", backlog.Active ? 1 : 0);
        yield return ("repl_backlog_size", backlog.Capacity);
        yield return ("repl_backlog_first_byte_offset", backlog.Active ? backlog.StartOffset + 1 : 0);
        yield return ("repl_backlog_histlen", backlog.HistoryLength);
        yield return ("min_slaves_good_slaves", hub.GoodReplicas());
        yield return ("sync_replicas", hub.Settings.SyncReplicas);
        yield return ("repl_snapshots_made", hub.SnapshotsMade);
        yield return ("repl_history_persisted", hub.HistoryPersisted ? 1 : 0);
    }
}
