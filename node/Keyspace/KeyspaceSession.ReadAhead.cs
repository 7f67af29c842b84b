using Istore.Node.Engine;

namespace Istore.Node.Keyspace;

/// <summary>Reading a pipelined run of GETs at once, where the engine can (<see cref="IReadAhead"/>).</summary>
public sealed partial class KeyspaceSession
{
    /// <summary>Whether the engine reads runs of keys at once (the disk engine).</summary>
    public bool CanReadAhead => _engine is IReadAhead;

    /// <summary>Results of the last <see cref="ReadAhead"/> no read has taken yet.</summary>
    public int ReadAheadLeft => _engine is IReadAhead ahead ? ahead.ReadAheadLeft : 0;

    /// <summary>
    /// Reads the keys (concatenated, <paramref name="ends"/>[i] where key i ends) for the reads about
    /// to follow, all at one point in time; nothing when an atomic write (EXEC, a script) was under
    /// way meanwhile, as a read of several keys must not see half of one.
    /// </summary>
    public void ReadAhead(ReadOnlySpan<byte> keys, ReadOnlySpan<int> ends)
    {
        if (_engine is not IReadAhead ahead || InWriteScope)
            return;
        long sequence = BeginSeveralKeyRead();
        ahead.ReadAhead(keys, ends);
        if (!HeldAtomicSequence(sequence))
            ahead.DropReadAhead();
    }

    public void DropReadAhead()
    {
        if (_engine is IReadAhead ahead)
            ahead.DropReadAhead();
    }
}
