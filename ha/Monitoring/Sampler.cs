using System.Collections.Concurrent;
using Istore.Ha.Probing;
using Istore.Ha.State;
using Istore.Net.Routes;

namespace Istore.Ha.Monitoring;

/// <summary>
/// Every second: INFO from every node (memory, CPU, clients, commands, network, keys, replication)
/// and the Prometheus text of every healthy proxy that registered a metrics port (every tenant's
/// statistics, read without taking a client slot of any tenant), turned into rates and kept as
/// the latest sample and 30 minutes of history for the dashboard and the admin API. Connections
/// are reused; a failed one is dropped and redone.
/// </summary>
public sealed class Sampler : IDisposable
{
    public const int HistorySeconds = 30 * 60;

    // The history's series (names the dashboard reads) and where each one's value comes from.
    private static readonly (string Name, Func<NodeSample, double> Value)[] NodeSeries =
    [
        ("opsPerSec", n => n.OpsPerSec), ("usedMemory", n => n.UsedMemory), ("cpuPercent", n => n.CpuPercent),
        ("connections", n => n.Connections), ("netInPerSec", n => n.NetInPerSec), ("netOutPerSec", n => n.NetOutPerSec),
    ];

    private static readonly (string Name, Func<TenantSample, double> Value)[] TenantSeries =
    [
        ("opsPerSec", t => t.OpsPerSec), ("p50Us", t => t.P50Us), ("p99Us", t => t.P99Us), ("errorsPerSec", t => t.ErrorsPerSec),
        ("connections", t => t.Connections), ("bytesInPerSec", t => t.BytesInPerSec), ("bytesOutPerSec", t => t.BytesOutPerSec), ("rejected", t => t.Rejected),
    ];

