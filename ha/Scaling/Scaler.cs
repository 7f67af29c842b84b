using Istore.Ha.Admin;
using Istore.Ha.Config;
using Istore.Ha.Hosting;
using Istore.Ha.Probing;
using Istore.Net.Routes;
using Microsoft.Extensions.Logging;

namespace Istore.Ha.Scaling;

/// <summary>
/// Scales tenants out and in (POST /api/v1/tenants/{name}/scale), one shard at a time: jump hash
/// can only add or drop the last shard. A step: the new shard's nodes (growing), the cut-over
/// (<see cref="CutOverAsync"/>), the <see cref="KeyMover"/>'s pass while proxies move keys on
/// demand, and the completion that drops the migration (and a drained last shard). The step in
/// progress lives in the topology (<see cref="TenantConfig.Migration"/>), so a restarted or new
/// leader finishes it; cancelling reverses the step and returns to the count the scaling began at.
/// </summary>
public sealed class Scaler : IDisposable
{
    private const int CutOverPauseMs = 3000;
    private const int CutOverAttempts = 3;
    private const int CutOverRetryDelayMs = 500;

    private readonly HaServer _ha;
    private readonly INodeAllocator _allocator;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Job> _jobs = [];
    private readonly CancellationTokenSource _stop = new();

    public Scaler(HaServer ha, INodeAllocator allocator, ILogger logger)
    {
        _ha = ha;
        _allocator = allocator;
        _logger = logger;
        _ = Task.Run(ResumeLoopAsync);
    }

    private sealed class Job(int origin, int target)
    {
        public int Origin { get; } = origin;
        public volatile int Target = target;
        public CancellationTokenSource Step = new();
        public ScaleCounters Counters = new();
        public volatile string State = "starting";
        public volatile string? Error;
        public int From = origin, To = origin;
        public long EstimatedMoves;
        public long CutOverMs = -1;
        public long StartedAtMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        public long StepStartedMs = Environment.TickCount64;
        public long PassEndedMs = -1;
        public bool Running;
        public bool Cancelled;
    }

    public ScaleProgress Progress(string tenant)
    {
        var config = Find(tenant);
        lock (_lock)
        {
            if (!_jobs.TryGetValue(tenant, out var job))
                return new ScaleProgress(tenant, "idle", config.Shards.Count, config.Shards.Count, config.Shards.Count, 0, 0, 0, 0, -1, 0, null);
            long moved = Interlocked.Read(ref job.Counters.Moved);
            double seconds = Math.Max(0.001, ((job.PassEndedMs < 0 ? Environment.TickCount64 : job.PassEndedMs) - job.StepStartedMs) / 1000.0);
            return new ScaleProgress(tenant, job.State, job.From, job.To, job.Target, Interlocked.Read(ref job.Counters.Scanned), moved,
                Math.Max(0, job.EstimatedMoves - moved), moved / seconds, job.CutOverMs, job.StartedAtMs, job.Error ?? job.Counters.LastError);
        }
    }

    /// <summary>Starts scaling <paramref name="tenant"/> to <paramref name="shards"/> (409 while another scaling of it runs).</summary>
    public ScaleProgress Start(string tenant, int shards)
    {
        if (shards is < 1 or > 64)
            throw new AdminException(400, "shards must be 1..64");
        var config = Find(tenant);
        if (!_ha.Store.IsLeader)
            throw new AdminException(409, "this HA process does not lead; the leader is " + _ha.Store.Leader);
        lock (_lock)
        {
            if (_jobs.TryGetValue(tenant, out var running) && running.Running)
                throw new AdminException(409, $"tenant '{tenant}' is already scaling to {running.Target} shards (cancel it first)");
            if (config.Migration is null && config.Shards.Count == shards)
                throw new AdminException(409, $"tenant '{tenant}' has {shards} shard(s) already");
            var job = _jobs[tenant] = new Job(config.Migration?.From ?? config.Shards.Count, shards) { Running = true };
            _ = Task.Run(() => RunAsync(tenant, job));
        }
        return Progress(tenant);
    }

    /// <summary>Stops the scaling and goes back to the shard count it started from (the step in progress is reversed).</summary>
    public ScaleProgress Cancel(string tenant)
    {
        Find(tenant);
        lock (_lock)
        {
            if (!_jobs.TryGetValue(tenant, out var job) || !job.Running)
                throw new AdminException(409, $"tenant '{tenant}' is not scaling");
            job.Target = job.Origin;
            job.Cancelled = true;
            job.State = "cancelling";
            job.Step.Cancel();
        }
        return Progress(tenant);
    }

