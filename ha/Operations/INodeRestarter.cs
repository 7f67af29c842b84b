namespace Istore.Ha.Operations;

/// <summary>What a rolling upgrade needs of the host: `istore-ha up` restarts the node processes it supervises.</summary>
public interface INodeRestarter
{
    /// <summary>Stops <paramref name="node"/> and starts it again from its data on <paramref name="binary"/>, which later starts (new nodes, crash restarts) use too; returns once it answers.</summary>
    Task RestartAsync(string node, string binary);
}
