using Istore.Ha.Config;

namespace Istore.Ha.State;

/// <summary>
/// Where the topology lives and who may change it: a file (one HA process, always the leader) or
/// etcd (several HA processes, one leader by an etcd lease). Every decision is a commit of the
/// next version; a commit that loses a race or leadership changes nothing.
/// </summary>
public interface IHaStore : IAsyncDisposable
{
    /// <summary>The topology as last committed or seen.</summary>
    HaConfig Current { get; }

    /// <summary>Whether this process may act (probe results turned into failovers, route changes).</summary>
    bool IsLeader { get; }

    /// <summary>The leading process's id, null while nobody leads.</summary>
    string? Leader { get; }

    /// <summary>Raised (on any thread) when <see cref="Current"/> changes, by this process or another.</summary>
    event Action<HaConfig>? Changed;

    /// <summary>Every proxy registered with any HA process sharing this store, as <see cref="ProxyEntry"/> texts (alive or not: probes say which serve).</summary>
    IReadOnlyCollection<string> Proxies { get; }

    /// <summary>Raised (on any thread) when a proxy joins <see cref="Proxies"/>.</summary>
    event Action? ProxiesChanged;

    /// <summary>Records a proxy that subscribed to this process (a <see cref="ProxyEntry"/> text), for every HA process's name service.</summary>
    Task RegisterProxyAsync(string entry, CancellationToken ct);

    /// <summary>Loads the stored topology (seeding it from <paramref name="initial"/> when the store is empty) and, for etcd, starts campaigning.</summary>
    Task StartAsync(HaConfig initial, CancellationToken ct);

    /// <summary>
    /// Stores <paramref name="next"/> (whose version must be Current.Version + 1) if this process
    /// still leads and nobody committed since Current; returns false, changing nothing, otherwise.
    /// </summary>
    Task<bool> TryCommitAsync(HaConfig next, CancellationToken ct);
}
