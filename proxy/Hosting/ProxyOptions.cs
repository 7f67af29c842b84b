namespace Istore.Proxy.Hosting;

public sealed record ProxyOptions
{
    public required string ConfigPath { get; init; }

    /// <summary>Event loops; each owns its clients and its own backend connections.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Port for Prometheus /metrics on the listen address's host; 0 turns it off.</summary>
    public int MetricsPort { get; init; }

    /// <summary>Client connections over all tenants.</summary>
    public int MaxClients { get; init; } = 100_000;

    /// <summary>How often the configuration file is checked for changes.</summary>
    public TimeSpan ConfigPollInterval { get; init; } = TimeSpan.FromSeconds(1);
}
