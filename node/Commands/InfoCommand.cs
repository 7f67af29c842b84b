using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Istore.Node.Hosting;
using Istore.Node.Keyspace;

namespace Istore.Node.Commands;

/// <summary>INFO [section …]: Redis's sections and field names, filled with this node's real figures.</summary>
internal static class InfoCommand
{
    /// <summary>As Redis reports it: argv[0] made absolute, so a node started through a link or a copy (a rolling upgrade's binary) shows that path.</summary>
    private static readonly string Executable = StartedAs();

    private static string StartedAs()
    {
        try
        {
            string argv0 = File.ReadAllText("/proc/self/cmdline").Split('\0')[0];
            return argv0.Contains('/') ? Path.GetFullPath(argv0) : Environment.ProcessPath ?? argv0;
        }
        catch (IOException)
        {
            return Environment.ProcessPath ?? "";
        }
    }

    private static readonly string[] DefaultSections = ["server", "clients", "memory", "persistence", "stats", "replication", "cpu", "errorstats", "keyspace"];

    /// <summary>Sections INFO shows only when asked for them (or for "all").</summary>
    private static readonly string[] ExtraSections = ["commandstats", "latencystats"];

    public static void Execute(CommandContext c)
    {
        var wanted = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 1; i < c.Count; i++)
            wanted.Add(c.ArgString(i));
        bool defaults = wanted.Count == 0 || wanted.Contains("all") || wanted.Contains("everything") || wanted.Contains("default");
        bool all = wanted.Contains("all") || wanted.Contains("everything");
        var text = new StringBuilder();
        foreach (var section in DefaultSections.Concat(ExtraSections))
        {
            bool extra = Array.IndexOf(ExtraSections, section) >= 0;
            if (!wanted.Contains(section) && !(extra ? all : defaults))
                continue;
            if (text.Length > 0)
                text.Append("\r\n");
            text.Append("# ").Append(section == "cpu" ? "CPU" : char.ToUpperInvariant(section[0]) + section[1..]).Append("\r\n");
            if (section == "latencystats")
            {
                AppendLatencyStats(text, c.Node);
                continue;
            }
            if (section is "commandstats" or "errorstats")
            {
                Admin.CommandStatsInfo.Append(text, node: c.Node, commands: section == "commandstats");
                continue;
            }
            foreach (var (name, value) in Section(c, section))
                text.Append(name).Append(':').Append(value).Append("\r\n");
        }
        c.Output.WriteVerbatimText(text.ToString());
    }

    /// <summary>latency_percentiles_usec_&lt;command&gt;:p50=…,p99=… per command called since the last reset, as Redis ("%.3f" microseconds); nothing while latency-tracking is off.</summary>
    private static void AppendLatencyStats(StringBuilder text, Hosting.NodeServer node)
    {
        if (!Admin.LatencyHistograms.Tracking)
            return;
        var all = new Dictionary<string, Admin.LatencyPercentiles>(StringComparer.Ordinal);
        foreach (var loop in node.Stats.Loops)
            loop.Latency.AddPercentilesTo(all);
        var percentiles = Admin.LatencyHistograms.InfoPercentiles;
        foreach (var (name, histogram) in all.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            text.Append("latency_percentiles_usec_").Append(name).Append(':');
            for (int i = 0; i < percentiles.Length; i++)
            {
                if (i > 0)
                    text.Append(',');
                text.Append('p').Append(percentiles[i].ToString("0.######", CultureInfo.InvariantCulture)).Append('=')
                    .Append((histogram.ValueAt(percentiles[i]) / 1000.0).ToString("F3", CultureInfo.InvariantCulture));
            }
            text.Append("\r\n");
        }
    }

    private static IEnumerable<(string, object)> Section(CommandContext c, string section)
    {
        var node = c.Node;
        var db = node.Database;
        switch (section)
        {
            case "server":
                long uptime = (long)(DateTimeOffset.UtcNow - node.StartedAt).TotalSeconds;
                yield return ("redis_version", Hosting.NodeServer.Version);
                yield return ("istore_engine", db.Engine.Name);
                yield return ("redis_mode", "standalone");
                yield return ("os", RuntimeInformation.OSDescription);
                yield return ("arch_bits", IntPtr.Size * 8);
                yield return ("process_id", Environment.ProcessId);
                yield return ("run_id", node.RunId);
                yield return ("tcp_port", node.Host.Port);
                yield return ("uptime_in_seconds", uptime);
                yield return ("uptime_in_days", uptime / 86400);
                yield return ("io_threads_active", node.Options.Threads);
                yield return ("executable", Executable);
                break;
            case "clients":
                yield return ("connected_clients", node.Host.ConnectionCount);
                yield return ("maxclients", node.Host.MaxClients);
                yield return ("blocked_clients", node.Database.BlockedClients.Count);
                yield return ("tracking_clients", db.Tracking.ClientCount);
                break;
            case "memory":
                long rss = ResidentBytes();
                long managed = GC.GetTotalMemory(false);
                long used = db.UsedMemory;
                yield return ("used_memory", used);
                yield return ("used_memory_human", Human(used));
                yield return ("used_memory_rss", rss);
                yield return ("used_memory_rss_human", Human(rss));
                yield return ("used_memory_startup", db.Engine.DatasetBytes is null ? 0 : Keyspace.Database.StartupBytes);
                yield return ("used_memory_dataset", db.Engine.DatasetBytes ?? used);
                yield return ("used_memory_heap", managed);
                long limit = Volatile.Read(ref db.MaxMemory);
                yield return ("maxmemory", limit);
                yield return ("maxmemory_human", Human(limit));
                yield return ("maxmemory_policy", db.Policy.Name());
                // Replicas leave the event loops for threads of their own, so no client memory here is a
                // replica's (what Redis leaves out of eviction), and values are freed when deleted,
                // never left to a background thread.
                yield return ("mem_clients_slaves", 0);
                yield return ("mem_clients_normal", node.Host.ClientMemory.Total);
                yield return ("mem_not_counted_for_evict", 0);
                yield return ("lazyfree_pending_objects", 0);
                long lua = node.Scripts.LuaMemory;
                yield return ("used_memory_lua", lua);
                yield return ("used_memory_lua_human", Human(lua));
                yield return ("used_memory_scripts", 0);
                yield return ("number_of_cached_scripts", node.Scripts.ScriptCount);
                yield return ("number_of_functions", node.Scripts.Functions.FunctionCount);
                yield return ("number_of_libraries", node.Scripts.Functions.Libraries.Count);
                foreach (var stat in db.Engine.Stats())
                    yield return stat;
                foreach (var (name, value) in Istore.Net.Server.GcInfo.Fields())
                    yield return (name, value);
                break;
            case "persistence":
                var cp = node.Checkpointer;
                yield return ("loading", 0);
                yield return ("rdb_changes_since_last_save", db.Log.ChangesSinceCheckpoint);
                yield return ("rdb_bgsave_in_progress", cp.InProgress ? 1 : 0);
                yield return ("rdb_last_save_time", cp.LastSaveUnixSeconds);
                yield return ("rdb_last_bgsave_status", cp.LastSucceeded ? "ok" : "err");
                yield return ("rdb_last_bgsave_time_sec", cp.LastDurationMs < 0 ? -1 : cp.LastDurationMs / 1000);
                yield return ("rdb_saves", cp.Count);
                yield return ("aof_enabled", 1);
                yield return ("aof_rewrite_in_progress", cp.InProgress ? 1 : 0);
                yield return ("aof_last_bgrewrite_status", cp.LastSucceeded ? "ok" : "err");
                yield return ("aof_last_write_status", db.Log.Failure is null ? "ok" : "err");
                yield return ("aof_current_size", db.Log.CurrentSegmentBytes);
                yield return ("aof_base_size", cp.BaseBytes);
                yield return ("aof_appended_bytes", db.Log.AppendedBytes);
                yield return ("aof_fsync_policy", db.Log.Policy.ToString().ToLowerInvariant());
                yield return ("aof_current_segment", db.Log.CurrentSegment);
                break;
            case "stats":
                yield return ("total_connections_received", node.Host.TotalConnectionsReceived);
                yield return ("total_commands_processed", node.Stats.CommandsProcessed);
                yield return ("total_net_input_bytes", node.Host.BytesReceived);
                yield return ("total_net_output_bytes", node.Host.BytesSent);
                yield return ("total_error_replies", Interlocked.Read(ref node.Stats.ErrorReplies));
                yield return ("expired_keys", Interlocked.Read(ref db.ExpiredKeys));
                yield return ("evicted_keys", Interlocked.Read(ref db.EvictedKeys));
                yield return ("evicted_clients", node.Host.ClientMemory.EvictedClients);
                yield return ("total_forks", node.Checkpointer.Begun);
                yield return ("latest_fork_usec", node.Checkpointer.LastBeginMicroseconds);
                yield return ("keyspace_hits", db.KeyspaceHits.Value);
                yield return ("keyspace_misses", db.KeyspaceMisses.Value);
                yield return ("pubsub_channels", node.PubSub.ActiveChannels(null).Count);
                yield return ("pubsub_patterns", node.PubSub.PatternCount);
                yield return ("pubsubshard_channels", node.PubSub.ActiveChannels(null, shard: true).Count);
                yield return ("migrate_cached_sockets", node.MigrateTargets.Count);
                yield return ("tracking_total_keys", db.Tracking.KeyCount);
                yield return ("tracking_total_items", db.Tracking.ItemCount);
                yield return ("tracking_total_prefixes", db.Tracking.PrefixCount);
                yield return ("sync_full", Interlocked.Read(ref node.Replication.SyncFull));
                yield return ("sync_partial_ok", Interlocked.Read(ref node.Replication.SyncPartialOk));
                yield return ("sync_partial_err", Interlocked.Read(ref node.Replication.SyncPartialErr));
                yield return ("client_output_buffer_limit_disconnections", node.Host.OutputLimitDisconnections);
                break;
            case "replication":
                foreach (var field in ReplicationInfo.Fields(node.Replication))
                    yield return field;
                yield return ("istore_shard_guard", ShardGuard.Describe(node.Guard));
                break;
            case "cpu":
                var process = Process.GetCurrentProcess();
                yield return ("used_cpu_sys", process.PrivilegedProcessorTime.TotalSeconds.ToString("F6"));
                yield return ("used_cpu_user", process.UserProcessorTime.TotalSeconds.ToString("F6"));
                break;
            case "keyspace":
                long keys = c.Keyspace.EstimatedKeyCount;
                if (keys > 0)
                    yield return ("db0", $"keys={keys},expires={c.Keyspace.VolatileKeyCount},avg_ttl=0");
                break;
        }
    }

    /// <summary>Resident set size from /proc/self/statm (pages × page size).</summary>
    private static long ResidentBytes()
    {
        try
        {
            var fields = File.ReadAllText("/proc/self/statm").Split(' ');
            return long.Parse(fields[1]) * Environment.SystemPageSize;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static string Human(long bytes) =>
        bytes >= 1L << 30 ? $"{bytes / (double)(1L << 30):F2}G" : bytes >= 1L << 20 ? $"{bytes / (double)(1L << 20):F2}M" : $"{bytes / 1024.0:F2}K";
}
