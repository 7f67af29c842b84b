namespace Istore.Ha.Hosting;

public sealed record HaOptions
{
    /// <summary>The topology file: the state in file mode, the seed of etcd's copy in etcd mode.</summary>
    public required string ConfigPath { get; init; }

    /// <summary>etcd endpoints ("http://127.0.0.1:2379,…"); empty: file mode.</summary>
    public string? Etcd { get; init; }

    /// <summary>This process's RESP port; null: the topology's listen.</summary>
    public string? Listen { get; init; }

    /// <summary>The nodes' --requirepass: HA's probes and commands AUTH with it.</summary>
    public string? NodePassword { get; init; }

    /// <summary>Clients of the HA port must AUTH with this token first, when set.</summary>
    public string? AdminToken { get; init; }

    /// <summary>The admin API and dashboard's HOST:PORT (bearer: <see cref="AdminToken"/>); null: none (`up` always has one).</summary>
    public string? Admin { get; init; }

    /// <summary>The rate cap of a scale step's key mover (keys moved per second by HA's pass).</summary>
    public int ScaleKeysPerSec { get; init; } = 200_000;

    /// <summary>How long a proxy waits for subscribers to apply a route change before a switchover demotes the old master.</summary>
    public int RouteApplyWaitMs { get; init; } = 500;
}
