using Microsoft.Extensions.Logging;

namespace Istore.Proxy.Hosting;

internal static partial class Log
{
    [LoggerMessage(Level = LogLevel.Information, Message = "istore-proxy {Version} listening on {Endpoint} with {Threads} loop(s), {Tenants} tenant(s), config version {ConfigVersion}")]
    public static partial void Listening(ILogger logger, string version, string endpoint, int threads, int tenants, long configVersion);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ready to accept connections")]
    public static partial void Ready(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Prometheus metrics on http://{Endpoint}/metrics")]
    public static partial void Metrics(ILogger logger, string endpoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "Configuration reloaded ({Reason}): version {ConfigVersion}, {Tenants} tenant(s)")]
    public static partial void Reloaded(ILogger logger, string reason, long configVersion, int tenants);

    [LoggerMessage(Level = LogLevel.Error, Message = "Configuration not reloaded ({Reason}): {Error}")]
    public static partial void ReloadFailed(ILogger logger, string reason, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The listen address changed to {Endpoint}; it takes effect at the next restart")]
    public static partial void ListenChanged(ILogger logger, string endpoint);

    [LoggerMessage(Level = LogLevel.Error, Message = "Command {Command} failed; closing its client")]
    public static partial void CommandFailed(ILogger logger, string command, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No route table from HA ({Ha}) yet: serving without tenants until one arrives")]
    public static partial void NoRoutesYet(ILogger logger, string ha);

    [LoggerMessage(Level = LogLevel.Information, Message = "Following HA {Ha} for routes")]
    public static partial void HaFollowing(ILogger logger, string ha);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost HA {Ha} ({Error}); trying the next one, serving with the last routes meanwhile")]
    public static partial void HaLost(ILogger logger, string ha, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shutting down")]
    public static partial void ShuttingDown(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for a takeover on {Path}")]
    public static partial void ControlSocket(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Takeover by pid {Pid}: listening sockets handed over, moving clients")]
    public static partial void TakeoverStarted(ILogger logger, int pid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Takeover by pid {Pid} complete: {Clients} client(s) handed over in {Ms} ms; exiting")]
    public static partial void TakeoverDone(ILogger logger, int pid, int clients, long ms);

    [LoggerMessage(Level = LogLevel.Error, Message = "Takeover by pid {Pid} failed ({Error}); accepting again and serving the {Clients} client(s) still held")]
    public static partial void TakeoverFailed(ILogger logger, string pid, string error, int clients);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Takeover: {Clients} client(s) already handed over went with the failed successor")]
    public static partial void TakeoverLostClients(ILogger logger, int clients);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Takeover: closing client id={Id} addr={Address}: {Reason} past the drain timeout")]
    public static partial void TakeoverClosedClient(ILogger logger, long id, string address, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Takeover by pid {Pid}: everything was handed over but the successor did not acknowledge the end ({Error}); exiting")]
    public static partial void TakeoverDoneUnacknowledged(ILogger logger, int pid, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Takeover refused: the running proxy kept its clients (this process answered too late); serving the {Clients} client(s) received, accepting no more, exiting once they are gone")]
    public static partial void TakeoverStoodDown(ILogger logger, int clients);

    [LoggerMessage(Level = LogLevel.Information, Message = "Took over {Clients} client(s) in {Ms} ms (takeover {Takeovers})")]
    public static partial void TookOver(ILogger logger, int clients, long ms, int takeovers);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Takeover ended early ({Error}): serving the {Clients} client(s) received")]
    public static partial void TakeoverEndedEarly(ILogger logger, string error, int clients);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Takeover paused after {Clients} client(s) (ISTORE_PROXY_TAKEOVER_PAUSE_AFTER)")]
    public static partial void TakeoverPaused(ILogger logger, int clients);
}
