using System.Net.Sockets;
using System.Security.Cryptography;
using Istore.Ha.Admin;
using Istore.Ha.Config;
using Istore.Ha.Hosting;
using Istore.Ha.Operations;
using Istore.Ha.Probing;
using Istore.Ha.State;
using Istore.Net.Routes;
using Microsoft.Extensions.Logging;

namespace Istore.Ha.Up;

/// <summary>
/// `istore-ha up`: on loopback, shards × (master + replicas) istore-node processes, this process
/// as HA (file mode, state in &lt;dir&gt;/ha.json) with the admin API and dashboard, and one
/// istore-proxy taking its routes from it; a default tenant "demo". The first run generates the
/// topology, the tenant's password and the admin token; later runs start the same cluster from
/// &lt;dir&gt;. Nodes for tenants created through the API are started here too. The proxy listens on
/// &lt;dir&gt;/proxy.sock for a successor: an upgrade hands its clients over instead of restarting it.
/// </summary>
public sealed class ClusterRunner(UpOptions options, ILoggerFactory loggerFactory) : INodeAllocator, IUpgradeHost
{
    /// <summary>Longer than the proxy's drain timeout (10 s) plus its start.</summary>
    private static readonly TimeSpan ProxyTakeoverTimeout = TimeSpan.FromSeconds(60);

    private readonly ILogger _logger = loggerFactory.CreateLogger("istore-ha up");
    private readonly Lock _fileLock = new();
    private readonly string _dir = Path.GetFullPath(options.Directory);
    private ClusterFile _file = new();
    private Supervisor? _supervisor;
    private string _nodeBinary = "";
    private int _downAfterMs;

    private string ClusterPath => Path.Combine(_dir, "cluster.json");

    private string TopologyPath => Path.Combine(_dir, "ha.json");

    private string ProxyControlSocket => Path.Combine(_dir, "proxy.sock");

    /// <summary>Starts everything, prints how to reach it, and runs until <paramref name="ha"/>'s shutdown is requested through <paramref name="started"/>.</summary>
    public async Task<int> RunAsync(Action<HaServer> started)
    {
        Directory.CreateDirectory(Path.Combine(_dir, "nodes"));
        Directory.CreateDirectory(Path.Combine(_dir, "logs"));
        _nodeBinary = FindBinary("istore-node", options.NodeBinary, "node");
        string proxyBinary = FindBinary("istore-proxy", options.ProxyBinary, "proxy");
        var topology = LoadOrCreate();
        // A rolling upgrade's binaries stay the nodes' and the proxy's when `up` starts again.
        if (options.NodeBinary is null && _file.NodeBinary is { } upgraded && File.Exists(upgraded))
            _nodeBinary = upgraded;
        if (options.ProxyBinary is null && _file.ProxyBinary is { } upgradedProxy && File.Exists(upgradedProxy))
            proxyBinary = upgradedProxy;
        _downAfterMs = topology.DownAfterMs;
        if (System.Text.Encoding.UTF8.GetByteCount(ProxyControlSocket) > 107)
            throw new IOException($"{ProxyControlSocket} is too long for a Unix socket (107 bytes): choose a shorter --dir");
        EnsurePortsFree([.. _file.Nodes.Keys, _file.Proxy, topology.Listen, _file.Dashboard.Replace("http://", "").TrimEnd('/'), $"127.0.0.1:{options.BasePort + 190}"]);
        using var supervisor = _supervisor = new Supervisor(Path.Combine(_dir, "logs"), _logger);
        await Task.WhenAll(_file.Nodes.Select(n => StartNodeAsync(n.Key, n.Value)));

        IHaStore store = new FileHaStore(TopologyPath);
        await store.StartAsync(topology, CancellationToken.None);
        await using var ha = new HaServer(new HaOptions { ConfigPath = TopologyPath, AdminToken = _file.AdminToken, ScaleKeysPerSec = options.ScaleKeysPerSec }, topology.Listen, topology, store, loggerFactory);
        store.Changed += config => Update(f => f.Tenants = config.Tenants.Select(t => new TenantLogin(t.Name, t.Password)).ToList());
        ha.Start();
        Endpoint.TryParse(_file.Dashboard.Replace("http://", "").TrimEnd('/'), out var admin);
        await using var adminHost = new AdminHost(ha, admin, _file.AdminToken, this, this);
        await adminHost.StartAsync();
        supervisor.Start("proxy", proxyBinary, ["--ha", topology.Listen, "--listen", _file.Proxy, "--ha-token", _file.AdminToken,
            "--metrics-port", (options.BasePort + 190).ToString(), "--control-socket", ProxyControlSocket]);
        await WaitForPortAsync(_file.Proxy);
        await WaitForReplicasAsync(ha);

        var demo = _file.Tenants[0];
        Console.WriteLine($"""
            istore cluster is up ({topology.Tenants.Sum(t => t.Shards.Count)} shard(s), {_file.Nodes.Count} node(s), data in {_dir})
              proxy:       {_file.Proxy}    redis-cli -p {_file.Proxy.Split(':')[1]} then AUTH {demo.Name} {demo.Password}
              dashboard:   {_file.Dashboard}#token={_file.AdminToken}
              admin token: {_file.AdminToken}    (Authorization: Bearer … for {_file.Dashboard}api/v1/…)
              written to   {ClusterPath}
            """);
        started(ha);
        await ha.RunAsync();
        return 0;
    }

