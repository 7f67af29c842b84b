using System.Text.Json.Serialization;
using Istore.Net.Routes;

namespace Istore.Ha.Admin;

// The admin API's JSON (camelCase), shared by the API, the dashboard and the tests.

/// <summary>GET /api/v1/cluster: everything the three views show, as of the last sample (every second).</summary>
public sealed record ClusterView(
    long RouteVersion, string? Leader, bool IsLeader, long Failovers, long LastFailoverMs, long SampledAtMs,
    List<TenantView> Tenants, List<NodeView> Nodes, List<ProxyView> Proxies, PlatformView Platform);

/// <summary>A tenant, its shards and its traffic summed over the proxies (the business view); Migration: the scale step in progress.</summary>
public sealed record TenantView(
    string Name, TenantLimits Limits, TenantFlags Flags, List<ShardView> Shards,
    double OpsPerSec, long P50Us, long P99Us, double ErrorsPerSec, double FailureRate, long Connections,
    double BytesInPerSec, double BytesOutPerSec, long Rejected, ShardMigration? Migration);

public sealed record ShardView(int Index, string Master, List<string> Replicas, string? Problem, bool Healthy);

/// <summary>A storage node (the machine view): host, role, replication, resources, the binary it runs (path and version), the shard it owns ("index/shards", "off" or "" before a probe said).</summary>
public sealed record NodeView(
    string Address, string Host, string Tenant, int Shard, string Role, bool Up, long Offset, long LagBytes, double LagSeconds,
    long UsedMemory, double CpuPercent, long Connections, double OpsPerSec, double NetInPerSec, double NetOutPerSec, long Keys, string Binary,
    string Guard);

public sealed record ProxyView(string Address, bool Healthy, long Connections, double OpsPerSec);

/// <summary>The platform view: totals and capacity.</summary>
public sealed record PlatformView(long RequestsToday, long StorageUsedBytes, long StorageCapacityBytes, long FreeMemoryBytes, int Nodes, int NodesUp, int Tenants);

/// <summary>GET /api/v1/history?seconds=N: one point per second (unix ms in T), oldest first, at most 30 minutes.</summary>
public sealed record HistoryView(List<long> T, Dictionary<string, Dictionary<string, List<double>>> Nodes, Dictionary<string, Dictionary<string, List<double>>> Tenants, Dictionary<string, List<double>> Platform);

/// <summary>POST /api/v1/tenants.</summary>
public sealed record CreateTenantRequest(string? Name, string? Password, int Shards = 1, int Replicas = 1, string Engine = "memory");

/// <summary>PATCH /api/v1/tenants/{name}: what is given changes, the rest stays.</summary>
public sealed record PatchTenantRequest(TenantLimits? Limits, TenantFlags? Flags);

/// <summary>POST /api/v1/tenants/{name}/scale.</summary>
public sealed record ScaleRequest(int Shards);

/// <summary>POST /api/v1/tenants/{name}/shards/{i}/relocate: the node to move the master to (host:port), or null for a fresh one (`up` mode).</summary>
public sealed record RelocateRequest(string? To);

/// <summary>POST /api/v1/upgrade.</summary>
public sealed record UpgradeRequest(string? NodeBinary, string? ProxyBinary);

/// <summary>The admin operations the API calls.</summary>
public sealed record AdminOperations(TenantOperations Tenants, Istore.Ha.Scaling.Scaler Scaler, Istore.Ha.Operations.Relocation Relocation, Istore.Ha.Operations.RollingUpgrade Upgrade);

/// <summary>One recorded mutation (GET /api/v1/events, newest last).</summary>
public sealed record AdminEvent(long Id, DateTimeOffset At, string Who, string What, string Result, bool Ok);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ClusterView))]
[JsonSerializable(typeof(HistoryView))]
[JsonSerializable(typeof(CreateTenantRequest))]
[JsonSerializable(typeof(PatchTenantRequest))]
[JsonSerializable(typeof(List<AdminEvent>))]
[JsonSerializable(typeof(TenantConfig))]
[JsonSerializable(typeof(ScaleRequest))]
[JsonSerializable(typeof(RelocateRequest))]
[JsonSerializable(typeof(UpgradeRequest))]
[JsonSerializable(typeof(ShardConfig))]
[JsonSerializable(typeof(Istore.Ha.Operations.UpgradeProgress))]
[JsonSerializable(typeof(Istore.Ha.Scaling.ScaleProgress))]
internal sealed partial class AdminJson : JsonSerializerContext;
