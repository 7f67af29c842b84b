namespace Istore.Node.Engine;

/// <summary>
/// A session that can read a run of string keys at once before the commands that read them run
/// (a pipelined batch of GETs: one RocksDB MultiGet instead of one lookup each; on the memory engine,
/// FASTER's reads from disk waited for together). The next
/// <see cref="IEngineSession.Read"/> calls take the results in order; a read of any other key, or
/// any write through the session, drops whatever is left, so a result is only ever used by the
/// read it was made for, within the batch it was made in.
/// </summary>
public interface IReadAhead
{
    /// <summary>The most keys read at once (a longer run reads its first ones ahead, the rest one by one).</summary>
    const int MaxKeys = 64;

    /// <summary>Whether reading ahead pays now (the memory engine: only once its log has spilled to disk).</summary>
    bool WorthReadingAhead { get; }

    /// <summary>Whether every key is read at one moment (a MultiGet); otherwise the caller drops the results when anything was written meanwhile.</summary>
    bool ReadsAtOneMoment { get; }

    /// <summary>Reads the keys of <paramref name="keys"/> (concatenated; <paramref name="ends"/>[i] is where key i ends), dropping any earlier ones left.</summary>
    void ReadAhead(ReadOnlySpan<byte> keys, ReadOnlySpan<int> ends);

    /// <summary>Results not yet taken by a read.</summary>
    int ReadAheadLeft { get; }

    /// <summary>Forgets the results not yet taken.</summary>
    void DropReadAhead();
}
