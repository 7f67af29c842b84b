using System.CommandLine;
using System.Runtime.InteropServices;
using Istore.Proxy.Hosting;
using Microsoft.Extensions.Logging;

// istore-proxy: parse options, start the proxy, stop cleanly on SIGTERM or SIGINT (SIGHUP reloads).
var config = new Option<string?>("--config") { Description = "Configuration file (JSON: version, listen, tenants with their shards); or routes from HA with --ha and --listen" };
var ha = new Option<string?>("--ha") { Description = "Take the routes from istore-ha: HOST:PORT[,HOST:PORT…] (instead of --config)" };
var listen = new Option<string?>("--listen") { Description = "With --ha: where to serve clients, HOST:PORT" };
var haToken = new Option<string?>("--ha-token") { Description = "With --ha: the token to AUTH with on HA's port (its --admin-token)" };
var threads = new Option<int>("--threads") { Description = "Event loop threads", DefaultValueFactory = _ => Math.Max(1, Environment.ProcessorCount / 2) };
var metricsPort = new Option<int>("--metrics-port") { Description = "Serve Prometheus text on http://<listen host>:<port>/metrics (0: off)", DefaultValueFactory = _ => 0 };
var maxClients = new Option<int>("--maxclients") { Description = "Maximum client connections over all tenants", DefaultValueFactory = _ => 100_000 };
var controlSocket = new Option<string?>("--control-socket") { Description = "Listen on this Unix socket for a successor to take over (lossless upgrade)" };
var takeover = new Option<string?>("--takeover") { Description = "Take over the listening sockets and every client of the proxy at this control socket, then listen on it (give the same other options)" };
var drainTimeout = new Option<double>("--takeover-drain-timeout") { Description = "Seconds a takeover waits for each client to owe no reply before closing it", DefaultValueFactory = _ => 10 };
var ackTimeout = new Option<double>("--takeover-ack-timeout") { Description = "Seconds the running proxy waits for each acknowledgement of a successor before it keeps what it was handing over and tells the successor to stand down", DefaultValueFactory = _ => 10 };
var logLevel = new Option<LogLevel>("--loglevel") { Description = "Trace, Debug, Information, Warning, Error", DefaultValueFactory = _ => LogLevel.Information };

ackTimeout.Validators.Add(result =>
{
    if (result.GetValueOrDefault<double>() is not (> 0 and < 3600))
        result.AddError("--takeover-ack-timeout must be more than 0 and less than 3600 seconds");
});
var root = new RootCommand("istore-proxy: a multi-tenant RESP proxy over sharded istore-node / redis-server backends")
{
    config, ha, listen, haToken, threads, metricsPort, maxClients, controlSocket, takeover, drainTimeout, ackTimeout, logLevel,
};
root.Validators.Add(result =>
{
    bool fromFile = result.GetValue(config) is not null, fromHa = result.GetValue(ha) is not null;
    if (fromFile == fromHa)
        result.AddError("Give either --config FILE or --ha HOST:PORT[,…] with --listen HOST:PORT");
    else if (fromHa && result.GetValue(listen) is null)
        result.AddError("--ha needs --listen HOST:PORT (where this proxy serves clients)");
    else if (result.GetValue(drainTimeout) is < 0 or double.NaN)
        result.AddError("--takeover-drain-timeout must be 0 or more seconds");
});
root.SetAction(async (parsed, _) =>
{
    var options = new ProxyOptions
    {
        ConfigPath = parsed.GetValue(config),
        Ha = parsed.GetValue(ha)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [],
        Listen = parsed.GetValue(listen),
        HaToken = parsed.GetValue(haToken),
        Threads = Math.Max(1, parsed.GetValue(threads)),
        MetricsPort = parsed.GetValue(metricsPort),
        MaxClients = parsed.GetValue(maxClients),
        ControlSocket = parsed.GetValue(controlSocket),
        Takeover = parsed.GetValue(takeover),
        TakeoverDrainTimeout = TimeSpan.FromSeconds(parsed.GetValue(drainTimeout)),
        TakeoverAckTimeout = TimeSpan.FromSeconds(parsed.GetValue(ackTimeout)),
    };
    using var loggerFactory = LoggerFactory.Create(b => b
        .SetMinimumLevel(parsed.GetValue(logLevel))
        .AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff "; }));
    var logger = loggerFactory.CreateLogger("istore-proxy");
    ProxyServer proxy;
    try
    {
        proxy = new ProxyServer(options, loggerFactory);
    }
    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException or System.Net.Sockets.SocketException)
    {
        logger.LogCritical("Cannot start: {Message}", ex.Message);
        return 1;
    }
    using (proxy)
    {
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        try
        {
            proxy.Start();
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or System.Net.Sockets.SocketException)
        {
            logger.LogCritical("Cannot start: {Message}", ex.Message);
            return 1;
        }
        await proxy.RunAsync();
        return 0;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            proxy.RequestShutdown();
        }
    }
});
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
