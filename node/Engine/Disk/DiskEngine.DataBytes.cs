using Istore.Node.Engine.Disk.Native;

namespace Istore.Node.Engine.Disk;

/// <summary>
/// The dataset's size as maxmemory sees it on this engine (<see cref="DiskFormat.DataBytes"/> per
/// key), measured only once a memory limit may apply. <see cref="MeasureDataset"/> walks the
/// metadata family of a snapshot off the caller's thread with no lock held, while every write from
/// the snapshot on moves the figure by what it replaced: the walk's sum plus those moves is the
/// dataset. Until the first call nothing is measured, so a plain SET stays blind (see
/// <see cref="DiskSession.Write"/>) and a collection write reads no old record it did not need.
/// </summary>
public sealed partial class DiskEngine
{
    /// <summary>The measure once known; while the walk runs, the moves of the writes since its snapshot.</summary>
    private long _dataBytes;

    /// <summary>Writes account for the bytes they replace (from the walk's snapshot on).</summary>
    private volatile bool _measuring;

    /// <summary>The walk is done: <see cref="_dataBytes"/> is the dataset.</summary>
    private volatile bool _measured;

    private Task? _walk;

    /// <summary>FLUSHALL emptied the dataset while the walk ran: its sum (of the snapshot) no longer counts.</summary>
    private bool _walkEmptied;

    /// <summary>True once <see cref="MeasureDataset"/> was called: writes then account for the bytes they replace.</summary>
    internal bool MeasuresData => _measuring;

    /// <summary>Null until the first measure is done; then the measured dataset (INFO used_memory_dataset).</summary>
    public long? DatasetBytes => _measured ? Volatile.Read(ref _dataBytes) : null;

    /// <summary>
    /// Starts measuring (O(keys) once, on the thread pool); null when the measure is known, else the
    /// walk, done when <see cref="DatasetBytes"/> is. The caller holds the keyspace write lock, so no
    /// collection write that computed its batch unmeasured is still to commit after the snapshot.
    /// </summary>
    public Task? MeasureDataset()
    {
        lock (CountLock)
        {
            if (_measured)
                return null;
            if (_walk is { IsFaulted: true } failed)
            {
                _walk = null;   // reported once; the next call walks again
                return failed;
            }
            if (_walk is not null)
                return _walk;
            Volatile.Write(ref _dataBytes, 0);
            _walkEmptied = false;
            // The iterator is made and placed here, under the lock, as the key recount's is: the walk
            // must see exactly the writes before this point (CI once found it counting the first
            // write after it when only the snapshot was taken here and the iterator on the pool).
            var snapshot = Db.CreateSnapshot();
            var iterator = Db.NewIterator(Metadata, fillCache: false, snapshot: snapshot);
            iterator.SeekToFirst();
            _measuring = true;
            return _walk = Task.Run(() => Walk(snapshot, iterator));
        }
    }

    private void Walk(Snapshot snapshot, Iterator iterator)
    {
        long bytes = 0;
        using (snapshot)
        using (iterator)
        {
            for (; iterator.Valid; iterator.Next())
                bytes += DiskFormat.DataBytes(iterator.Key, iterator.Value);
            iterator.ThrowIfError();
        }
        lock (CountLock)
        {
            Volatile.Write(ref _dataBytes, Math.Max(0, _dataBytes + (_walkEmptied ? 0 : bytes)));
            _measured = true;
        }
    }

    /// <summary>4M slots (32 MB): the last use of the most recently used few million keys.</summary>
    public long AccessTableSlots => 1L << 22;

    /// <summary>A write batch changed the measured bytes by <paramref name="delta"/>. Caller holds <see cref="CountLock"/>.</summary>
    private void AddDataBytes(long delta)
    {
        if (!_measuring)
            return;
        // While the walk runs the moves may sum below zero (deletions of keys the walk will count).
        long bytes = _dataBytes + delta;
        Volatile.Write(ref _dataBytes, _measured ? Math.Max(0, bytes) : bytes);
    }

    /// <summary>FLUSHALL's batch emptied the dataset (caller holds <see cref="CountLock"/>): a walk still running counts nothing.</summary>
    private void NoteDatasetEmptied()
    {
        if (!_measured)
            _walkEmptied = true;
    }
}
