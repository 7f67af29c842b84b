using System.Diagnostics;
using System.Text;
using Istore.Ha.Hosting;
using Istore.Ha.Probing;
using Istore.Net.Resp;
using Istore.Net.Routes;

namespace Istore.Ha.Scaling;

/// <summary>
/// The background pass of one scale step: SCAN each shard that gives keys away and MIGRATE the
/// keys whose new jump hash names another shard, in batches, straight from node to node, at most
/// <c>keysPerSec</c>. One full SCAN pass after the guards went up finds every key that still has
/// to move (nothing new can land on a source), so the step is done when every source's pass ends.
/// Proxies move keys on demand meanwhile; a key they moved first is simply not found here.
/// </summary>
internal sealed class KeyMover(HaServer ha, string tenantName, ShardMigration step, ScaleCounters counters, int keysPerSec)
{
    private const int ScanCount = 2500;

    // Keys in one MIGRATE: its keys' writers (and a proxy moving one of them on demand) wait for the whole batch.
    private const int MigrateBatch = 100;
    private const int MigrateTimeoutMs = 5000;
    private const int RetryDelayMs = 500;
    private const int MaxAttempts = 120;   // a minute of retries: a failover or a restart of a source or target fits

    /// <summary>Every source's pass at once: each spends most of its time waiting for a MIGRATE's round trips, not working.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        var tenant = Tenant();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, tenant.Shards.Count).Where(s => ShardGuards.GivesKeys(step, s)).Select(s => PassAsync(s, clock, ct))).ConfigureAwait(false);
    }

    private async Task PassAsync(int source, Stopwatch clock, CancellationToken ct)
    {
        ProbeConnection? connection = null;
        try
        {
            string cursor = "0";
            int attempts = 0;
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                Endpoint.TryParse(Tenant().Shards[source].Master, out var master);
                if (connection?.Endpoint != master)
                {
                    // The shard's master now (a failover may have moved it): another process, where the old cursor means nothing.
                    cursor = "0";
                    connection?.Dispose();
                    connection = ha.Prober.Connect(master);
                }
                try
                {
                    cursor = await BatchAsync(connection, source, cursor).ConfigureAwait(false);
                    attempts = 0;
                    if (cursor == "0")
                        return;
                }
                catch (Exception ex) when (ex is IOException or TimeoutException)
                {
                    if (++attempts >= MaxAttempts)
                        throw new IOException($"shard {source}: {ex.Message}", ex);
                    counters.LastError = ex.Message;
                    // A cursor holds across one process's life only: a restarted or promoted master scans again from the start.
                    cursor = "0";
                    await Task.Delay(RetryDelayMs, ct).ConfigureAwait(false);
                    continue;
                }
                // The rate cap, over all the step's passes: never ahead of keysPerSec since they began.
                double aheadMs = Interlocked.Read(ref counters.Moved) * 1000.0 / keysPerSec - clock.ElapsedMilliseconds;
                if (aheadMs > 1)
                    await Task.Delay(TimeSpan.FromMilliseconds(aheadMs), ct).ConfigureAwait(false);
            }
        }
        finally
        {
            connection?.Dispose();
        }
    }

    /// <summary>One SCAN page of the source's master and the MIGRATEs of its moving keys; returns the next cursor.</summary>
    private async Task<string> BatchAsync(ProbeConnection connection, int source, string cursor)
    {
        var tenant = Tenant();
        var page = await connection.ExpectAsync(ha.Prober.TimeoutMs, "SCAN", cursor, "COUNT", ScanCount.ToString()).ConfigureAwait(false);
        string next = page[0].AsString() ?? "0";
        var byTarget = new Dictionary<int, List<ReadOnlyMemory<byte>>>();
        foreach (var item in page[1].Items)
        {
            var key = item.AsBytes() ?? [];
            int target = KeyHash.Shard(key, step.To);
            if (target == source)
                continue;
            if (!byTarget.TryGetValue(target, out var keys))
                byTarget[target] = keys = [];
            keys.Add(key);
        }
        Interlocked.Add(ref counters.Scanned, page[1].Count);
        foreach (var (target, keys) in byTarget)
            foreach (var batch in keys.Chunk(MigrateBatch))
            {
                var reply = await connection.ExpectAsync(MigrateTimeoutMs + ha.Prober.TimeoutMs, MigrateCommand(tenant, target, batch)).ConfigureAwait(false);
                // +NOKEY: proxies moved them all first.
                if (reply.AsString() == "OK")
                    Interlocked.Add(ref counters.Moved, batch.Length);
            }
        return next;
    }

    private ReadOnlyMemory<byte>[] MigrateCommand(TenantConfig tenant, int target, ReadOnlyMemory<byte>[] keys)
    {
        Endpoint.TryParse(tenant.Shards[target].Master, out var destination);
        string? password = tenant.Shards[target].Password ?? tenant.BackendPassword ?? ha.Options.NodePassword;
        var args = new List<string> { "MIGRATE", destination.Host, destination.Port.ToString(), "", "0", MigrateTimeoutMs.ToString(), "REPLACE" };
        if (password is not null)
            args.AddRange(["AUTH", password]);
        args.Add("KEYS");
        return [.. args.Select(a => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(a)), .. keys];
    }

    private TenantConfig Tenant() =>
        ha.Store.Current.Tenants.FirstOrDefault(t => t.Name == tenantName) ?? throw new InvalidOperationException($"tenant '{tenantName}' was deleted");
}

/// <summary>What a scale step has done so far, updated by its <see cref="KeyMover"/> and read by the API.</summary>
internal sealed class ScaleCounters
{
    public long Scanned;
    public long Moved;
    public volatile string? LastError;
}
