using Istore.Node.Engine.Disk.Native;

namespace Istore.Node.Engine.Disk;

/// <summary>
/// The key count. A plain SET while no key has an expiry does not read whether its key existed
/// (see <see cref="DiskSession.Write"/>), so after one the count is unknown until a recount walks
/// the metadata family: O(keys), off the caller's thread, shared by every DBSIZE that waits for it.
/// INFO and the like take <see cref="EstimatedKeyCount"/> and never wait.
/// </summary>
/// <remarks>
/// A round of the recount, and the races it allows for (all state below is under <see cref="CountLock"/>,
/// which every write holds while it writes its batch and moves the counts):
/// <list type="bullet">
/// <item>It starts under the lock: the iterator is made there (it reads a snapshot, a point in the
/// write order S), with the count and the number of uncounted writes as of S. The waiters present
/// then are the round's; later ones wait for what the round can tell them.</item>
/// <item>It counts without the lock; writers go on. At its end F, under the lock, the count is
/// <c>counted + (_keyCount − count at S)</c>: the snapshot plus every counted change since.</item>
/// <item>If no uncounted write came in (S, F], that is exact at F: the count is known again, and
/// every waiter gets it (F is after each of them asked).</item>
/// <item>If one did, the count at F is not known, but the count at S was: the round's own waiters
/// get <c>counted</c> (S is after they asked and before they are answered); later ones start
/// another round. Under a steady stream of SETs a DBSIZE waits at most two rounds.</item>
/// <item>FLUSHALL during a round sets the count itself (0, known), as does a count on the spot
/// (<see cref="KeyCount"/>, inside EXEC): the round leaves the count alone (its changes since S
/// are not relative to the snapshot any more) but its waiters still get <c>counted</c>.</item>
/// <item>The compaction filter's drops of expired keys are counted changes: the iterator, pinned
/// at S, still sees a key dropped after S. A compaction that decided a drop before S but had not
/// finished at S is the one case the round counts a key still in, once (see the README).</item>
/// </list>
/// </remarks>
public sealed partial class DiskEngine
{
    /// <summary>The key count; while it is unknown, the count without the uncounted writes since the last recount.</summary>
    private long _keyCount;

    /// <summary>
    /// Writes that did not count their key, and how many of them the last recount covered: while
    /// they differ the count is unknown, and the counts record holds its complement (negative).
    /// </summary>
    private long _uncountedWrites, _recountedThrough;

    /// <summary>FLUSHALLs and counts on the spot so far: a round that began before one leaves the count alone.</summary>
    private long _resets;

    /// <summary>Rounds run (INFO's disk_engine_key_recounts).</summary>
    private long _recounts;

    private List<TaskCompletionSource<long>> _waiting = [];
    private Thread? _recount;
    private volatile bool _stopping;

    private bool KeyCountUnknown => Volatile.Read(ref _uncountedWrites) != Volatile.Read(ref _recountedThrough);

    /// <summary>
    /// Exact, as Redis's DBSIZE: when the count is unknown, counts here and now, holding
    /// <see cref="CountLock"/> (writers wait), for a caller that cannot wait for a round: a
    /// command inside EXEC or a script, which may hold the lock already and holds the keyspace's.
    /// </summary>
    public long KeyCount
    {
        get
        {
            lock (CountLock)
            {
                if (!KeyCountUnknown)
                    return _keyCount;
                ObjectDisposedException.ThrowIf(_stopping, this);
                using (var iterator = Db.NewIterator(Metadata, fillCache: false))
                    Volatile.Write(ref _keyCount, CountKeys(iterator));
                Volatile.Write(ref _recountedThrough, _uncountedWrites);
                Volatile.Write(ref _countsDirty, 1);
                _resets++;
                return _keyCount;
            }
        }
    }

    public Task<long> KeyCountAsync()
    {
        lock (CountLock)
        {
            if (!KeyCountUnknown)
                return Task.FromResult(_keyCount);
            if (_stopping)
                return Task.FromException<long>(new ObjectDisposedException(nameof(DiskEngine)));
            var waiter = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Add(waiter);
            if (_recount is null)
                StartRecount();
            return waiter.Task;
        }
    }

    /// <summary>
    /// Exact when the count is known. Otherwise it lies between the count without the uncounted
    /// writes (a blind SET never removes a key) and that plus all of them (each might have made
    /// one): RocksDB's own estimate of the keys, held to those bounds.
    /// </summary>
    public long EstimatedKeyCount
    {
        get
        {
            long known, uncounted;
            lock (CountLock)
            {
                if (!KeyCountUnknown)
                    return _keyCount;
                (known, uncounted) = (_keyCount, _uncountedWrites - _recountedThrough);
            }
            long rocks = (long)(Db.IntProperty(Metadata, "rocksdb.estimate-num-keys") ?? 0);
            return Math.Clamp(rocks, known, known + Math.Min(uncounted, long.MaxValue - known));
        }
    }

    /// <summary>A key was written without counting it. Caller holds <see cref="CountLock"/>.</summary>
    internal void NoteUncountedWrite() => Volatile.Write(ref _uncountedWrites, _uncountedWrites + 1);