    private async Task RunAsync(string tenant, Job job)
    {
        try
        {
            while (true)
            {
                _stop.Token.ThrowIfCancellationRequested();
                var config = Find(tenant);
                if (config.Migration is { } m)
                {
                    if (Math.Abs(job.Target - m.To) > Math.Abs(job.Target - m.From))
                    {
                        job.State = "reversing";
                        await CutOverAsync(tenant, t => t.Migration = new ShardMigration { From = m.To, To = m.From }, job).ConfigureAwait(false);
                        continue;
                    }
                    await MoveAsync(tenant, m, job).ConfigureAwait(false);
                    continue;
                }
                int n = config.Shards.Count;
                if (n == job.Target)
                    break;
                await BeginStepAsync(tenant, n, n < job.Target ? n + 1 : n - 1, job).ConfigureAwait(false);
            }
            job.State = job.Cancelled ? "cancelled" : "done";
        }
        catch (Exception ex) when (ex is not OperationCanceledException || _stop.IsCancellationRequested)
        {
            job.State = "failed";
            job.Error = ex.Message;
            Log.ScaleFailed(_logger, tenant, ex.Message);
        }
        finally
        {
            lock (_lock)
                job.Running = false;
        }
    }

    /// <summary>The mover's pass of the step in progress, then its completion; a cancel interrupts the pass (the loop reverses).</summary>
    private async Task MoveAsync(string tenant, ShardMigration m, Job job)
    {
        job.From = m.From;
        job.To = m.To;
        job.State = "moving";
        job.Counters = new ScaleCounters();
        job.StepStartedMs = Environment.TickCount64;
        job.PassEndedMs = -1;
        // Again on resuming: a node restarted since the cut-over forgot its guard (the keeper would set it within a probe's interval).
        await _ha.Guards.ApplyAsync(tenant).ConfigureAwait(false);
        job.EstimatedMoves = await EstimateMovesAsync(Find(tenant), m).ConfigureAwait(false);
        var mover = new KeyMover(_ha, tenant, m, job.Counters, _ha.Options.ScaleKeysPerSec);
        using (var stopOrCancel = CancellationTokenSource.CreateLinkedTokenSource(job.Step.Token, _stop.Token))
        {
            try
            {
                await mover.RunAsync(stopOrCancel.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (job.Step.IsCancellationRequested && !_stop.IsCancellationRequested)
            {
                job.Step = new CancellationTokenSource();
                return;
            }
        }
        job.PassEndedMs = Environment.TickCount64;
        if (m.To < m.From && await NodeActions.DbSizeAsync(_ha.Prober, Find(tenant).Shards[m.To].Master).ConfigureAwait(false) is > 0 and var left)
            throw new InvalidOperationException($"shard {m.To} still holds {left} key(s) after its pass; not dropped (scale again to retry)");
        job.State = "completing";
        List<ShardConfig> dropped = [];
        await TopologyChange.CommitAsync(_ha, c =>
        {
            var t = TopologyChange.Tenant(c, tenant);
            t.Migration = null;
            dropped = t.Shards.Skip(m.To).ToList();
            t.Shards = t.Shards.Take(m.To).ToList();
        }, waitApplied: true).ConfigureAwait(false);
        await _ha.Guards.ApplyAsync(tenant).ConfigureAwait(false);   // a tenant shrunk to one shard has none
        await _allocator.ReleaseAsync(dropped.SelectMany(s => s.Replicas.Prepend(s.Master))).ConfigureAwait(false);
        Log.ScaleStep(_logger, tenant, $"{m.From} -> {m.To} shards done: {job.Counters.Moved} keys moved by HA (and the rest by proxies on demand)");
    }

    /// <summary>Growing: a new shard (master and as many replicas as shard 0 has), its replicas in sync; then the cut-over.</summary>
    private async Task BeginStepAsync(string tenant, int from, int to, Job job)
    {
        job.State = "cut-over";
        var config = Find(tenant);
        List<string> added = [];
        if (to > from)
        {
            string engine = await NodeActions.EngineOfAsync(_ha.Prober, config.Shards[0].Master).ConfigureAwait(false);
            try
            {
                added = await _allocator.AllocateAsync(1 + config.Shards[0].Replicas.Count, engine, _stop.Token).ConfigureAwait(false);
            }
            catch (InvalidOperationException ex)
            {
                throw new AdminException(409, ex.Message);
            }
        }
        _ha.WatchJoining(added);
        try
        {
            foreach (var replica in added.Skip(1))
                await NodeActions.FollowAsync(_ha.Prober, replica, added[0]).ConfigureAwait(false);
            // Off the loop, the time a node just started may take (the cut-over waits a probe's timeout for a master that has answered one).
            await AnsweredAsync(() => added, sinceMs: 0, NodeActions.ActionTimeoutMs(_ha.Prober)).ConfigureAwait(false);
            await CutOverAsync(tenant, t =>
            {
                if (added.Count > 0)
                    t.Shards.Add(new ShardConfig { Master = added[0], Replicas = added[1..] });
                t.Migration = new ShardMigration { From = from, To = to };
            }, job).ConfigureAwait(false);
        }
        catch
        {
            await _allocator.ReleaseAsync(added).ConfigureAwait(false);
            throw;
        }
        finally
        {
            _ha.ForgetJoining(added);
        }
        Log.ScaleStep(_logger, tenant, $"{from} -> {to} shards: keys moving");
    }

    /// <summary>
    /// The ≤ 100 ms moment of a step: writes pause on the shards that will give keys away, their
    /// nodes get their guards, the table with the migration is committed and applied by every
    /// proxy, and writes resume (a write that waited on a source for a moving key now gets
    /// -TRYAGAIN, which the proxy routes again by the new table). On the decision loop, so no
    /// failover interleaves.
    /// </summary>
    private async Task CutOverAsync(string tenant, Action<TenantConfig> change, Job job)
    {
        for (int attempt = 1; ; attempt++)
        {
            await _ha.Guards.Lock.WaitAsync().ConfigureAwait(false);
            long version = _ha.Store.Current.Version;
            try
            {
                await CutOverGuardedAsync(tenant, change, job).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is IOException or TimeoutException && attempt < CutOverAttempts && _ha.Store.Current.Version == version)
            {
                // A node slow to answer one command (a loaded host, a node just started, a frozen
                // master) before the commit: the failed attempt put the guards back and unpaused;
                // try the whole cut-over again once every master answers, or was failed over.
                Log.ScaleFailed(_logger, tenant, $"cut-over attempt {attempt}: {ex.Message}; trying again");
            }
            finally
            {
                _ha.Guards.Lock.Release();
            }
            await MastersAnswerAsync(tenant, change).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Before a cut-over is tried again: a pause, then up to three downAfterMs until each master of
    /// the topology it would commit (a growing step's new one too) has answered a probe begun after
    /// the failed attempt. A frozen master of the tenant never does, but HA fails it over meanwhile
    /// (the decision loop is free between attempts), and its promoted replica does; a frozen new
    /// master does once it resumes.
    /// </summary>
    private async Task MastersAnswerAsync(string tenant, Action<TenantConfig> change)
    {
        long sinceMs = Environment.TickCount64;
        await Task.Delay(CutOverRetryDelayMs, _stop.Token).ConfigureAwait(false);
        await AnsweredAsync(() => TopologyChange.Tenant(Next(tenant, change), tenant).Shards.Select(s => s.Master), sinceMs, 3L * _ha.Store.Current.DownAfterMs).ConfigureAwait(false);
    }

    /// <summary>Waits up to <paramref name="timeoutMs"/> until each of <paramref name="nodes"/> (asked again each time) has answered a probe since <paramref name="sinceMs"/> (0: ever).</summary>
    private async Task AnsweredAsync(Func<IEnumerable<string>> nodes, long sinceMs, long timeoutMs)
    {
        for (long deadline = Environment.TickCount64 + timeoutMs; Environment.TickCount64 < deadline;)
        {
            if (nodes().All(n => Endpoint.TryParse(n, out var e) && _ha.Prober.Status(e).LastOkMs > sinceMs))
                return;
            await Task.Delay(_ha.Prober.IntervalMs, _stop.Token).ConfigureAwait(false);
        }
    }

    /// <summary>The cut-over itself, while it holds the guard keeper's lock (the keeper sets no guard from the older topology meanwhile).</summary>
    private async Task CutOverGuardedAsync(string tenant, Action<TenantConfig> change, Job job)
    {
        await _ha.Coordinator.RunOnLoopAsync(async () =>
        {
            if (!_ha.Store.IsLeader)
                throw new AdminException(409, "this HA process does not lead; the leader is " + _ha.Store.Leader);
            var next = Next(tenant, change);
            var t = TopologyChange.Tenant(next, tenant);
            var sources = Enumerable.Range(0, t.Shards.Count).Where(i => ShardGuards.GivesKeys(t.Migration!, i)).Select(i => t.Shards[i].Master).ToList();
            var connections = sources.Select(s => { Endpoint.TryParse(s, out var e); return _ha.Prober.Connect(e); }).ToList();
            var paused = new bool[connections.Count];
            Dictionary<string, string> unguarded = [];
            // A replica whose last probe failed (a frozen old master once failed over) is not told while writes are
            // paused: the guard keeper sets it once it answers, as it does a replica that does not answer in time.
            var silent = t.Shards.SelectMany(s => s.Replicas).Where(r => Endpoint.TryParse(r, out var e) && _ha.Prober.Status(e).FailedSinceLastOk).ToHashSet();
            long started = Environment.TickCount64;
            try
            {
                await Task.WhenAll(connections.Select(async (c, i) =>
                {
                    await c.ExpectAsync(_ha.Prober.TimeoutMs, "CLIENT", "PAUSE", CutOverPauseMs.ToString(), "WRITE").ConfigureAwait(false);
                    paused[i] = true;
                })).ConfigureAwait(false);
                // A receiving master must take the keys it gets too (a shrinking tenant's shards serve more keys after the step).
                // A master that never answered a probe (just started) may answer slowly; one that has answered and now
                // does not (frozen) fails the attempt within a probe's timeout, leaving the loop free to fail it over. A
                // replica that does not answer within a probe's timeout (a frozen old master) is set by the guard keeper
                // later, not waited for while writes are paused.
                unguarded = await ShardGuards.ApplyAsync(_ha.Prober, t, m => NodeActions.LoopTimeoutMs(_ha.Prober, m), _ha.Prober.TimeoutMs,
                    node => !silent.Contains(node)).ConfigureAwait(false);
                if (t.Shards.Any(s => unguarded.ContainsKey(s.Master)))
                    throw new IOException("a master could not be guarded: " + string.Join(", ", unguarded.Values));
                if (!await _ha.Store.TryCommitAsync(next, CancellationToken.None).ConfigureAwait(false))
                    throw new AdminException(409, "the topology changed meanwhile, or this process no longer leads");
                // Up to most of the pause: a proxy that has not applied the table gets -TRYAGAIN errors once writes resume.
                await _ha.Routes.WaitAppliedAsync(next.Version, CutOverPauseMs - 1000).ConfigureAwait(false);
            }
            catch when (paused.All(p => p))   // past the pause, guards may have been set
            {
                // Within a probe's timeout, as the rest of the loop waits, and only on the nodes that took the new guard: one
                // that did not answer it (frozen) is not waited for twice. A node not told now is set by the guard keeper
                // once it answers (should it still run the new guard's command when it resumes, the keeper undoes that too).
                await ShardGuards.ApplyAsync(_ha.Prober, Find(tenant), _ => _ha.Prober.TimeoutMs, _ha.Prober.TimeoutMs,
                    node => !silent.Contains(node) && !unguarded.ContainsKey(node)).ConfigureAwait(false);
                throw;
            }
            finally
            {
                // Only the sources that took the pause, all at once: one that did not answer may still take it when it
                // resumes, and the pause ends by itself; waiting for it would keep failover off the loop.
                await Task.WhenAll(connections.Where((_, i) => paused[i]).Select(c => UnpauseAsync(tenant, c))).ConfigureAwait(false);
                connections.ForEach(c => c.Dispose());
            }
            job.CutOverMs = Environment.TickCount64 - started;
            return true;
        }).ConfigureAwait(false);
    }

    private async Task UnpauseAsync(string tenant, ProbeConnection connection)
    {
        try
        {
            await connection.ExecuteAsync(_ha.Prober.TimeoutMs, "CLIENT", "UNPAUSE").ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or TimeoutException)
        {
            Log.ScaleFailed(_logger, tenant, "unpause: " + ex.Message);   // the pause ends by itself
        }
    }

    /// <summary>The keys the step should move: each source's DBSIZE times the share of its keys that leaves (jump hash's 1/To growing, all of the last shard shrinking).</summary>
    private async Task<long> EstimateMovesAsync(TenantConfig tenant, ShardMigration m)
    {
        long total = 0;
        for (int i = 0; i < tenant.Shards.Count; i++)
            if (ShardGuards.GivesKeys(m, i))
                total += await NodeActions.DbSizeAsync(_ha.Prober, tenant.Shards[i].Master).ConfigureAwait(false) / (m.To > m.From ? m.To : 1);
        return total;
    }

    /// <summary>A leader (new, or restarted) finishes the steps it finds in the topology.</summary>
    private async Task ResumeLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                if (_ha.Store.IsLeader)
                    foreach (var tenant in _ha.Store.Current.Tenants.Where(t => t.Migration is not null))
                        lock (_lock)
                            if (!_jobs.TryGetValue(tenant.Name, out var job) || !job.Running && job.State != "failed")
                            {
                                var resumed = _jobs[tenant.Name] = new Job(tenant.Migration!.From, tenant.Migration.To) { Running = true };
                                Log.ScaleStep(_logger, tenant.Name, $"resuming the step {tenant.Migration.From} -> {tenant.Migration.To}");
                                _ = Task.Run(() => RunAsync(tenant.Name, resumed));
                            }
                await Task.Delay(1000, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private TenantConfig Find(string tenant) => TopologyChange.Tenant(_ha.Store.Current, tenant);

    /// <summary>The topology a cut-over commits: the current one with <paramref name="change"/> applied to the tenant.</summary>
    private HaConfig Next(string tenant, Action<TenantConfig> change) => TopologyChange.Next(_ha.Store.Current, c => change(TopologyChange.Tenant(c, tenant)));

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }
}
