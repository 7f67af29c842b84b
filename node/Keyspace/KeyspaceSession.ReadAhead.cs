using Istore.Node.Engine;

namespace Istore.Node.Keyspace;

/// <summary>Reading a pipelined run of GETs at once, where the engine can (<see cref="IReadAhead"/>).</summary>
public sealed partial class KeyspaceSession
{
    /// <summary>Whether the engine reads runs of keys at once now (the disk engine; the memory engine once its log spilled).</summary>
    public bool CanReadAhead => _engine is IReadAhead { WorthReadingAhead: true };

    /// <summary>Results of the last <see cref="ReadAhead"/> no read has taken yet.</summary>
    public int ReadAheadLeft => _engine is IReadAhead ahead ? ahead.ReadAheadLeft : 0;

    /// <summary>
    /// Reads the keys (concatenated, <paramref name="ends"/>[i] where key i ends) for the reads about
    /// to follow, all as of one point in time; nothing when an atomic write (EXEC, a script) was under
    /// way meanwhile, as a read of several keys must not see half of one. An engine that reads the
    /// keys one after another keeps nothing if anything was written meanwhile: every write is applied,
    /// then logged, under the write lock, so an unchanged stream offset means no write fell between
    /// two of the reads (no GET of the run sees older data than a GET before it).
    /// </summary>
    public void ReadAhead(ReadOnlySpan<byte> keys, ReadOnlySpan<int> ends)
    {
        if (_engine is not IReadAhead ahead || InWriteScope)
            return;
        long sequence = BeginSeveralKeyRead();
        long written = ahead.ReadsAtOneMoment ? 0 : _db.Log.StreamOffset;
        ahead.ReadAhead(keys, ends);
        if (!HeldAtomicSequence(sequence) || (!ahead.ReadsAtOneMoment && _db.Log.StreamOffset != written))
            ahead.DropReadAhead();
    }

    public void DropReadAhead()
    {
        if (_engine is IReadAhead ahead)
            ahead.DropReadAhead();
    }
}
