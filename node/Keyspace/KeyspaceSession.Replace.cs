namespace Istore.Node.Keyspace;

public sealed partial class KeyspaceSession
{
    /// <summary>
    /// A full sync's data replaces the whole dataset in one atomic write (lock-free reads wait for
    /// its end, so they see the old data or the new): WATCH, client tracking, access times and
    /// blocked clients learn of it as of a FLUSHALL. <paramref name="replace"/> is the engine's swap.
    /// </summary>
    public void ReplaceDataset(Action replace)
    {
        using var scope = Atomic();
        _db.Watchers.AllChanged(_ => true);
        _db.Tracking.AllChanged();
        replace();
        _db.Access.Clear();
        SignalAllRemoved();
    }
}
