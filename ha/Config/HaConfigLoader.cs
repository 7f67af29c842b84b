using System.Text.Json;
using Istore.Net.Routes;

namespace Istore.Ha.Config;

/// <summary>Parses, checks and serializes the topology; a bad one is an <see cref="InvalidDataException"/> and changes nothing.</summary>
public static class HaConfigLoader
{
    public static HaConfig Parse(string json)
    {
        HaConfig? config;
        try
        {
            config = JsonSerializer.Deserialize(json, HaJson.Default.HaConfig);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException("invalid JSON: " + ex.Message, ex);
        }
        if (config is null)
            throw new InvalidDataException("the topology is empty");
        Check(config);
        return config;
    }

    /// <summary>
    /// HA's own settings, then the tenant rules it shares with the proxy (among them: a node
    /// belongs to one shard of one tenant).
    /// </summary>
    public static void Check(HaConfig config)
    {
        if (!Endpoint.TryParse(config.Listen, out _))
            throw new InvalidDataException($"listen '{config.Listen}' is not host:port");
        if (config.DownAfterMs is < 50 or > 600_000)
            throw new InvalidDataException($"downAfterMs {config.DownAfterMs} is outside 50..600000");
        if (config.Version < 1)
            throw new InvalidDataException($"version {config.Version} must be at least 1");
        TenantValidation.Check(config.Tenants);
    }

    public static string Serialize(HaConfig config) => JsonSerializer.Serialize(config, HaJson.Default.HaConfig);

    public static string SerializeRoutes(HaConfig config) =>
        JsonSerializer.Serialize(new PushedRoutes(config.Version, config.Tenants), HaJson.Default.PushedRoutes);
}
