using System.Text.Json.Serialization;
using Istore.Net.Routes;

namespace Istore.Proxy.Config;

/// <summary>
/// The proxy's configuration file (and, later, what HA pushes): listen address, tenants and their
/// ordered shards. <see cref="Version"/> orders route tables so a newer one always wins.
/// Setters rather than init: the JSON source generator would set absent init properties to null.
/// </summary>
public sealed record ProxyConfig
{
    public long Version { get; set; }

    public string Listen { get; set; } = "127.0.0.1:7000";

    public List<TenantConfig> Tenants { get; set; } = [];
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true, UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(ProxyConfig))]
internal sealed partial class ProxyConfigJson : JsonSerializerContext;