    /// <summary>
    /// Until every replica follows its shard's master with its link up (its full sync done), as
    /// HA's probes see it: with --sync-replicas a master answers writes -NOREPLICAS until then, so
    /// the cluster is not up before. At most 30 s, then a warning.
    /// </summary>
    private async Task WaitForReplicasAsync(HaServer ha)
    {
        const int TimeoutSeconds = 30;
        var prober = ha.Prober;
        for (long deadline = Environment.TickCount64 + TimeoutSeconds * 1000; ; await Task.Delay(prober.IntervalMs))
        {
            // The topology as it is now: HA may fail a master over meanwhile.
            var behind = ha.Store.Current.Tenants.SelectMany(t => t.Shards).SelectMany(s => s.Replicas.Where(r => !Follows(prober, r, s.Master))).ToList();
            if (behind.Count == 0)
                return;
            if (Environment.TickCount64 > deadline)
            {
                Log.ReplicasNotInSync(_logger, TimeoutSeconds, string.Join(", ", behind));
                return;
            }
        }
    }

    private static bool Follows(Prober prober, string replica, string master) =>
        Endpoint.TryParse(replica, out var node) && prober.Status(node) is { Role: "slave", LinkUp: true } status && status.MasterAddress == master;

    /// <summary>The existing cluster of &lt;dir&gt;, or a new one: ports from the base port, secrets generated.</summary>
    private HaConfig LoadOrCreate()
    {
        if (ClusterFile.Load(ClusterPath) is { } existing && File.Exists(TopologyPath))
        {
            _file = existing;
            return HaConfigLoader.Parse(File.ReadAllText(TopologyPath));
        }
        int port = options.BasePort;
        var shards = Enumerable.Range(0, options.Shards).Select(s =>
        {
            var nodes = Enumerable.Range(0, 1 + options.Replicas).Select(r => $"127.0.0.1:{port + 1 + s * (1 + options.Replicas) + r}").ToList();
            return new ShardConfig { Master = nodes[0], Replicas = nodes[1..] };
        }).ToList();
        var demo = new TenantLogin("demo", Secret(12));
        var topology = new HaConfig
        {
            Listen = $"127.0.0.1:{port + 100}",
            Tenants = [new TenantConfig { Name = demo.Name, Password = demo.Password, Shards = shards }],
        };
        _file = new ClusterFile
        {
            Proxy = $"127.0.0.1:{port}",
            Dashboard = $"http://127.0.0.1:{port + 180}/",
            AdminToken = Secret(24),
            Tenants = [demo],
            Nodes = shards.SelectMany(s => s.Replicas.Prepend(s.Master)).ToDictionary(n => n, _ => options.Engine),
        };
        File.WriteAllText(TopologyPath, HaConfigLoader.Serialize(topology));
        _file.Save(ClusterPath);
        return topology;
    }

