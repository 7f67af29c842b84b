namespace Istore.Node.Hosting;

/// <summary>Server-wide counters for INFO stats; per-command counters are summed from the loops.</summary>
public sealed class NodeStats
{
    public long CommandsProcessed;
    public long RejectedCalls;
    public long ErrorReplies;

    public void Reset()
    {
        Interlocked.Exchange(ref CommandsProcessed, 0);
        Interlocked.Exchange(ref RejectedCalls, 0);
        Interlocked.Exchange(ref ErrorReplies, 0);
    }
}
