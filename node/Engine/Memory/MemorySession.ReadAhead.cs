using Istore.Net.Server;

namespace Istore.Node.Engine.Memory;

/// <summary>
/// A pipelined run of GETs once the log has spilled past <c>--maxmemory</c> (see <see cref="IReadAhead"/>):
/// every key is looked up in turn, and the records FASTER must fetch from disk are waited for all
/// at once instead of one disk read after another on the event loop. The reads are not at one
/// moment, so the keyspace drops them all if anything was written meanwhile
/// (<see cref="Keyspace.KeyspaceSession.ReadAhead"/>) and the GETs read one by one.
/// </summary>
internal sealed partial class MemorySession : IReadAhead
{
    private readonly AheadRead[] _ahead = new AheadRead[IReadAhead.MaxKeys];
    private readonly ReadAheadKeys _aheadKeys = new();
    private int _aheadCount;
    private int _aheadNext;
    private bool _heldLarge;

    /// <summary>One key's result (<see cref="Pending"/> until FASTER's read of it from disk is in).</summary>
    private struct AheadRead
    {
        public ValueBuffer Value;
        public bool Found;
        public bool Pending;
    }

    /// <summary>Buffers of results larger than this are let go with the results.</summary>
    private const int KeepAheadBytes = 16 * 1024;

    public bool WorthReadingAhead => _engine.HasSpilled;

    public bool ReadsAtOneMoment => false;

    public int ReadAheadLeft => _aheadCount - _aheadNext;

    public void ReadAhead(ReadOnlySpan<byte> keys, ReadOnlySpan<int> ends)
    {
        DropReadAhead();
        int count = _aheadKeys.Load(keys, ends);
        int pending = 0;
        for (int i = 0; i < count; i++)
        {
            ref var read = ref _ahead[i];
            var output = new StringOutput { Value = read.Value.Buffer is null ? new ValueBuffer(256) : read.Value };
            var status = StartRead(_aheadKeys[i], ref output, out _);
            read.Value = output.Value;
            _heldLarge |= read.Value.Buffer.Length > KeepAheadBytes;
            read.Pending = status.IsPending;
            read.Found = status.Found;
            if (read.Pending)
                pending++;
        }
        if (pending > 0)
            WaitForDisk(pending, count);
        _aheadCount = count;   // all in memory: kept too (a GET then copies its value instead of looking its key up again)
    }

    private void WaitForDisk(int pending, int count)
    {
        Interlocked.Add(ref _engine.PendingReads, pending);
        _session.CompletePendingWithOutputs(out var completed, wait: true);
        using (completed)
        {
            while (completed.Next())
            {
                ref var current = ref completed.Current;
                ref var read = ref _ahead[PendingSlot(current.Key.AsReadOnlySpan(), count)];
                read.Value = current.Output.Value;
                read.Found = current.Status.Found;
                read.Pending = false;
                _heldLarge |= read.Value.Buffer.Length > KeepAheadBytes;
            }
        }
    }

    public void DropReadAhead()
    {
        _aheadCount = _aheadNext = 0;
        LetGoOfLargeResults();
    }

    /// <summary>A run's large values are not kept for the life of the session (64 results of up to a FASTER page each).</summary>
    private void LetGoOfLargeResults()
    {
        if (!_heldLarge)
            return;
        _heldLarge = false;
        foreach (ref var read in _ahead.AsSpan())
        {
            if (read.Value.Buffer?.Length > KeepAheadBytes)
            {
                MemoryGiveBack.Dropped(read.Value.Buffer.Length);
                read.Value = default;
            }
        }
    }

    /// <summary>A write may follow: nothing read before it is served after it.</summary>
    public void BeginCommand() => DropReadAhead();

    /// <summary>The first read of <paramref name="key"/> still waiting for the disk (a run may read a key twice).</summary>
    private int PendingSlot(ReadOnlySpan<byte> key, int count)
    {
        for (int i = 0; i < count; i++)
        {
            if (_ahead[i].Pending && key.SequenceEqual(_aheadKeys[i]))
                return i;
        }
        throw new InvalidOperationException("FASTER completed a read this run did not start");
    }

    /// <summary>The next result when it is for <paramref name="key"/>; false, with every result dropped, when the read is for another key.</summary>
    private bool TryTakeReadAhead(ReadOnlySpan<byte> key, out AheadRead read)
    {
        if (!key.SequenceEqual(_aheadKeys[_aheadNext]))
        {
            read = default;
            DropReadAhead();
            return false;
        }
        read = _ahead[_aheadNext++];
        if (_aheadNext == _aheadCount)
            DropReadAhead();   // the reader copies the value before another read
        return true;
    }
}
