using System.Collections.Concurrent;
using Istore.Ha.Probing;
using Istore.Ha.State;
using Istore.Net.Routes;

namespace Istore.Ha.Monitoring;

/// <summary>
/// Every second: INFO from every node (memory, CPU, clients, commands, network, keys, replication)
/// and, for every tenant, INFO from every healthy proxy as that tenant (its tenant-scoped
/// statistics), turned into rates and kept as the latest sample and 30 minutes of history for
/// the dashboard and the admin API. Connections are reused; a failed one is dropped and redone.
/// </summary>
public sealed class Sampler : IDisposable
{
    public const int HistorySeconds = 30 * 60;

    private readonly IHaStore _store;
    private readonly Prober _prober;
    private readonly Func<Endpoint[]> _proxies;
    private readonly ConcurrentDictionary<string, ProbeConnection> _connections = new();
    private readonly Dictionary<string, Counters> _previous = [];
    private readonly SeriesRing _history = new(HistorySeconds);
    private readonly Lock _historyLock = new();
    private readonly CancellationTokenSource _stop = new();
    private Dictionary<string, NodeSample> _nodes = [];
    private Dictionary<string, TenantSample> _tenants = [];
    private double _requestsToday;
    private DateOnly _today = DateOnly.FromDateTime(DateTime.Now);

    public Sampler(IHaStore store, Prober prober, Func<Endpoint[]> proxies)
    {
        _store = store;
        _prober = prober;
        _proxies = proxies;
    }

    public IReadOnlyDictionary<string, NodeSample> Nodes => Volatile.Read(ref _nodes);

    public IReadOnlyDictionary<string, TenantSample> Tenants => Volatile.Read(ref _tenants);

    /// <summary>Requests through the proxies since local midnight (while this HA process ran).</summary>
    public long RequestsToday => (long)Volatile.Read(ref _requestsToday);

    public long SampledAtMs { get; private set; }

    public void Start() => _ = Task.Run(RunAsync);

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            do
                await SampleAsync().ConfigureAwait(false);
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task SampleAsync()
    {
        var config = _store.Current;
        var nodeAddresses = config.Tenants.SelectMany(t => t.Shards).SelectMany(s => s.Replicas.Prepend(s.Master)).Distinct().ToList();
        var nodeTasks = nodeAddresses.ToDictionary(a => a, SampleNodeAsync);
        long now = Environment.TickCount64;
        var healthyProxies = _proxies().Where(p => now - _prober.Status(p).LastOkMs <= config.DownAfterMs).ToList();
        var tenantTasks = config.Tenants.ToDictionary(t => t.Name, t => SampleTenantAsync(t.Name, t.Password, healthyProxies));
        await Task.WhenAll(nodeTasks.Values.Cast<Task>().Concat(tenantTasks.Values)).ConfigureAwait(false);
        var nodes = nodeTasks.Where(n => n.Value.Result is not null).ToDictionary(n => n.Key, n => n.Value.Result!);
        var tenants = tenantTasks.ToDictionary(t => t.Key, t => t.Value.Result);
        Volatile.Write(ref _nodes, nodes);
        Volatile.Write(ref _tenants, tenants);
        SampledAtMs = Environment.TickCount64;
        Record(nodes, tenants);
    }

