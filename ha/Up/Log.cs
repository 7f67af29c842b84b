using Microsoft.Extensions.Logging;

namespace Istore.Ha.Up;

internal static partial class Log
{
    [LoggerMessage(LogLevel.Warning, "{Name} exited with {Code}: starting it again")]
    public static partial void Restarting(ILogger logger, string name, int code);

    [LoggerMessage(LogLevel.Information, "Started {Name} on {Address}")]
    public static partial void Started(ILogger logger, string name, string address);

    [LoggerMessage(LogLevel.Warning, "Replicas not in sync with their masters after {Seconds} s (a master with --sync-replicas refuses writes until they are): {Replicas}")]
    public static partial void ReplicasNotInSync(ILogger logger, int seconds, string replicas);

    [LoggerMessage(LogLevel.Information, "{Name}: pid {Successor} took over from pid {Predecessor}")]
    public static partial void TookOver(ILogger logger, string name, int predecessor, int successor);
}
