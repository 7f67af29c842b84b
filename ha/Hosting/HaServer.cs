using System.Net;
using Istore.Ha.Config;
using Istore.Ha.Failover;
using Istore.Ha.Probing;
using Istore.Ha.Scaling;
using Istore.Ha.Server;
using Istore.Ha.State;
using Istore.Net.Routes;
using Istore.Net.Server;
using Microsoft.Extensions.Logging;

namespace Istore.Ha.Hosting;

/// <summary>
/// istore-ha: the store (file or etcd) holds the topology, the prober watches every node and
/// proxy, the coordinator decides, the route hub pushes each committed version to the proxies,
/// the guard keeper keeps each node's shard ownership, and the RESP port serves proxies, the name
/// service and operators.
/// </summary>
public sealed class HaServer : IServerApplication, IAsyncDisposable
{
    public const string Version = "0.1.0";

    private readonly TaskCompletionSource _shutdown = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly long _startedMs = Environment.TickCount64;
    private readonly Lock _watchLock = new();
    private readonly HashSet<string> _joining = [];

    public HaServer(HaOptions options, string listenAddress, HaConfig initial, IHaStore store, ILoggerFactory loggerFactory)
    {
        Options = options;
        Store = store;
        Logger = loggerFactory.CreateLogger("istore-ha");
        Prober = new Prober(initial.DownAfterMs, options.NodePassword);
        Routes = new RouteHub(initial);
        Coordinator = new Coordinator(store, Prober, v => Routes.WaitAppliedAsync(v, options.RouteApplyWaitMs), Logger);
        Guards = new GuardKeeper(this);
        Endpoint.TryParse(listenAddress, out var listen);
        Listen = listen;
        Host = new ServerHost(new ServerOptions
        {
            EndPoint = new IPEndPoint(listen.Host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(listen.Host), listen.Port),
            Threads = 1,
            MaxClients = 10_000,
        }, this);
    }

    public HaOptions Options { get; }

    public IHaStore Store { get; }

    public Prober Prober { get; }

    public RouteHub Routes { get; }

    public Coordinator Coordinator { get; }

    public GuardKeeper Guards { get; }

    public ServerHost Host { get; }

    public Endpoint Listen { get; }

    internal ILogger Logger { get; }

    public long UptimeSeconds => (Environment.TickCount64 - _startedMs) / 1000;

    public ILoopWorker CreateWorker(int loopIndex) => new HaWorker(this);

    public void Start()
    {
        Store.Changed += OnTopologyChanged;
        Store.ProxiesChanged += WatchEverything;
        WatchEverything();
        Host.Start();
        Coordinator.Start();
        Guards.Start();
        Log.Listening(Logger, Version, $"{Listen.Host}:{Host.Port}", Store.Current.Version, Store.Leader ?? "nobody");
        Log.Ready(Logger);
    }

    private void OnTopologyChanged(HaConfig config)
    {
        Routes.Publish(config);
        WatchEverything();
    }

    /// <summary>Every node of the topology and every joining one; one caller at a time, so an older set never replaces a newer.</summary>
    private void WatchEverything()
    {
        lock (_watchLock)
        {
            var nodes = Store.Current.Tenants.SelectMany(t => t.Shards).SelectMany(s => s.Replicas.Prepend(s.Master)).Concat(_joining).Distinct()
                .Select(a => Endpoint.TryParse(a, out var e) ? e : null).OfType<Endpoint>();
            Prober.Watch(nodes, Proxies);
        }
    }

    /// <summary>
    /// Probes <paramref name="nodes"/> before the topology lists them (a scale step's new shard, from its start), so
    /// that its cut-over knows whether they have answered; until <see cref="ForgetJoining"/> (by then they are listed,
    /// or released).
    /// </summary>
    internal void WatchJoining(IEnumerable<string> nodes)
    {
        lock (_watchLock)
            _joining.UnionWith(nodes);
        WatchEverything();
    }

    internal void ForgetJoining(IEnumerable<string> nodes)
    {
        lock (_watchLock)
            _joining.ExceptWith(nodes);
        WatchEverything();
    }

    /// <summary>Every proxy registered with this HA group, in address order.</summary>
    public Endpoint[] Proxies => ProxyEntries.Select(p => p.Address).ToArray();

    public IEnumerable<ProxyEntry> ProxyEntries => Store.Proxies.Select(ProxyEntry.Parse).OfType<ProxyEntry>()
        .OrderBy(p => p.Address.ToString(), StringComparer.Ordinal);

    /// <summary>A proxy subscribed here: every HA process of the group will probe it for the name service and read its metrics.</summary>
    internal void Register(ProxyEntry proxy) => _ = Store.RegisterProxyAsync(proxy.ToString(), CancellationToken.None).ContinueWith(
        t => Log.RegisterFailed(Logger, proxy.ToString(), t.Exception!.GetBaseException().Message), TaskContinuationOptions.OnlyOnFaulted);

    public void RequestShutdown() => _shutdown.TrySetResult();

    public async Task RunAsync()
    {
        await Task.WhenAny(_shutdown.Task, Host.Stopped).ConfigureAwait(false);
        Log.ShuttingDown(Logger);
        Host.Stop();
        await Host.Stopped.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        Coordinator.Dispose();
        Guards.Dispose();
        Prober.Dispose();
        Routes.Dispose();
        Host.Dispose();
        await Store.DisposeAsync().ConfigureAwait(false);
    }
}
