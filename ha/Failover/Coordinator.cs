using Istore.Ha.Config;
using Istore.Ha.Probing;
using Istore.Ha.State;
using Istore.Net.Routes;
using Microsoft.Extensions.Logging;

namespace Istore.Ha.Failover;

/// <summary>
/// HA's decisions, on one loop so no two can interleave: a master silent for downAfterMs is failed
/// over to its most advanced replica; every other node of a shard is kept following the shard's
/// master (a returning old master is demoted: fencing); planned switchovers run here too. Only the
/// leader acts; each decision is committed to the store (a new route version) before it is pushed.
/// </summary>
public sealed partial class Coordinator(IHaStore store, Prober prober, Func<long, Task> routesApplied, ILogger logger) : IDisposable
{
    private const int FenceRetryMs = 1000;

    private readonly Dictionary<Endpoint, long> _lastFenced = [];
    private readonly Dictionary<string, string> _shardProblems = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _queueLock = new();
    private readonly Queue<Func<Task>> _requests = new();
    private long _leaderSinceMs = -1;
    private long _changedMs;
    private long _failovers;
    private long _lastFailoverMs = -1;

    public long Failovers => Interlocked.Read(ref _failovers);

    /// <summary>How long the last failover took from the master's last good probe to the committed routes, in ms; -1 before any.</summary>
    public long LastFailoverMs => Interlocked.Read(ref _lastFailoverMs);

    /// <summary>Shards HA cannot fix now ("feeds/0" → why), for INFO.</summary>
    public IReadOnlyDictionary<string, string> ShardProblems
    {
        get
        {
            lock (_shardProblems)
                return new Dictionary<string, string>(_shardProblems);
        }
    }

    private int DownAfterMs => store.Current.DownAfterMs;

    public void Start()
    {
        store.Changed += _ => Volatile.Write(ref _changedMs, Environment.TickCount64);
        _ = Task.Run(RunAsync);
    }

    /// <summary>Runs <paramref name="work"/> on the decision loop (between two ticks) and returns its result.</summary>
    public Task<T> RunOnLoopAsync<T>(Func<Task<T>> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_queueLock)
        {
            _requests.Enqueue(async () =>
            {
                try
                {
                    done.TrySetResult(await work().ConfigureAwait(false));
                }
                catch (Exception ex)
                {
                    done.TrySetException(ex);
                }
            });
        }
        return done.Task;
    }

    private async Task RunAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await TickAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.TickFailed(logger, ex);
            }
            try
            {
                await Task.Delay(prober.IntervalMs, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task TickAsync()
    {
        while (TryDequeue(out var request))
            await request().ConfigureAwait(false);
        long now = Environment.TickCount64;
        if (!store.IsLeader)
        {
            _leaderSinceMs = -1;
            return;
        }
        if (_leaderSinceMs < 0)
            _leaderSinceMs = now;
        var config = store.Current;
        for (int t = 0; t < config.Tenants.Count; t++)
        {
            for (int s = 0; s < config.Tenants[t].Shards.Count; s++)
            {
                var shard = config.Tenants[t].Shards[s];
                Endpoint.TryParse(shard.Master, out var master);
                var status = prober.Status(master);
                // A new leader gives every master downAfterMs of probes before judging it, and so does a new node;
                // and a master is judged on a probe that failed, not on probes HA itself was too stalled to finish.
                bool down = now - prober.SilentSinceMs(master) > DownAfterMs && now - _leaderSinceMs > DownAfterMs && status.FailedSinceLastOk;
                if (down)
                {
                    await FailoverAsync(config, t, s, status, "master " + master + " did not answer for " + DownAfterMs + " ms (" + status.LastError + ")").ConfigureAwait(false);
                    return;   // the topology changed: the next tick reads the new one
                }
                await FenceAsync(config.Tenants[t].Name, s, shard, master, now).ConfigureAwait(false);
            }
        }
    }

    private bool TryDequeue(out Func<Task> request)
    {
        lock (_queueLock)
            return _requests.TryDequeue(out request!);
    }

    /// <summary>
    /// Keeps a shard as the topology says: its master a master, every other node its replica.
    /// Reaches only nodes that answer probes, at most once a second each.
    /// </summary>
    private async Task FenceAsync(string tenant, int shardIndex, ShardConfig shard, Endpoint master, long now)
    {
        var masterStatus = prober.Status(master);
        if (now - masterStatus.LastOkMs <= DownAfterMs && masterStatus.LastOkMs > Volatile.Read(ref _changedMs) && !masterStatus.IsMaster && masterStatus.Role != "unknown"
            && DueForCorrection(master, now))
            await CorrectAsync(master, "it is the shard's master", "REPLICAOF", "NO", "ONE").ConfigureAwait(false);
        foreach (var replica in shard.Replicas)
        {
            Endpoint.TryParse(replica, out var node);
            var status = prober.Status(node);
            // A probe older than the last decision may describe the shard before it: wait for a fresh one.
            if (now - status.LastOkMs > DownAfterMs || status.Role == "unknown" || status.LastOkMs <= Volatile.Read(ref _changedMs))
                continue;
            if (status.IsMaster && status.Replicas.FirstOrDefault(r => r != master.ToString() && !shard.Replicas.Contains(r)) is { } stranger)
            {
                // Demoting it would throw away a dataset others follow: refuse, and say so.
                ReportOnce($"{tenant}/{shardIndex}", $"{node} is listed as a replica but is the master of {stranger}, outside this shard: not touched");
                return;
            }
            if ((status.IsMaster || status.MasterAddress != master.ToString()) && DueForCorrection(node, now))
            {
                string why = status.IsMaster ? $"it acts as a master but the shard's master is {master} (fencing)" : $"it follows {status.MasterAddress}, the shard's master is {master}";
                await CorrectAsync(node, why, "REPLICAOF", master.Host, master.Port.ToString()).ConfigureAwait(false);
            }
        }
        SetProblem($"{tenant}/{shardIndex}", null);
    }

    /// <summary>A node that does not obey at once is not told again for a second.</summary>
    private bool DueForCorrection(Endpoint node, long now)
    {
        if (_lastFenced.TryGetValue(node, out long last) && now - last < FenceRetryMs)
            return false;
        _lastFenced[node] = now;
        return true;
    }

    private async Task CorrectAsync(Endpoint node, string why, params string[] command)
    {
        Log.Correcting(logger, node.ToString(), string.Join(' ', command), why);
        try
        {
            using var connection = prober.Connect(node);
            await connection.ExpectAsync(prober.TimeoutMs, command).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or TimeoutException)
        {
            Log.CommandFailed(logger, node.ToString(), ex.Message);
        }
    }

    private void ReportOnce(string shard, string problem)
    {
        lock (_shardProblems)
        {
            if (_shardProblems.GetValueOrDefault(shard) == problem)
                return;
            _shardProblems[shard] = problem;
        }
        Log.ShardProblem(logger, shard, problem);
    }

    private void SetProblem(string shard, string? problem)
    {
        lock (_shardProblems)
        {
            if (problem is null)
                _shardProblems.Remove(shard);
            else
                _shardProblems[shard] = problem;
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }
}
