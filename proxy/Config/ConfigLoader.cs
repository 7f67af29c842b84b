using System.Text.Json;
using Istore.Net.Routes;
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
        var tenants = TenantValidation.Check(config.Tenants).Select(t => new TenantRoute(t.Tenant, t.Masters));
        return new RouteTable(config, listen, tenants);
    }
}
