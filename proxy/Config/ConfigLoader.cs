using System.Text.Json;
using Istore.Net.Routes;
using Istore.Proxy.Routing;

namespace Istore.Proxy.Config;

/// <summary>Reads and checks a configuration file; a bad file is an exception with a message an operator can act on.</summary>
public static class ConfigLoader
{
    public static RouteTable Load(string path) => Parse(File.ReadAllText(path));

    /// <summary>Parses a configuration; a table HA pushed has no listen address of its own, <paramref name="haListen"/> is the proxy's.</summary>
    public static RouteTable Parse(string json, string? haListen = null)
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
        if (haListen is not null)
            config.Listen = haListen;
        if (!Endpoint.TryParse(config.Listen, out var listen))
            throw new InvalidDataException($"listen '{config.Listen}' is not host:port");
        var tenants = TenantValidation.Check(config.Tenants).Select(t => new TenantRoute(t.Tenant, t.Masters));
        return new RouteTable(config, listen, tenants, fromHa: haListen is not null);
    }
}
