namespace Istore.Proxy.Hosting;

public sealed record ProxyOptions
{
    /// <summary>The configuration file (static routes); null when the routes come from HA.</summary>
    public string? ConfigPath { get; init; }

    /// <summary>HA processes to take the routes from (any one of them; the next when it fails); empty with a file.</summary>
    public IReadOnlyList<string> Ha { get; init; } = [];

    /// <summary>Where to serve clients when the routes come from HA (a file says it itself).</summary>
    public string? Listen { get; init; }

    /// <summary>The token to AUTH with on HA's port, when it has one.</summary>
    public string? HaToken { get; init; }

    /// <summary>Event loops; each owns its clients and its own backend connections.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Port for Prometheus /metrics on the listen address's host; 0 turns it off.</summary>
    public int MetricsPort { get; init; }

    /// <summary>Client connections over all tenants.</summary>
    public int MaxClients { get; init; } = 100_000;

    /// <summary>Where this proxy listens for a successor that takes it over (a Unix socket path); null: no takeover.</summary>
    public string? ControlSocket { get; init; }

    /// <summary>Take over from the proxy listening on this control socket, then listen on it for the next upgrade.</summary>
    public string? Takeover { get; init; }

    /// <summary>How long a takeover waits for every client to reach a point where it can move before closing the rest.</summary>
    public TimeSpan TakeoverDrainTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the running proxy waits for each acknowledgement of a successor before it keeps (or takes back) what it was handing over.</summary>
    public TimeSpan TakeoverAckTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the configuration file is checked for changes.</summary>
    public TimeSpan ConfigPollInterval { get; init; } = TimeSpan.FromSeconds(1);
}
