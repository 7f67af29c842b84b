using Microsoft.Extensions.Logging;

namespace Istore.Node.Replication;

/// <summary>Replication's log messages (source-generated, AOT-safe).</summary>
internal static partial class ReplicationLog
{
    [LoggerMessage(101, LogLevel.Information, "Replica {Address} (port {Port}) asks for {Kind}: {Answer}")]
    public static partial void ReplicaSync(this ILogger logger, string address, int port, string kind, string answer);

    [LoggerMessage(102, LogLevel.Information, "Replica {Address} (port {Port}) is online from offset {Offset}")]
    public static partial void ReplicaOnline(this ILogger logger, string address, int port, long offset);

    [LoggerMessage(103, LogLevel.Warning, "Replica {Address} (port {Port}) dropped: {Why}")]
    public static partial void ReplicaDropped(this ILogger logger, string address, int port, string why);

    [LoggerMessage(104, LogLevel.Information, "Replicating from {Master}: {What}")]
    public static partial void LinkProgress(this ILogger logger, string master, string what);

    [LoggerMessage(105, LogLevel.Warning, "Replication link to {Master} failed: {Why}; retrying in {Ms} ms")]
    public static partial void LinkFailed(this ILogger logger, string master, string why, long ms);

    [LoggerMessage(106, LogLevel.Information, "Role change: {What}")]
    public static partial void RoleChanged(this ILogger logger, string what);

    [LoggerMessage(107, LogLevel.Error, "A full-sync snapshot could not be made")]
    public static partial void SnapshotFailed(this ILogger logger, Exception ex);
}
