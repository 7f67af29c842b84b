using System.Text.Json;
using Istore.Proxy.Routing;

namespace Istore.Proxy.Config;

/// <summary>Reads and checks a configuration file; a bad file is an exception with a message an operator can act on.</summary>
public static class ConfigLoader
{
    public static RouteTable Load(string path) => Parse(File.ReadAllText(path));

    public static RouteTable Parse(string json)
    {
        ProxyConfig? config;
        try
        {
            config = JsonSerializer.Deserialize(json, ProxyConfigJson.Default.ProxyConfig);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException("invalid JSON: " + ex.Message, ex);
        }
        if (config is null)
            throw new InvalidDataException("the configuration is empty");
        if (!Endpoint.TryParse(config.Listen, out var listen))
            throw new InvalidDataException($"listen '{config.Listen}' is not host:port");
        var tenants = new List<TenantRoute>();
        var passwords = new HashSet<string>(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in config.Tenants)
        {
            if (string.IsNullOrWhiteSpace(t.Name) || t.Name.Any(char.IsWhiteSpace))
                throw new InvalidDataException("every tenant needs a name without spaces");
            if (!names.Add(t.Name))
                throw new InvalidDataException($"tenant '{t.Name}' is declared twice");
            // AUTH password finds the tenant by its password alone, so passwords must be unique.
            if (string.IsNullOrEmpty(t.Password) || !passwords.Add(t.Password))
                throw new InvalidDataException($"tenant '{t.Name}' needs a password of its own");
            if (t.Shards.Count == 0)
                throw new InvalidDataException($"tenant '{t.Name}' has no shards");
            if (t.Limits.MaxClients < 0 || t.Limits.Qps < 0 || t.Limits.MaxInFlight < 0 || t.Limits.BackendTimeoutMs < 0
                || t.Limits.BackendConnections is < 1 or > 64)
                throw new InvalidDataException($"tenant '{t.Name}' has a negative limit or a backendConnections outside 1..64");
            var shards = new Endpoint[t.Shards.Count];
            for (int i = 0; i < shards.Length; i++)
            {
                if (!Endpoint.TryParse(t.Shards[i].Master, out shards[i]))
                    throw new InvalidDataException($"tenant '{t.Name}' shard {i}: master '{t.Shards[i].Master}' is not host:port");
                foreach (var replica in t.Shards[i].Replicas)
                    if (!Endpoint.TryParse(replica, out _))
                        throw new InvalidDataException($"tenant '{t.Name}' shard {i}: replica '{replica}' is not host:port");
            }
            tenants.Add(new TenantRoute(t, shards));
        }
        return new RouteTable(config, listen, tenants);
    }
}
