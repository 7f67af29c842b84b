using Istore.Net.Routes;

namespace Istore.Ha.State;

/// <summary>
/// A registered proxy: where it serves clients and, when it has one, its Prometheus port (HA reads
/// tenants' statistics there). Stored as "host:port" or "host:port metrics=N".
/// </summary>
public sealed record ProxyEntry(Endpoint Address, int MetricsPort)
{
    public override string ToString() => MetricsPort > 0 ? $"{Address} metrics={MetricsPort}" : Address.ToString();

    public static ProxyEntry? Parse(string text)
    {
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || !Endpoint.TryParse(parts[0], out var address))
            return null;
        int metrics = parts.Length > 1 && parts[1].StartsWith("metrics=", StringComparison.Ordinal) && int.TryParse(parts[1]["metrics=".Length..], out int port) ? port : 0;
        return new ProxyEntry(address, metrics);
    }
}