    private readonly IHaStore _store;
    private readonly Prober _prober;
    private readonly Func<IEnumerable<ProxyEntry>> _proxies;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(1) };
    private readonly ConcurrentDictionary<string, ProbeConnection> _connections = new();
    private readonly Dictionary<string, Counters> _previous = [];
    private readonly Dictionary<string, IReadOnlyDictionary<double, double>> _previousBuckets = [];
    private readonly SeriesRing _history = new(HistorySeconds);
    private readonly Lock _historyLock = new();
    private readonly CancellationTokenSource _stop = new();
    private Dictionary<string, NodeSample> _nodes = [];
    private Dictionary<string, TenantSample> _tenants = [];
    private double _requestsToday;
    private DateOnly _today = DateOnly.FromDateTime(DateTime.Now);

    public Sampler(IHaStore store, Prober prober, Func<IEnumerable<ProxyEntry>> proxies)
    {
        _store = store;
        _prober = prober;
        _proxies = proxies;
    }

    public IReadOnlyDictionary<string, NodeSample> Nodes => Volatile.Read(ref _nodes);

    public IReadOnlyDictionary<string, TenantSample> Tenants => Volatile.Read(ref _tenants);

    /// <summary>Requests through the proxies since local midnight (while this HA process ran).</summary>
    public long RequestsToday => (long)Volatile.Read(ref _requestsToday);

    /// <summary>When the last sample was taken, unix ms.</summary>
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
        var proxyTasks = _proxies().Where(p => p.MetricsPort > 0 && now - _prober.Status(p.Address).LastOkMs <= config.DownAfterMs).Select(ProxyMetricsAsync).ToList();
        await Task.WhenAll(nodeTasks.Values.Cast<Task>().Concat(proxyTasks)).ConfigureAwait(false);
        var nodes = nodeTasks.Where(n => n.Value.Result is not null).ToDictionary(n => n.Key, n => n.Value.Result!);
        var perProxy = proxyTasks.Select(t => t.Result).OfType<Dictionary<string, TenantSample>>().ToList();
        var tenants = config.Tenants.ToDictionary(t => t.Name, t => LastSecondLatency(t.Name, Sum(perProxy.Select(p => p.GetValueOrDefault(t.Name)).OfType<TenantSample>())));
        Volatile.Write(ref _nodes, nodes);
        Volatile.Write(ref _tenants, tenants);
        SampledAtMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
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
                Set($"node/{address}/", n, NodeSeries);
            foreach (var (name, t) in tenants)
                Set($"tenant/{name}/", t, TenantSeries);
            _history.Set("platform/opsPerSec", ops);
            _history.Set("platform/storageUsedBytes", nodes.Values.Sum(n => n.UsedMemory));
            _history.Set("platform/nodesUp", nodes.Count);
            _history.EndPoint();
        }
    }

    private void Set<T>(string prefix, T sample, (string Name, Func<T, double> Value)[] series)
    {
        foreach (var (name, value) in series)
            _history.Set(prefix + name, value(sample));
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
        var info = await InfoAsync("node " + address, address, "INFO", "everything").ConfigureAwait(false);
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
            (long)Counters.Number(info, "process_id"), $"{info.GetValueOrDefault("executable")} {info.GetValueOrDefault("redis_version")}");
    }

    /// <summary>
    /// p50 and p99 of the last second from the tenant's histogram (the proxies' quantiles cover
    /// their whole lifetime: a live chart needs the recent ones). Without a histogram (nothing
    /// sampled yet), the proxies' own figures stay.
    /// </summary>
    private TenantSample LastSecondLatency(string tenant, TenantSample sample)
    {
        if (sample.LatencyBuckets.Count == 0)
            return sample;
        IReadOnlyDictionary<double, double>? before;
        lock (_previousBuckets)
        {
            before = _previousBuckets.GetValueOrDefault(tenant);
            _previousBuckets[tenant] = sample.LatencyBuckets;
        }
        return sample with
        {
            P50Us = HistogramQuantile.Microseconds(sample.LatencyBuckets, before, 0.5),
            P99Us = HistogramQuantile.Microseconds(sample.LatencyBuckets, before, 0.99),
        };
    }

    /// <summary>Tenants summed over proxies; latency is the slowest proxy's.</summary>
    private static TenantSample Sum(IEnumerable<TenantSample> samples)
    {
        var all = samples.ToList();
        return new TenantSample(all.Sum(t => t.OpsPerSec), all.Select(t => t.P50Us).DefaultIfEmpty().Max(), all.Select(t => t.P99Us).DefaultIfEmpty().Max(),
            all.Sum(t => t.ErrorsPerSec), all.Sum(t => t.Connections), all.Sum(t => t.BytesInPerSec), all.Sum(t => t.BytesOutPerSec), all.Sum(t => t.Rejected))
        {
            // Every proxy uses the same bounds, so buckets add up bound by bound.
            LatencyBuckets = all.SelectMany(t => t.LatencyBuckets).GroupBy(b => b.Key).ToDictionary(g => g.Key, g => g.Sum(b => b.Value)),
            LatencySumSeconds = all.Sum(t => t.LatencySumSeconds),
            LatencyCount = all.Sum(t => t.LatencyCount),
        };
    }

    /// <summary>One proxy's tenants from its /metrics; null when it does not answer.</summary>
    private async Task<Dictionary<string, TenantSample>?> ProxyMetricsAsync(ProxyEntry proxy)
    {
        string text;
        try
        {
            text = await _http.GetStringAsync($"http://{proxy.Address.Host}:{proxy.MetricsPort}/metrics", _stop.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
        long now = Environment.TickCount64;
        var result = new Dictionary<string, TenantSample>();
        foreach (var (tenant, metrics) in ProxyMetrics.ByTenant(text))
        {
            string key = $"proxy {proxy.Address} {tenant}";
            var counters = new Counters(now, metrics.Commands, metrics.Errors, metrics.BytesIn, metrics.BytesOut, 0);
            Counters? before;
            lock (_previous)
            {
                before = _previous.TryGetValue(key, out var b) ? b : null;
                _previous[key] = counters;
            }
            result[tenant] = new TenantSample(metrics.OpsPerSec, metrics.BusiestP50Us, metrics.BusiestP99Us, counters.RateSince(before, c => c.Errors),
                metrics.Connections, counters.RateSince(before, c => c.NetIn), counters.RateSince(before, c => c.NetOut), metrics.Rejected)
            {
                LatencyBuckets = metrics.LatencyBuckets,
                LatencySumSeconds = metrics.LatencySumSeconds,
                LatencyCount = metrics.LatencyCount,
            };
        }
        return result;
    }

    /// <summary>INFO on a reused connection; null when the node does not answer.</summary>
    private async Task<Dictionary<string, string>?> InfoAsync(string key, string address, params string[] command)
    {
        if (!Endpoint.TryParse(address, out var endpoint))
            return null;
        var connection = _connections.GetOrAdd(key, _ => _prober.Connect(endpoint));
        try
        {
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
        _http.Dispose();
    }
}
