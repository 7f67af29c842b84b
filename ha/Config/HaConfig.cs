using System.Text.Json.Serialization;
using Istore.Net.Routes;

namespace Istore.Ha.Config;

/// <summary>
/// The topology HA owns (ha.json, or etcd's copy): its RESP port, how long a master may be silent
/// before it is failed over, and the tenants with their shards. HA writes its decisions back here
/// (a promoted master, the old one listed as a replica to fence), bumping <see cref="Version"/>,
/// which is also the version of the route table pushed to proxies.
/// </summary>
public sealed record HaConfig
{
    public long Version { get; set; } = 1;

    public string Listen { get; set; } = "127.0.0.1:7100";

    public int DownAfterMs { get; set; } = 1000;

    public List<TenantConfig> Tenants { get; set; } = [];
}

/// <summary>The route table pushed to proxies: the proxy configuration's shape without its listen address.</summary>
public sealed record PushedRoutes(long Version, List<TenantConfig> Tenants);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true, UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip, WriteIndented = true)]
[JsonSerializable(typeof(HaConfig))]
[JsonSerializable(typeof(PushedRoutes))]
internal sealed partial class HaJson : JsonSerializerContext;
