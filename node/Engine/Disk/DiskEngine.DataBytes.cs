using Istore.Node.Engine.Disk.Native;

namespace Istore.Node.Engine.Disk;

/// <summary>
/// The dataset's size as maxmemory sees it on this engine (<see cref="DiskFormat.DataBytes"/> per
/// key), measured only once a memory limit may apply: the first <see cref="MeasureDataset"/> walks
/// the metadata family once, and from then on every write moves the figure by what it replaced.
/// Until then nothing is measured, so a plain SET stays blind (see <see cref="DiskSession.Write"/>)
/// and a collection write reads no old record it did not need.
/// </summary>
public sealed partial class DiskEngine
{
    private long _dataBytes;
    private volatile bool _measuring;

    /// <summary>True once <see cref="MeasureDataset"/> ran: writes then account for the bytes they replace.</summary>
    internal bool MeasuresData => _measuring;

    /// <summary>Null until a memory limit may apply; then the measured dataset (INFO used_memory_dataset).</summary>
    public long? DatasetBytes => _measuring ? Volatile.Read(ref _dataBytes) : null;

    /// <summary>Starts measuring (O(keys) the first time, writers waiting on <see cref="CountLock"/>); later calls do nothing.</summary>
    public void MeasureDataset()
    {
        if (_measuring)
            return;
        lock (CountLock)
        {
            if (_measuring)
                return;
            long bytes = 0;
            using (var iterator = Db.NewIterator(Metadata, fillCache: false))
            {
                for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
                    bytes += DiskFormat.DataBytes(iterator.Key, iterator.Value);
                iterator.ThrowIfError();
            }
            Volatile.Write(ref _dataBytes, bytes);
            _measuring = true;
        }
    }

    /// <summary>4M slots (32 MB): the last use of the most recently used few million keys.</summary>
    public long AccessTableSlots => 1L << 22;

    /// <summary>A write batch changed the measured bytes by <paramref name="delta"/>. Caller holds <see cref="CountLock"/>.</summary>
    private void AddDataBytes(long delta)
    {
        if (_measuring)
            Volatile.Write(ref _dataBytes, Math.Max(0, _dataBytes + delta));
    }
}