    private static string Secret(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));

    private async Task StartNodeAsync(string address, string engine)
    {
        string port = address.Split(':')[1];
        _supervisor!.Start("node-" + port, _nodeBinary, ["--bind", "127.0.0.1", "--port", port, "--dir", Path.Combine(_dir, "nodes", port), "--engine", engine, "--sync-replicas", options.SyncReplicas.ToString()],
            restartDelayMs: 2 * _downAfterMs);
        await WaitForPortAsync(address);
        Log.Started(_logger, "istore-node (" + engine + ")", address);
    }

    /// <summary>New nodes on the next free ports above the cluster's, started and answering.</summary>
    public async Task<List<string>> AllocateAsync(int count, string engine, CancellationToken ct)
    {
        List<string> nodes;
        lock (_fileLock)
        {
            int next = _file.Nodes.Keys.Select(a => int.Parse(a.Split(':')[1])).DefaultIfEmpty(options.BasePort).Max() + 1;
            nodes = Enumerable.Range(next, count).Select(p => $"127.0.0.1:{p}").ToList();
        }
        Update(f => nodes.ForEach(n => f.Nodes[n] = engine));
        try
        {
            await Task.WhenAll(nodes.Select(n => StartNodeAsync(n, engine))).WaitAsync(TimeSpan.FromSeconds(30), ct);
        }
        catch (Exception ex) when (ex is TimeoutException or IOException or OperationCanceledException)
        {
            await ReleaseAsync(nodes);
            throw new InvalidOperationException("new nodes did not start: " + ex.Message);
        }
        return nodes;
    }

    public async Task RestartNodeAsync(string node, string binary)
    {
        string engine;
        lock (_fileLock)
            engine = _file.Nodes.GetValueOrDefault(node) ?? throw new InvalidOperationException($"{node} is not a node of this cluster");
        await _supervisor!.StopAsync("node-" + node.Split(':')[1]);
        _nodeBinary = binary;
        Update(f => f.NodeBinary = binary);
        await StartNodeAsync(node, engine);
    }

    public IReadOnlyList<string> Proxies => [_file.Proxy];

    public async Task TakeOverProxyAsync(string proxy, string binary)
    {
        if (proxy != _file.Proxy)
            throw new InvalidOperationException($"{proxy} is not this cluster's proxy");
        await _supervisor!.TakeOverAsync("proxy", binary, ["--takeover", ProxyControlSocket], ProxyTakeoverTimeout);
        Update(f => f.ProxyBinary = binary);
    }

    /// <summary>Stops the nodes for good and deletes their data.</summary>
    public async Task ReleaseAsync(IEnumerable<string> nodes)
    {
        foreach (var node in nodes)
        {
            string port = node.Split(':')[1];
            await _supervisor!.StopAsync("node-" + port);
            Update(f => f.Nodes.Remove(node));
            string data = Path.Combine(_dir, "nodes", port);
            if (Directory.Exists(data))
                Directory.Delete(data, recursive: true);
        }
    }

    private void Update(Action<ClusterFile> change)
    {
        lock (_fileLock)
        {
            change(_file);
            _file.Save(ClusterPath);
        }
    }

    /// <summary>--x-binary, else next to istore-ha, else the publish layout's ../&lt;folder&gt;/.</summary>
    private static string FindBinary(string name, string? given, string folder)
    {
        string[] candidates = given is not null ? [given] : [Path.Combine(AppContext.BaseDirectory, name), Path.Combine(AppContext.BaseDirectory, "..", folder, name)];
        return candidates.FirstOrDefault(File.Exists) is { } found ? Path.GetFullPath(found)
            : throw new FileNotFoundException($"{name} not found (looked at {string.Join(", ", candidates)}); give --{folder}-binary PATH");
    }

    /// <summary>A port something else holds would make `up` take that program for its own node or proxy: refuse to start instead.</summary>
    private static void EnsurePortsFree(IEnumerable<string> addresses)
    {
        foreach (var address in addresses)
        {
            Endpoint.TryParse(address, out var endpoint);
            try
            {
                using var listener = new TcpListener(System.Net.IPAddress.Parse(endpoint.Host), endpoint.Port);
                listener.Start();
            }
            catch (SocketException)
            {
                throw new IOException($"{address} is in use: stop what listens there or choose other ports with --base-port");
            }
        }
    }

    private static async Task WaitForPortAsync(string address)
    {
        Endpoint.TryParse(address, out var endpoint);
        for (int i = 0; i < 600; i++)
        {
            try
            {
                using var socket = new TcpClient();
                await socket.ConnectAsync(endpoint.Host, endpoint.Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(20);
            }
        }
        throw new TimeoutException($"nothing answers on {address} after 12 s");
    }
}
