using Microsoft.Extensions.Logging;

namespace Istore.Ha.Etcd;

/// <summary>Source-generated log messages of the etcd client and store (AOT-safe, no cost when the level is off).</summary>
internal static partial class EtcdLog
{
    [LoggerMessage(1, LogLevel.Warning, "etcd endpoint {Endpoint} failed: {Reason}")]
    public static partial void EndpointFailed(ILogger logger, string endpoint, string reason);

    [LoggerMessage(2, LogLevel.Warning, "etcd watch on {Endpoint} ended: {Reason}; reopening it")]
    public static partial void WatchBroken(ILogger logger, string endpoint, string reason);

    [LoggerMessage(3, LogLevel.Information, "{Id} leads istore-ha (etcd lease {Lease:x})")]
    public static partial void Elected(ILogger logger, string id, long lease);

    [LoggerMessage(4, LogLevel.Information, "{Id} follows {Leader}")]
    public static partial void Following(ILogger logger, string id, string leader);

    [LoggerMessage(5, LogLevel.Warning, "etcd lease keep-alive failed, not acting as leader until it succeeds: {Reason}")]
    public static partial void KeepAliveFailed(ILogger logger, string reason);

    [LoggerMessage(6, LogLevel.Warning, "etcd lease {Lease:x} expired; taking a new one")]
    public static partial void LeaseExpired(ILogger logger, long lease);

    [LoggerMessage(7, LogLevel.Error, "etcd key {Key} at revision {Revision} holds no valid topology, keeping version {Version}: {Reason}")]
    public static partial void TopologyRefused(ILogger logger, string key, long revision, long version, string reason);

    [LoggerMessage(8, LogLevel.Warning, "etcd key {Key} was deleted; the leader's next commit writes it again")]
    public static partial void TopologyDeleted(ILogger logger, string key);

    [LoggerMessage(9, LogLevel.Warning, "etcd watch restarts from a fresh read: {Reason}")]
    public static partial void WatchRestarted(ILogger logger, string reason);

    [LoggerMessage(10, LogLevel.Warning, "etcd lease or campaign failed, trying again: {Reason}")]
    public static partial void LeadershipStepFailed(ILogger logger, string reason);
}
