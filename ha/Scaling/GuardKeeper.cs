using System.Collections.Concurrent;
using Istore.Ha.Hosting;
using Istore.Ha.Probing;
using Istore.Net.Routes;
using Microsoft.Extensions.Logging;

namespace Istore.Ha.Scaling;

/// <summary>
/// Keeps every node's guard equal to the topology's (<see cref="ShardGuards.Desired"/>): a node
/// restarted forgets its guard, and a node HA adds (a new replica, a relocation's target) has none.
/// It reads each node's guard from the prober's INFO replication (istore_shard_guard), so it sends
/// nothing while they agree. The leader's alone. A change that moves guards (a scale step's
/// cut-over) holds <see cref="Lock"/> from setting them until its topology is committed, so the
/// keeper never sets a guard from a topology older than the one a node was already given.
/// </summary>
public sealed class GuardKeeper : IDisposable
{
    private readonly HaServer _ha;
    private readonly CancellationTokenSource _stop = new();

    /// <summary>Per node: the guard last sent, and when its sending ended (a probe begun later has seen it).</summary>
    private readonly ConcurrentDictionary<string, (string Guard, long SentMs)> _sent = [];

    public GuardKeeper(HaServer ha) => _ha = ha;

    public SemaphoreSlim Lock { get; } = new(1, 1);

    public void Start() => _ = Task.Run(RunAsync);

    /// <summary>Sets every node of <paramref name="tenant"/> now (a step resuming), in turn with the keeper and cut-overs.</summary>
    internal async Task<Dictionary<string, string>> ApplyAsync(string tenant)
    {
        await Lock.WaitAsync().ConfigureAwait(false);
        try
        {
            var config = _ha.Store.Current.Tenants.FirstOrDefault(t => t.Name == tenant);
            return config is null ? [] : await ShardGuards.ApplyAsync(_ha.Prober, config, _ => NodeActions.ActionTimeoutMs(_ha.Prober), NodeActions.ActionTimeoutMs(_ha.Prober)).ConfigureAwait(false);
        }
        finally
        {
            Lock.Release();
        }
    }

    private async Task RunAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_ha.Prober.IntervalMs, _stop.Token).ConfigureAwait(false);
                if (!_ha.Store.IsLeader)
                    continue;
                await Lock.WaitAsync(_stop.Token).ConfigureAwait(false);
                try
                {
                    await RepairAsync().ConfigureAwait(false);
                }
                finally
                {
                    Lock.Release();
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Tells each answering node whose probed guard differs from the topology's; a node that does not answer is told once it does.</summary>
    private async Task RepairAsync()
    {
        List<Task> telling = [];
        foreach (var tenant in _ha.Store.Current.Tenants)
            for (int i = 0; i < tenant.Shards.Count; i++)
            {
                string desired = ShardGuards.Desired(tenant, i);
                foreach (var address in tenant.Shards[i].Replicas.Prepend(tenant.Shards[i].Master))
                {
                    if (!Endpoint.TryParse(address, out var endpoint))
                        continue;
                    var status = _ha.Prober.Status(endpoint);
                    if (status.LastOkMs == 0 || status.FailedSinceLastOk || status.Guard == desired
                        || _sent.TryGetValue(address, out var sent) && sent.Guard == desired && sent.SentMs >= status.LastOkMs)
                        continue;
                    telling.Add(TellAsync(tenant.Name, address, desired));
                }
            }
        await Task.WhenAll(telling).ConfigureAwait(false);
    }

    private async Task TellAsync(string tenant, string address, string guard)
    {
        if (await NodeActions.TryAsync(_ha.Prober, address, ShardGuards.Command(guard)).ConfigureAwait(false) is { } failed)
        {
            Log.GuardFailed(_ha.Logger, tenant, failed);
            return;
        }
        _sent[address] = (guard, Environment.TickCount64);
        Log.GuardSet(_ha.Logger, tenant, address, guard);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }
}
