using System.Text.Json;
using System.Text.Json.Serialization;

namespace Istore.Ha.Up;

/// <summary>
/// &lt;dir&gt;/cluster.json: what a user needs to reach the cluster `up` started (the proxy, the
/// dashboard, the admin token, the tenants' AUTH), and what `up` needs to start it again (every
/// node's engine). Replaced atomically.
/// </summary>
public sealed record ClusterFile
{
    public string Proxy { get; set; } = "";

    public string Dashboard { get; set; } = "";

    public string AdminToken { get; set; } = "";

    public List<TenantLogin> Tenants { get; set; } = [];

    /// <summary>Node address → engine, for restarting them.</summary>
    public Dictionary<string, string> Nodes { get; set; } = [];

    /// <summary>The istore-node a rolling upgrade moved the nodes to; null: the one found next to istore-ha.</summary>
    public string? NodeBinary { get; set; }

    /// <summary>The istore-proxy a rolling upgrade moved the proxy to; null: the one found next to istore-ha.</summary>
    public string? ProxyBinary { get; set; }

    public static ClusterFile? Load(string path) =>
        File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllText(path), ClusterFileJson.Default.ClusterFile) : null;

    public void Save(string path)
    {
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(this, ClusterFileJson.Default.ClusterFile));
        File.Move(path + ".tmp", path, overwrite: true);
    }
}

public sealed record TenantLogin(string Name, string Password);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(ClusterFile))]
internal sealed partial class ClusterFileJson : JsonSerializerContext;
