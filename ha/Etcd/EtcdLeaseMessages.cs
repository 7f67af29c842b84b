using System.Text.Json.Serialization;

namespace Istore.Ha.Etcd;

// etcd v3's lease messages as its JSON gateway spells them (the id and TTL fields are upper case).

public sealed record EtcdLeaseGrantRequest
{
    [JsonPropertyName("TTL")] public long Ttl { get; init; }
}

public sealed record EtcdLeaseGrantResponse
{
    public EtcdHeader Header { get; init; } = new();
    [JsonPropertyName("ID")] public long Id { get; init; }
    [JsonPropertyName("TTL")] public long Ttl { get; init; }
}

/// <summary>Keep-alive and revoke both name just the lease.</summary>
public sealed record EtcdLeaseIdRequest
{
    [JsonPropertyName("ID")] public long Id { get; init; }
}

public sealed record EtcdLeaseKeepAliveResponse
{
    public EtcdHeader Header { get; init; } = new();
    [JsonPropertyName("ID")] public long Id { get; init; }

    /// <summary>The renewed lease's TTL in seconds; 0 when the lease has expired or was revoked.</summary>
    [JsonPropertyName("TTL")] public long Ttl { get; init; }
}

public sealed record EtcdLeaseRevokeResponse
{
    public EtcdHeader Header { get; init; } = new();
}
