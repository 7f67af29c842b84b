using System.Collections.Concurrent;
using System.Net;
using Istore.Net.Routes;
using Istore.Net.Server;
using Istore.Proxy.Config;
using Istore.Proxy.Routing;
using Istore.Proxy.Scan;
using Istore.Proxy.Stats;
using Istore.Proxy.Takeover;
using Microsoft.Extensions.Logging;

namespace Istore.Proxy.Hosting;

/// <summary>
/// istore-proxy: serves tenants' clients on the event loops (<see cref="ProxyWorker"/>), owns the
/// current route table and swaps it atomically on reload, keeps tenant state across reloads,
/// samples rates and serves /metrics.
/// </summary>
public sealed partial class ProxyServer : IServerApplication, IDisposable
{
    public const string Version = "0.1.0";

    /// <summary>Small client buffers (they grow for big requests): 10,000 idle clients should cost little.</summary>
    private const int ConnectionBufferSize = 4096;

    private readonly ConcurrentDictionary<string, TenantState> _tenants = new(StringComparer.Ordinal);
    private readonly List<ProxyWorker> _workers = [];
    private readonly TaskCompletionSource _shutdown = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _reloadLock = new();
    private readonly ILogger _logger;
    private readonly Timer _timer;
    private readonly long _startedMs = Environment.TickCount64;
    private MetricsEndpoint? _metrics;
    private volatile RouteTable _routes;
    private string? _pushedJson;
    private Dictionary<(string, string), long> _lastCalls = [];
    private int _ticks;
    private int _disposed;
    private bool _carriedReady;

    public ProxyServer(ProxyOptions options, ILoggerFactory loggerFactory)
    {
        Options = options;
        _logger = loggerFactory.CreateLogger("istore-proxy");
        _routes = options.ConfigPath is { } path ? ConfigLoader.Load(path) : ConfigLoader.Parse("""{"version": 0}""", options.Listen);
        ApplyLimits(_routes);
        if (options.Takeover is null)
            Host = CreateHost(null);   // a successor serves the listening socket it takes over (in Start)
        if (options.ConfigPath is { } configPath)
            Reloader = new ConfigReloader(this, configPath, options.ConfigPollInterval);
        else
            HaRoutes = new HaRouteClient(this, options.Ha.Select(a => Endpoint.TryParse(a, out var e) ? e : throw new InvalidDataException($"--ha '{a}' is not host:port")).ToList(),
                options.Listen!, options.MetricsPort, options.HaToken, _logger);
        _timer = new Timer(_ => Tick(), null, Timeout.Infinite, Timeout.Infinite);
    }

    public ProxyOptions Options { get; }

    public ServerHost Host { get; private set; } = null!;

    private ServerHost CreateHost(System.Net.Sockets.Socket? listener)
    {
        var listen = _routes.Listen;
        return new ServerHost(new ServerOptions
        {
            EndPoint = new IPEndPoint(ParseAddress(listen.Host), listen.Port),
            Listener = listener,
            Threads = Options.Threads,
            MaxClients = Options.MaxClients,
            ConnectionBufferSize = ConnectionBufferSize,
        }, this);
    }

    internal ConfigReloader? Reloader { get; }

    /// <summary>Where the routes come from when HA pushes them.</summary>
    internal HaRouteClient? HaRoutes { get; }

    /// <summary>How long the proxy waits for HA's first table before it serves without one.</summary>
    private static readonly TimeSpan FirstTableWait = TimeSpan.FromSeconds(10);

    internal ILogger Logger => _logger;

    /// <summary>The current routes; a reload replaces the whole table at once.</summary>
    internal RouteTable Routes => _routes;

    /// <summary>SCAN positions too large for a client's cursor, shared by every loop.</summary>
    internal ScanCursorTable ScanTickets { get; } = new();

    public ILoopWorker CreateWorker(int loopIndex)
    {
        var worker = new ProxyWorker(this);
        lock (_workers)
            _workers.Add(worker);
        return worker;
    }

    public void Start()
    {
        if (HaRoutes is { } ha)
        {
            ha.Start();
            if (!ha.FirstTable.Wait(FirstTableWait))
                Log.NoRoutesYet(_logger, string.Join(",", Options.Ha));
        }
        TakeoverTarget? takeover = null;
        if (Options.Takeover is { } path)
        {
            takeover = TakeoverTarget.Connect(path);
            Host = CreateHost(takeover.Listener);
            Host.ContinueIdsAfter(takeover.LastConnectionId);
            Takeovers = takeover.Takeovers + 1;
        }
        Host.Start();
        if (takeover?.MetricsListener is { } handed)
            _metrics = new MetricsEndpoint(handed, Prometheus);
        else if (Options.MetricsPort > 0)
        {
            var endpoint = new IPEndPoint(ParseAddress(_routes.Listen.Host), Options.MetricsPort);
            _metrics = new MetricsEndpoint(MetricsEndpoint.Listen(endpoint), Prometheus);
            Log.Metrics(_logger, endpoint.ToString());
        }
        Reloader?.Start();
        _timer.Change(100, 100);
        Log.Listening(_logger, Version, $"{_routes.Listen.Host}:{Host.Port}", Options.Threads, _routes.Tenants.Count(), _routes.Version);
        Log.Ready(_logger);
        if (takeover is not null)
        {
            takeover.Serving();
            string controlPath = Options.ControlSocket ?? Options.Takeover!;
            new Thread(() => takeover.ReceiveClients(this, controlPath)) { Name = "istore-takeover", IsBackground = true }.Start();
        }
        else if (Options.ControlSocket is { } control)
            ListenForTakeover(control);
    }

