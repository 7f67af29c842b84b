using System.Text;
using System.Text.Json.Serialization;

namespace Istore.Ha.Etcd;

// etcd v3's KV messages as its JSON gateway spells them: snake_case fields, keys and values in
// base64 (byte[]), int64 as strings, fields at their default value left out of replies.

public sealed record EtcdHeader
{
    public long Revision { get; init; }
}

public sealed record EtcdKeyValue
{
    public byte[] Key { get; init; } = [];
    public long CreateRevision { get; init; }
    public long ModRevision { get; init; }
    public long Version { get; init; }
    public byte[] Value { get; init; } = [];
    public long Lease { get; init; }

    public string KeyText => Encoding.UTF8.GetString(Key);

    public string ValueText => Encoding.UTF8.GetString(Value);
}

public sealed record EtcdRangeRequest
{
    public required byte[] Key { get; init; }
    public byte[]? RangeEnd { get; init; }
}

public sealed record EtcdRangeResponse
{
    public EtcdHeader Header { get; init; } = new();
    public List<EtcdKeyValue>? Kvs { get; init; }
}

public sealed record EtcdPutRequest
{
    public required byte[] Key { get; init; }
    public required byte[] Value { get; init; }
    public long? Lease { get; init; }
}

public sealed record EtcdPutResponse
{
    public EtcdHeader Header { get; init; } = new();
}

public sealed record EtcdDeleteRangeRequest
{
    public required byte[] Key { get; init; }
    public byte[]? RangeEnd { get; init; }
}

public sealed record EtcdDeleteRangeResponse
{
    public EtcdHeader Header { get; init; } = new();
    public long Deleted { get; init; }
}

[JsonConverter(typeof(JsonStringEnumConverter<EtcdCompareTarget>))]
public enum EtcdCompareTarget
{
    [JsonStringEnumMemberName("VERSION")] Version,
    [JsonStringEnumMemberName("CREATE")] CreateRevision,
    [JsonStringEnumMemberName("MOD")] ModRevision,
    [JsonStringEnumMemberName("VALUE")] Value,
    [JsonStringEnumMemberName("LEASE")] Lease,
}

[JsonConverter(typeof(JsonStringEnumConverter<EtcdCompareResult>))]
public enum EtcdCompareResult
{
    [JsonStringEnumMemberName("EQUAL")] Equal,
    [JsonStringEnumMemberName("GREATER")] Greater,
    [JsonStringEnumMemberName("LESS")] Less,
    [JsonStringEnumMemberName("NOT_EQUAL")] NotEqual,
}

/// <summary>One guard of a transaction: the key's value, version, create or mod revision, or lease against a constant (a missing key has 0 for all of them).</summary>
public sealed record EtcdCompare
{
    public required byte[] Key { get; init; }
    public required EtcdCompareTarget Target { get; init; }
    public required EtcdCompareResult Result { get; init; }
    public byte[]? Value { get; init; }
    public long? Version { get; init; }
    public long? CreateRevision { get; init; }
    public long? ModRevision { get; init; }
    public long? Lease { get; init; }

    public static EtcdCompare ValueIs(string key, EtcdCompareResult result, string value) =>
        new() { Key = EtcdKey.Bytes(key), Target = EtcdCompareTarget.Value, Result = result, Value = Encoding.UTF8.GetBytes(value) };

    public static EtcdCompare VersionIs(string key, EtcdCompareResult result, long version) =>
        new() { Key = EtcdKey.Bytes(key), Target = EtcdCompareTarget.Version, Result = result, Version = version };

    public static EtcdCompare CreateRevisionIs(string key, EtcdCompareResult result, long revision) =>
        new() { Key = EtcdKey.Bytes(key), Target = EtcdCompareTarget.CreateRevision, Result = result, CreateRevision = revision };

    public static EtcdCompare ModRevisionIs(string key, EtcdCompareResult result, long revision) =>
        new() { Key = EtcdKey.Bytes(key), Target = EtcdCompareTarget.ModRevision, Result = result, ModRevision = revision };

    public static EtcdCompare LeaseIs(string key, EtcdCompareResult result, long lease) =>
        new() { Key = EtcdKey.Bytes(key), Target = EtcdCompareTarget.Lease, Result = result, Lease = lease };
}

/// <summary>One operation of a transaction's success or failure branch (exactly one field set).</summary>
public sealed record EtcdOp
{
    public EtcdRangeRequest? RequestRange { get; init; }
    public EtcdPutRequest? RequestPut { get; init; }
    public EtcdDeleteRangeRequest? RequestDeleteRange { get; init; }

    public static EtcdOp Get(string key) => new() { RequestRange = new() { Key = EtcdKey.Bytes(key) } };

    public static EtcdOp Put(string key, string value, long lease = 0) =>
        new() { RequestPut = new() { Key = EtcdKey.Bytes(key), Value = Encoding.UTF8.GetBytes(value), Lease = lease == 0 ? null : lease } };

    public static EtcdOp Delete(string key) => new() { RequestDeleteRange = new() { Key = EtcdKey.Bytes(key) } };
}

public sealed record EtcdOpResponse
{
    public EtcdRangeResponse? ResponseRange { get; init; }
    public EtcdPutResponse? ResponsePut { get; init; }
    public EtcdDeleteRangeResponse? ResponseDeleteRange { get; init; }
}

public sealed record EtcdTxnRequest
{
    public List<EtcdCompare> Compare { get; init; } = [];
    public List<EtcdOp> Success { get; init; } = [];
    public List<EtcdOp> Failure { get; init; } = [];
}

public sealed record EtcdTxnResponse
{
    public EtcdHeader Header { get; init; } = new();
    public bool Succeeded { get; init; }
    public List<EtcdOpResponse> Responses { get; init; } = [];

    /// <summary>The key a Get op of the branch that ran read, null when absent; <paramref name="index"/> is the op's position in that branch.</summary>
    public EtcdKeyValue? RangeResult(int index) => Responses[index].ResponseRange?.Kvs?.FirstOrDefault();
}
