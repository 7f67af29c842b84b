using System.Text.Json;
using System.Text.Json.Serialization;

namespace Istore.Ha.Etcd;

/// <summary>
/// Source-generated (AOT-safe) JSON for etcd's gateway: snake_case names, int64 written as strings
/// and read from either form (proto3's JSON mapping), unset optional fields left out.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString)]
[JsonSerializable(typeof(EtcdRangeRequest))]
[JsonSerializable(typeof(EtcdRangeResponse))]
[JsonSerializable(typeof(EtcdPutRequest))]
[JsonSerializable(typeof(EtcdPutResponse))]
[JsonSerializable(typeof(EtcdTxnRequest))]
[JsonSerializable(typeof(EtcdTxnResponse))]
[JsonSerializable(typeof(EtcdLeaseGrantRequest))]
[JsonSerializable(typeof(EtcdLeaseGrantResponse))]
[JsonSerializable(typeof(EtcdLeaseIdRequest))]
[JsonSerializable(typeof(EtcdKeepAliveLine))]
[JsonSerializable(typeof(EtcdLeaseRevokeResponse))]
[JsonSerializable(typeof(EtcdWatchRequest))]
[JsonSerializable(typeof(EtcdWatchLine))]
[JsonSerializable(typeof(EtcdErrorBody))]
internal sealed partial class EtcdJson : JsonSerializerContext;