    public void RequestShutdown() => _shutdown.TrySetResult();

    public async Task RunAsync()
    {
        await Task.WhenAny(_shutdown.Task, Host.Stopped).ConfigureAwait(false);
        Log.ShuttingDown(_logger);
        Host.Stop();
        await Host.Stopped.ConfigureAwait(false);
    }

    /// <summary>
    /// Loads the file again and swaps the routes if it is valid and not older than the current
    /// version; requests already routed finish on the old routes. A bad file changes nothing.
    /// </summary>
    public bool Reload(string reason)
    {
        lock (_reloadLock)
        {
            RouteTable next;
            try
            {
                next = ConfigLoader.Load(Options.ConfigPath!);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                Log.ReloadFailed(_logger, reason, ex.Message);
                return false;
            }
            if (next.Version < _routes.Version)
            {
                Log.ReloadFailed(_logger, reason, $"version {next.Version} is older than the current {_routes.Version}");
                return false;
            }
            if (next.Listen != _routes.Listen)
                Log.ListenChanged(_logger, next.Listen.ToString());
            Swap(next, reason);
            return true;
        }
    }

    /// <summary>
    /// A table HA pushed: applied only if newer; the same version must be the same table (a
    /// different one is refused: two HA processes disagree). Requests waiting on a master the
    /// table moved away fail at once.
    /// </summary>
    internal void ApplyPushedRoutes(long version, string json, string source)
    {
        lock (_reloadLock)
        {
            if (version < _routes.Version || (version == _routes.Version && json != _pushedJson))
            {
                Log.ReloadFailed(_logger, "HA " + source, version < _routes.Version
                    ? $"version {version} is older than the current {_routes.Version}"
                    : $"version {version} differs from the table this proxy has with that version");
                return;
            }
            if (version == _routes.Version)
                return;
            RouteTable next;
            try
            {
                next = ConfigLoader.Parse(json, Options.Listen);
            }
            catch (InvalidDataException ex)
            {
                Log.ReloadFailed(_logger, "HA " + source, ex.Message);
                return;
            }
            if (next.Version != version)
            {
                Log.ReloadFailed(_logger, "HA " + source, $"the table says version {next.Version}, the push {version}");
                return;
            }
            _pushedJson = json;
            Swap(next, "HA " + source);
        }
        MaintainNow();
    }

    private void Swap(RouteTable next, string reason)
    {
        ApplyLimits(next);
        _routes = next;
        Log.Reloaded(_logger, reason, next.Version, next.Tenants.Count());
    }

    internal TenantState TenantState(string name) => _tenants.GetOrAdd(name, static n => new TenantState(n));

    internal string Info(string tenant, string section) => StatsText.Info(Snapshot(tenant), _routes.Find(tenant),
        new ServerFacts(Version, (Environment.TickCount64 - _startedMs) / 1000, Takeovers), section.ToLowerInvariant());

    /// <summary>A tenant's counters over every loop, with what a predecessor counted (unless <paramref name="live"/>: this process's alone).</summary>
    internal TenantSnapshot Snapshot(string tenant, bool live = false)
    {
        lock (_workers)
        {
            var recorders = _workers.Select(w => w.Stats).ToList();
            if (_carriedReady && !live)
                recorders.Add(_carried);
            return TenantSnapshot.Collect(TenantState(tenant), recorders);
        }
    }

    private string Prometheus() => StatsText.Prometheus(_routes.Tenants.Select(t => Snapshot(t.Name)));

    private void ApplyLimits(RouteTable routes)
    {
        foreach (var tenant in routes.Tenants)
            TenantState(tenant.Name).Bucket.Rate = tenant.Limits.Qps;
    }

    /// <summary>
    /// Every 100 ms: backend timeouts and cleanup on each loop (and the end of a stood-down successor); every second:
    /// sampled rates, and the memory of big request and reply buffers let go handed back.
    /// </summary>
    private void Tick()
    {
        if (_standingDown && Host.ConnectionCount == 0)
            RequestShutdown();
        MaintainNow();
        if (Interlocked.Increment(ref _ticks) % 10 != 0)
            return;
        SampleRates();
        MemoryGiveBack.Tick(Host.BytesReceived);
    }

    private void MaintainNow()
    {
        ProxyWorker[] workers;
        lock (_workers)
            workers = [.. _workers];
        foreach (var worker in workers)
            worker.RequestMaintenance();
    }

    private void SampleRates()
    {
        var calls = new Dictionary<(string, string), long>();
        foreach (var tenant in _routes.Tenants)
        {
            var snapshot = Snapshot(tenant.Name, live: true);   // carried counts are no rate
            var state = TenantState(tenant.Name);
            var rates = new Dictionary<string, long>(StringComparer.Ordinal);
            long total = 0;
            foreach (var (name, command) in snapshot.Commands)
            {
                calls[(tenant.Name, name)] = command.Calls;
                long rate = command.Calls - _lastCalls.GetValueOrDefault((tenant.Name, name));
                rates[name] = rate;
                total += rate;
            }
            state.CommandOpsPerSecond = rates;
            state.OpsPerSecond = total;
        }
        _lastCalls = calls;
    }

    private static IPAddress ParseAddress(string host) =>
        host is "localhost" ? IPAddress.Loopback : IPAddress.TryParse(host, out var ip) ? ip : Dns.GetHostAddresses(host)[0];

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _timer.Dispose();
        _takeoverSource?.Dispose();
        Reloader?.Dispose();
        HaRoutes?.Dispose();
        _metrics?.Dispose();
        Host?.Dispose();   // null when a takeover failed before it had a listener
    }
}
