using Microsoft.Extensions.Logging;

namespace Istore.Ha.Hosting;

internal static partial class Log
{
    [LoggerMessage(LogLevel.Information, "istore-ha {Version} listening on {Address}, route version {RouteVersion}, leader {Leader}")]
    public static partial void Listening(ILogger logger, string version, string address, long routeVersion, string leader);

    [LoggerMessage(LogLevel.Information, "Ready to accept connections")]
    public static partial void Ready(ILogger logger);

    [LoggerMessage(LogLevel.Warning, "Proxy {Proxy} subscribed but could not be registered for the other HA processes: {Error}")]
    public static partial void RegisterFailed(ILogger logger, string proxy, string error);

    [LoggerMessage(LogLevel.Information, "Shutting down")]
    public static partial void ShuttingDown(ILogger logger);
}
