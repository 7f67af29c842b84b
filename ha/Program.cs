using System.CommandLine;
using System.Runtime.InteropServices;
using Istore.Ha.Admin;
using Istore.Ha.Config;
using Istore.Ha.Etcd;
using Istore.Ha.Hosting;
using Istore.Ha.State;
using Istore.Ha.Up;
using Microsoft.Extensions.Logging;

// istore-ha: load the topology, start the store, probes, decisions and the RESP port; stop on SIGTERM or SIGINT.
var config = new Option<string>("--config") { Description = "Topology file (JSON: version, listen, downAfterMs, tenants with their shards); HA writes its decisions back to it", Required = true };
var etcd = new Option<string?>("--etcd") { Description = "etcd endpoints (http://host:port,…): keep the topology in etcd and elect one leader among several HA processes" };
var listen = new Option<string?>("--listen") { Description = "This process's RESP port, HOST:PORT (default: the topology's listen; several HA processes on etcd each need their own)" };
var nodePassword = new Option<string?>("--node-password") { Description = "The nodes' --requirepass (their --masterauth too): HA AUTHs with it" };
var adminToken = new Option<string?>("--admin-token") { Description = "Clients of the HA port must AUTH with this token" };
var admin = new Option<string?>("--admin") { Description = "Serve the admin API and dashboard on HOST:PORT (needs --admin-token: the bearer token); new tenants and shards take nodes registered with POST /api/v1/nodes" };
var scaleRate = new Option<int>("--scale-keys-per-sec") { Description = "Rate cap of HA's key moves while a tenant scales", DefaultValueFactory = _ => 200_000 };
var logLevel = new Option<LogLevel>("--loglevel") { Description = "Trace, Debug, Information, Warning, Error", DefaultValueFactory = _ => LogLevel.Information };

