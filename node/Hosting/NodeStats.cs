using Istore.Node.Admin;

namespace Istore.Node.Hosting;

/// <summary>
/// Server-wide counters for INFO stats. Per-command figures live in each loop's
/// <see cref="LoopStats"/> (no shared write on the hot path) and are summed here on demand;
/// the error counters below move only on error paths.
/// </summary>
public sealed class NodeStats
{
    public long ErrorReplies;

    private readonly List<LoopStats> _loops = [];

    public void AddLoop(LoopStats loop)
    {
        lock (_loops)
            _loops.Add(loop);
    }

    public LoopStats[] Loops
    {
        get { lock (_loops) return [.. _loops]; }
    }

    /// <summary>Commands that ran (Redis's total_commands_processed).</summary>
    public long CommandsProcessed => Loops.Sum(loop => loop.Calls.Sum());

    public void Reset()
    {
        Interlocked.Exchange(ref ErrorReplies, 0);
        foreach (var loop in Loops)
            loop.Reset();
    }
}
