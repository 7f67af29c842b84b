using Microsoft.Extensions.Logging;

namespace Istore.Ha.Failover;

/// <summary>What HA decided and why.</summary>
internal static partial class Log
{
    [LoggerMessage(LogLevel.Warning, "Failing over {Shard}: {Reason}; promoting {Replica} (offset {Offset})")]
    public static partial void FailingOver(ILogger logger, string shard, string reason, string replica, long offset);

    [LoggerMessage(LogLevel.Warning, "Failed over {Shard} to {Master}: route version {Version}, {Millis} ms after the old master's last answer")]
    public static partial void FailedOver(ILogger logger, string shard, string master, long version, long millis);

    [LoggerMessage(LogLevel.Error, "Shard {Shard}: {Problem}")]
    public static partial void ShardProblem(ILogger logger, string shard, string problem);

    [LoggerMessage(LogLevel.Information, "{Node}: {Command}, because {Why}")]
    public static partial void Correcting(ILogger logger, string node, string command, string why);

    [LoggerMessage(LogLevel.Warning, "{Node}: {Error}")]
    public static partial void CommandFailed(ILogger logger, string node, string error);

    [LoggerMessage(LogLevel.Warning, "Route version {Version} was not committed (another change won, or this process no longer leads)")]
    public static partial void CommitRefused(ILogger logger, long version);

    [LoggerMessage(LogLevel.Error, "Decision loop failed")]
    public static partial void TickFailed(ILogger logger, Exception ex);

    [LoggerMessage(LogLevel.Information, "Switchover of {Shard}: {Step}")]
    public static partial void Switchover(ILogger logger, string shard, string step);
}
