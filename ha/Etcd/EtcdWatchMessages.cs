using System.Text.Json.Serialization;

namespace Istore.Ha.Etcd;

// etcd v3's watch messages as its JSON gateway streams them: one JSON object per line, each a
// {"result": …} or, when the stream fails, an {"error": …}.

public sealed record EtcdWatchRequest
{
    public required EtcdWatchCreateRequest CreateRequest { get; init; }
}

public sealed record EtcdWatchCreateRequest
{
    public required byte[] Key { get; init; }
    public byte[]? RangeEnd { get; init; }
    public long? StartRevision { get; init; }
}

public sealed record EtcdWatchLine
{
    public EtcdWatchResponse? Result { get; init; }
    public EtcdStreamError? Error { get; init; }
}

public sealed record EtcdWatchResponse
{
    public EtcdHeader Header { get; init; } = new();
    public bool Created { get; init; }
    public bool Canceled { get; init; }

    /// <summary>Set when the watch was canceled because its start revision has been compacted away.</summary>
    public long CompactRevision { get; init; }

    public string? CancelReason { get; init; }
    public List<EtcdEvent>? Events { get; init; }
}

[JsonConverter(typeof(JsonStringEnumConverter<EtcdEventType>))]
public enum EtcdEventType
{
    [JsonStringEnumMemberName("PUT")] Put,
    [JsonStringEnumMemberName("DELETE")] Delete,
}

public sealed record EtcdEvent
{
    /// <summary>Left out of the JSON for a put (proto3's default value).</summary>
    public EtcdEventType Type { get; init; }

    /// <summary>For a delete, only the key and the deleting revision (<see cref="EtcdKeyValue.ModRevision"/>).</summary>
    public EtcdKeyValue Kv { get; init; } = new();
}

/// <summary>A streaming call's error (watch, keep-alive): gRPC status code and message.</summary>
public sealed record EtcdStreamError
{
    public int GrpcCode { get; init; }
    public string? Message { get; init; }
}

/// <summary>A unary call's error body: gRPC status code and message.</summary>
public sealed record EtcdErrorBody
{
    public int Code { get; init; }
    public string? Message { get; init; }
}

public sealed record EtcdKeepAliveLine
{
    public EtcdLeaseKeepAliveResponse? Result { get; init; }
    public EtcdStreamError? Error { get; init; }
}
