namespace Istore.Ha.Etcd;

/// <summary>etcd refused a request (its gRPC status code and message).</summary>
public class EtcdException(string message, int code = 0, Exception? inner = null) : IOException(message, inner)
{
    /// <summary>The gRPC status code etcd answered with (0 when it did not answer).</summary>
    public int Code { get; } = code;
}

/// <summary>No endpoint answered: each refused the connection, timed out or had no etcd leader.</summary>
public sealed class EtcdUnavailableException(string message, Exception? inner = null) : EtcdException(message, 14, inner);

/// <summary>A watch's start revision was compacted away: read the key again and watch from there.</summary>
public sealed class EtcdCompactedException(long compactRevision)
    : EtcdException($"etcd compacted its history up to revision {compactRevision}; the watch must restart from a fresh read", 11)
{
    public long CompactRevision { get; } = compactRevision;
}
