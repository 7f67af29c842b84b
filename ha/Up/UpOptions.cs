namespace Istore.Ha.Up;

/// <summary>`istore-ha up`: a whole cluster on loopback from one command.</summary>
public sealed record UpOptions
{
    public string Directory { get; init; } = "./data";

    public int Shards { get; init; } = 2;

    public int Replicas { get; init; } = 1;

    public string Engine { get; init; } = "memory";

    /// <summary>Every node's --sync-replicas (semi-synchronous replication; 0 = asynchronous).</summary>
    public int SyncReplicas { get; init; }

    public string? NodeBinary { get; init; }

    public string? ProxyBinary { get; init; }

    /// <summary>See <see cref="Hosting.HaOptions.ScaleKeysPerSec"/>.</summary>
    public int ScaleKeysPerSec { get; init; } = 200_000;

    /// <summary>The proxy's port; HA takes BasePort + 100, the dashboard BasePort + 180, the proxy's metrics BasePort + 190, nodes BasePort + 1 and up.</summary>
    public int BasePort { get; init; } = 7000;
}