var root = new RootCommand("istore-ha: failover, routes pushed to proxies and the name service for istore shards")
{
    config, etcd, listen, nodePassword, adminToken, admin, scaleRate, logLevel,
};
root.SetAction(async (parsed, _) =>
{
    var options = new HaOptions
    {
        ConfigPath = parsed.GetValue(config)!,
        Etcd = parsed.GetValue(etcd),
        AdminToken = parsed.GetValue(adminToken),
        Listen = parsed.GetValue(listen),
        NodePassword = parsed.GetValue(nodePassword),
        Admin = parsed.GetValue(admin),
        ScaleKeysPerSec = parsed.GetValue(scaleRate),
    };
    if (options.Admin is not null && options.AdminToken is null || options.ScaleKeysPerSec < 1)
    {
        Console.Error.WriteLine("--admin needs --admin-token; --scale-keys-per-sec must be positive");
        return 1;
    }
    using var loggerFactory = LoggerFactory.Create(b => b
        .SetMinimumLevel(parsed.GetValue(logLevel))
        .AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff "; }));
    var logger = loggerFactory.CreateLogger("istore-ha");
    HaServer ha;
    try
    {
        var topology = HaConfigLoader.Parse(File.ReadAllText(options.ConfigPath));
        string address = options.Listen ?? topology.Listen;
        if (!Istore.Net.Routes.Endpoint.TryParse(address, out var endpoint))
            throw new InvalidDataException($"--listen '{address}' is not host:port");
        // On etcd the topology file only seeds an empty etcd; this process's address is its id in the election.
        IHaStore store = options.Etcd is { } endpoints
            ? new EtcdHaStore(new EtcdClient(EtcdClient.ParseEndpoints(endpoints), logger: loggerFactory.CreateLogger("etcd")), address, loggerFactory.CreateLogger("etcd"))
            : new FileHaStore(options.ConfigPath);
        await store.StartAsync(topology, CancellationToken.None);
        ha = new HaServer(options, address, store.Current, store, loggerFactory);
        if (options.Admin is { } adminAddress && !Istore.Net.Routes.Endpoint.TryParse(adminAddress, out Istore.Net.Routes.Endpoint _))
            throw new InvalidDataException($"--admin '{adminAddress}' is not host:port");
    }
    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException or ArgumentException or System.Net.Sockets.SocketException)
    {
        logger.LogCritical("Cannot start: {Message}", ex.Message);
        return 1;
    }
    await using (ha)
    {
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        ha.Start();
        AdminHost? adminHost = null;
        if (options.Admin is { } adminAddress)
        {
            Istore.Net.Routes.Endpoint.TryParse(adminAddress, out var adminEndpoint);
            adminHost = new AdminHost(ha, adminEndpoint, options.AdminToken!, allocator: null);
            await adminHost.StartAsync();
        }
        await ha.RunAsync();
        if (adminHost is not null)
            await adminHost.DisposeAsync();
        return 0;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            ha.RequestShutdown();
        }
    }
});
var dir = new Option<string>("--dir") { Description = "Where the cluster keeps its data, topology and cluster.json", DefaultValueFactory = _ => "./data" };
var shards = new Option<int>("--shards") { Description = "Shards of the default tenant", DefaultValueFactory = _ => 2 };
var replicas = new Option<int>("--replicas") { Description = "Replicas per shard", DefaultValueFactory = _ => 1 };
var engine = new Option<string>("--engine") { Description = "memory or disk", DefaultValueFactory = _ => "memory" };
var nodeBinary = new Option<string?>("--node-binary") { Description = "istore-node to start (default: next to istore-ha)" };
var proxyBinary = new Option<string?>("--proxy-binary") { Description = "istore-proxy to start (default: next to istore-ha)" };
var syncReplicas = new Option<int>("--sync-replicas") { Description = "The nodes' --sync-replicas: a write's reply waits for this many replicas (0 = asynchronous; at most --replicas)" };
var basePort = new Option<int>("--base-port") { Description = "The proxy's port; HA +100, dashboard +180, proxy metrics +190, nodes +1 and up", DefaultValueFactory = _ => 7000 };
var up = new Command("up", "Start a whole local cluster: nodes, HA, a proxy, the admin API and dashboard")
{
    dir, shards, replicas, engine, syncReplicas, nodeBinary, proxyBinary, basePort, scaleRate, logLevel,
};
engine.AcceptOnlyFromAmong("memory", "disk");
up.SetAction(async (parsed, _) =>
{
    if (parsed.GetValue(shards) is < 1 or > 64 || parsed.GetValue(replicas) is < 0 or > 4 || parsed.GetValue(syncReplicas) < 0 || parsed.GetValue(syncReplicas) > parsed.GetValue(replicas))
    {
        Console.Error.WriteLine("--shards must be 1..64, --replicas 0..4 and --sync-replicas 0..replicas");
        return 1;
    }
    using var loggerFactory = LoggerFactory.Create(b => b
        .SetMinimumLevel(parsed.GetValue(logLevel))
        .AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff "; }));
    var runner = new ClusterRunner(new UpOptions
    {
        Directory = parsed.GetValue(dir)!,
        Shards = parsed.GetValue(shards),
        Replicas = parsed.GetValue(replicas),
        Engine = parsed.GetValue(engine)!,
        SyncReplicas = parsed.GetValue(syncReplicas),
        NodeBinary = parsed.GetValue(nodeBinary),
        ProxyBinary = parsed.GetValue(proxyBinary),
        BasePort = parsed.GetValue(basePort),
        ScaleKeysPerSec = parsed.GetValue(scaleRate),
    }, loggerFactory);
    PosixSignalRegistration? term = null, interrupt = null;
    try
    {
        return await runner.RunAsync(ha =>
        {
            term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
            interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);

            void Stop(PosixSignalContext context)
            {
                context.Cancel = true;
                ha.RequestShutdown();
            }
        });
    }
    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException or TimeoutException or System.Net.Sockets.SocketException)
    {
        loggerFactory.CreateLogger("istore-ha up").LogCritical("Cannot start the cluster: {Message}", ex.Message);
        return 1;
    }
    finally
    {
        term?.Dispose();
        interrupt?.Dispose();
    }
});
root.Subcommands.Add(up);

return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