    private void Record(Dictionary<string, NodeSample> nodes, Dictionary<string, TenantSample> tenants)
    {
        var today = DateOnly.FromDateTime(DateTime.Now);
        double ops = tenants.Values.Sum(t => t.OpsPerSec);
        Volatile.Write(ref _requestsToday, (today == _today ? _requestsToday : 0) + ops);
        _today = today;
        lock (_historyLock)
        {
            _history.BeginPoint(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            foreach (var (address, n) in nodes)
            {
                string p = $"node/{address}/";
                _history.Set(p + "opsPerSec", n.OpsPerSec);
                _history.Set(p + "usedMemory", n.UsedMemory);
                _history.Set(p + "cpuPercent", n.CpuPercent);
                _history.Set(p + "connections", n.Connections);
                _history.Set(p + "netInPerSec", n.NetInPerSec);
                _history.Set(p + "netOutPerSec", n.NetOutPerSec);
            }
            foreach (var (name, t) in tenants)
            {
                string p = $"tenant/{name}/";
                _history.Set(p + "opsPerSec", t.OpsPerSec);
                _history.Set(p + "p50Us", t.P50Us);
                _history.Set(p + "p99Us", t.P99Us);
                _history.Set(p + "errorsPerSec", t.ErrorsPerSec);
                _history.Set(p + "connections", t.Connections);
                _history.Set(p + "bytesInPerSec", t.BytesInPerSec);
                _history.Set(p + "bytesOutPerSec", t.BytesOutPerSec);
                _history.Set(p + "rejected", t.Rejected);
            }
            _history.Set("platform/opsPerSec", ops);
            _history.Set("platform/storageUsedBytes", nodes.Values.Sum(n => n.UsedMemory));
            _history.Set("platform/nodesUp", nodes.Count);
            _history.EndPoint();
        }
    }

    /// <summary>The last <paramref name="seconds"/> of history: times, per-node and per-tenant series, platform series.</summary>
    public (List<long> Times, Dictionary<string, Dictionary<string, List<double>>> Nodes, Dictionary<string, Dictionary<string, List<double>>> Tenants, Dictionary<string, List<double>> Platform) History(int seconds)
    {
        int points = Math.Clamp(seconds, 1, HistorySeconds);
        lock (_historyLock)
        {
            return (_history.Times(points), Group(_history.Series("node/", points)), Group(_history.Series("tenant/", points)), _history.Series("platform/", points));
        }
    }

    /// <summary>"owner/series" → owner → series.</summary>
    private static Dictionary<string, Dictionary<string, List<double>>> Group(Dictionary<string, List<double>> flat) =>
        flat.GroupBy(f => f.Key[..f.Key.LastIndexOf('/')])
            .ToDictionary(g => g.Key, g => g.ToDictionary(f => f.Key[(f.Key.LastIndexOf('/') + 1)..], f => f.Value));

    private async Task<NodeSample?> SampleNodeAsync(string address)
    {
        var info = await InfoAsync("node " + address, address, null, "INFO", "everything").ConfigureAwait(false);
        if (info is null)
            return null;
        var counters = Counters.Read(Environment.TickCount64, info);
        Counters? before;
        lock (_previous)
        {
            before = _previous.TryGetValue("node " + address, out var b) ? b : null;
            _previous["node " + address] = counters;
        }
        var status = NodeStatus.FromInfo(0, info);
        string keys = info.GetValueOrDefault("db0", "keys=0").Split(',')[0];
        return new NodeSample(
            (long)Counters.Number(info, "used_memory_rss"), (long)Counters.Number(info, "maxmemory"),
            counters.RateSince(before, c => c.CpuSeconds) * 100, (long)Counters.Number(info, "connected_clients"),
            counters.RateSince(before, c => c.Commands), counters.RateSince(before, c => c.NetIn), counters.RateSince(before, c => c.NetOut),
            long.TryParse(keys.AsSpan(keys.IndexOf('=') + 1), out long k) ? k : 0, status.Role, status.Offset, status.LinkUp,
            (long)Counters.Number(info, "process_id"));
    }

    /// <summary>A tenant's statistics summed over the proxies; its latency is the slowest proxy's (the p99 of its busiest command).</summary>
    private async Task<TenantSample> SampleTenantAsync(string tenant, string password, List<Endpoint> proxies)
    {
        double ops = 0, errors = 0, bytesIn = 0, bytesOut = 0;
        long connections = 0, rejected = 0, p50 = 0, p99 = 0;
        foreach (var proxy in proxies)
        {
            string key = $"tenant {tenant} {proxy}";
            var info = await InfoAsync(key, proxy.ToString(), password, "INFO", "all").ConfigureAwait(false);
            if (info is null)
                continue;
            var counters = Counters.Read(Environment.TickCount64, info);
            Counters? before;
            lock (_previous)
            {
                before = _previous.TryGetValue(key, out var b) ? b : null;
                _previous[key] = counters;
            }
            ops += Counters.Number(info, "instantaneous_ops_per_sec");
            errors += counters.RateSince(before, c => c.Errors);
            bytesIn += counters.RateSince(before, c => c.NetIn);
            bytesOut += counters.RateSince(before, c => c.NetOut);
            connections += Math.Max(0, (long)Counters.Number(info, "connected_clients") - 1);   // not this sampler's own connection
            rejected += (long)Counters.Number(info, "rejected_calls_qps");
            var (busiestP50, busiestP99) = BusiestCommandLatency(info);
            p50 = Math.Max(p50, busiestP50);
            p99 = Math.Max(p99, busiestP99);
        }
        return new TenantSample(ops, p50, p99, errors, connections, bytesIn, bytesOut, rejected);
    }

    /// <summary>From the commandstats lines: the p50 and p99 of the command with the most operations per second (the INFO sampling itself excluded).</summary>
    private static (long, long) BusiestCommandLatency(Dictionary<string, string> info)
    {
        var busiest = info.Where(f => f.Key.StartsWith("cmdstat_", StringComparison.Ordinal) && f.Key is not ("cmdstat_info" or "cmdstat_auth"))
            .Select(f => f.Value.Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]))
            .MaxBy(f => double.Parse(f.GetValueOrDefault("ops_per_sec", "0"), System.Globalization.CultureInfo.InvariantCulture));
        return busiest is null ? (0, 0) : (long.Parse(busiest.GetValueOrDefault("p50_usec", "0")), long.Parse(busiest.GetValueOrDefault("p99_usec", "0")));
    }

    /// <summary>INFO on a reused connection (authenticated with <paramref name="password"/> when given); null when the peer does not answer.</summary>
    private async Task<Dictionary<string, string>?> InfoAsync(string key, string address, string? password, params string[] command)
    {
        if (!Endpoint.TryParse(address, out var endpoint))
            return null;
        bool fresh = false;
        var connection = _connections.GetOrAdd(key, _ => { fresh = true; return new ProbeConnection(endpoint); });
        try
        {
            if (fresh && password is not null)
                await connection.ExpectAsync(_prober.TimeoutMs, "AUTH", password).ConfigureAwait(false);
            var reply = await connection.ExpectAsync(_prober.TimeoutMs, command).ConfigureAwait(false);
            return InfoFields.Parse(reply.AsString() ?? "");
        }
        catch (Exception ex) when (ex is IOException or TimeoutException)
        {
            if (_connections.TryRemove(key, out var dropped))
                dropped.Dispose();
            return null;
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        foreach (var connection in _connections.Values)
            connection.Dispose();
    }
}
