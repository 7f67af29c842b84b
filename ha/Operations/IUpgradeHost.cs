namespace Istore.Ha.Operations;

/// <summary>What a rolling upgrade needs of the host: `istore-ha up` restarts the node processes it supervises and has its proxies taken over.</summary>
public interface IUpgradeHost
{
    /// <summary>Stops <paramref name="node"/> and starts it again from its data on <paramref name="binary"/>, which later starts (new nodes, crash restarts) use too; returns once it answers.</summary>
    Task RestartNodeAsync(string node, string binary);

    /// <summary>The proxies' client addresses.</summary>
    IReadOnlyList<string> Proxies { get; }

    /// <summary>
    /// Starts <paramref name="binary"/> as a successor that takes over <paramref name="proxy"/>'s
    /// listening socket and every client connection (no client sees an error or a disconnect);
    /// returns once the old process has exited. On failure the old process serves on and this throws.
    /// </summary>
    Task TakeOverProxyAsync(string proxy, string binary);
}