    /// <summary>The count the counts record stores: the complement of the lower bound while the count is unknown.</summary>
    private long StoredKeyCount(long keys) => KeyCountUnknown ? ~keys : keys;

    /// <summary>Takes the counts record's key count; a negative one was stored while unknown, and how many writes went uncounted since is not known either.</summary>
    private void RestoreKeyCount(long stored)
    {
        _keyCount = stored < 0 ? ~stored : stored;
        _uncountedWrites = stored < 0 ? long.MaxValue / 2 : 0;
    }

    /// <summary>The dataset was replaced by files: the count is unknown (0 known, any number uncounted) until a recount. Caller holds <see cref="CountLock"/>.</summary>
    private void ForgetKeyCount()
    {
        Volatile.Write(ref _keyCount, 0);
        Volatile.Write(ref _uncountedWrites, _recountedThrough + long.MaxValue / 4);
        _resets++;
    }

    /// <summary>FLUSHALL's batch: the count becomes 0 and known, whatever was uncounted. Caller holds <see cref="CountLock"/>.</summary>
    internal void WriteEmptied(WriteBatch batch)
    {
        long recounted = _recountedThrough;
        Volatile.Write(ref _recountedThrough, _uncountedWrites);
        try
        {
            WriteWithCounts(batch, -_keyCount, -_volatileKeyCount, bytesDelta: -_dataBytes);
            NoteDatasetEmptied();
        }
        catch
        {
            Volatile.Write(ref _recountedThrough, recounted);
            throw;
        }
        _resets++;
    }

    /// <summary>Starts a round for the waiters present now. Caller holds <see cref="CountLock"/>.</summary>
    private void StartRecount()
    {
        _recounts++;
        var round = new RecountRound(_waiting, _keyCount, _uncountedWrites, _resets, Db.CreateSnapshot());
        _waiting = [];
        try
        {
            round.Iterator = Db.NewIterator(Metadata, fillCache: false, snapshot: round.Snapshot);
            _recount = new Thread(() => Recount(round)) { IsBackground = true, Name = "istore-key-recount" };
            _recount.Start();
        }
        catch (Exception ex)
        {
            round.Dispose();
            _recount = null;
            Fail(round.Waiters, ex);
        }
    }

    private void Recount(RecountRound round)
    {
        long counted = 0;
        Exception? failure = null;
        try
        {
            counted = CountKeys(round.Iterator!);
            if (_stopping)
                failure = new ObjectDisposedException(nameof(DiskEngine));
        }
        catch (Exception ex)
        {
            failure = ex;
        }
        finally
        {
            round.Dispose();
        }
        List<TaskCompletionSource<long>> answered;
        long answer;
        lock (CountLock)
        {
            _recount = null;
            if (failure is not null)
            {
                answered = [.. round.Waiters, .. _waiting];
                _waiting = [];
                Fail(answered, failure);
                return;
            }
            if (round.Resets == _resets)
            {
                Volatile.Write(ref _keyCount, counted + (_keyCount - round.KeysBefore));
                Volatile.Write(ref _recountedThrough, Math.Max(_recountedThrough, round.UncountedBefore));
                Volatile.Write(ref _countsDirty, 1);   // the counts record learns the count at the next maintenance
            }
            if (!KeyCountUnknown)
            {
                (answered, answer) = ([.. round.Waiters, .. _waiting], _keyCount);
                _waiting = [];
            }
            else
            {
                (answered, answer) = (round.Waiters, counted);
                if (_waiting.Count > 0 && !_stopping)
                    StartRecount();
            }
        }
        foreach (var waiter in answered)
            waiter.TrySetResult(answer);
    }

    /// <summary>The keys <paramref name="iterator"/> sees, or as many as it saw when the engine began to close.</summary>
    private long CountKeys(Iterator iterator)
    {
        long keys = 0;
        for (iterator.SeekToFirst(); iterator.Valid && !_stopping; iterator.Next())
            keys++;
        iterator.ThrowIfError();
        return keys;
    }

    private static void Fail(List<TaskCompletionSource<long>> waiters, Exception failure)
    {
        foreach (var waiter in waiters)
            waiter.TrySetException(failure);
    }

    /// <summary>Ends a running recount before the database closes; its waiters get an error.</summary>
    private void StopRecount()
    {
        Thread? running;
        lock (CountLock)
        {
            _stopping = true;
            running = _recount;
        }
        running?.Join();
    }

    /// <summary>What a round saw at its start: its waiters, the counts, and the snapshot it walks.</summary>
    private sealed class RecountRound(List<TaskCompletionSource<long>> waiters, long keysBefore, long uncountedBefore, long resets, Snapshot snapshot) : IDisposable
    {
        public List<TaskCompletionSource<long>> Waiters { get; } = waiters;
        public long KeysBefore { get; } = keysBefore;
        public long UncountedBefore { get; } = uncountedBefore;
        public long Resets { get; } = resets;
        public Snapshot Snapshot { get; } = snapshot;
        public Iterator? Iterator { get; set; }

        public void Dispose()
        {
            Iterator?.Dispose();
            Snapshot.Dispose();
        }
    }
}
