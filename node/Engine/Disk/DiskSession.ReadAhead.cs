using Istore.Node.Engine.Disk.Native;

namespace Istore.Node.Engine.Disk;

/// <summary>
/// A pipelined run of GETs read with one MultiGet (see <see cref="IReadAhead"/>): RocksDB then
/// searches each memtable and file once for the whole run, which at -P 16 was most of a GET's time.
/// The values stay pinned in RocksDB's memory until their read takes them or they are dropped.
/// </summary>
internal sealed unsafe partial class DiskSession : IReadAhead
{
    private readonly nint[] _aheadValues = new nint[IReadAhead.MaxKeys];
    private readonly ReadAheadKeys _aheadKeys = new();
    private int _aheadCount;
    private int _aheadNext;

    public bool WorthReadingAhead => true;

    public bool ReadsAtOneMoment => true;

    public int ReadAheadLeft => _aheadCount - _aheadNext;

    public void ReadAhead(ReadOnlySpan<byte> keys, ReadOnlySpan<int> ends)
    {
        DropReadAhead();
        if (_collecting)
            return;
        int count = _aheadKeys.Load(keys, ends);
        if (count == 0)
            return;
        var pointers = stackalloc byte*[count];
        var lengths = stackalloc nuint[count];
        fixed (byte* start = _aheadKeys.All)
        fixed (nint* values = _aheadValues)
        {
            for (int i = 0; i < count; i++)
            {
                pointers[i] = start + _aheadKeys.Start(i);
                lengths[i] = (nuint)_aheadKeys[i].Length;
            }
            _db.MultiGet(_metadata, count, pointers, lengths, values);
        }
        _aheadCount = count;
    }

    public void DropReadAhead()
    {
        for (int i = _aheadNext; i < _aheadCount; i++)
            new PinnedValue(_aheadValues[i]).Dispose();
        _aheadCount = _aheadNext = 0;
    }

    /// <summary>
    /// The next read-ahead result when it is for <paramref name="key"/> (0 in <paramref name="slice"/>: the key is missing);
    /// false, with every result dropped, when the read is for another key or the command collects its writes.
    /// </summary>
    private bool TryTakeReadAhead(ReadOnlySpan<byte> key, out nint slice)
    {
        slice = 0;
        if (_collecting || !key.SequenceEqual(_aheadKeys[_aheadNext]))
        {
            DropReadAhead();
            return false;
        }
        slice = _aheadValues[_aheadNext++];
        if (_aheadNext == _aheadCount)
            _aheadCount = _aheadNext = 0;
        return true;
    }
}
