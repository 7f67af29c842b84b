namespace Istore.Ha.Admin;

/// <summary>
/// Where a new tenant's nodes come from: `istore-ha up` starts processes on this machine; a
/// multi-host setup takes them from the pool registered with POST /api/v1/nodes.
/// </summary>
public interface INodeAllocator
{
    /// <summary>Nodes of <paramref name="engine"/>, answering and empty, or an <see cref="InvalidOperationException"/> saying why not (nothing kept).</summary>
    Task<List<string>> AllocateAsync(int count, string engine, CancellationToken ct);

    /// <summary>Gives back nodes a tenant no longer uses (or that a failed creation started).</summary>
    Task ReleaseAsync(IEnumerable<string> nodes);
}
