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
    private readonly int[] _aheadEnds = new int[IReadAhead.MaxKeys];
    private byte[] _aheadKeys = new byte[1024];
    private int _aheadCount;
    private int _aheadNext;

    public bool WorthReadingAhead => true;

    public bool ReadsAtOneMoment => true;

    public int ReadAheadLeft => _aheadCount - _aheadNext;

    public void ReadAhead(ReadOnlySpan<byte> keys, ReadOnlySpan<int> ends)
    {
        DropReadAhead();
        int count = Math.Min(ends.Length, IReadAhead.MaxKeys);
        if (count == 0 || _collecting)
            return;
        int length = ends[count - 1];
        if (_aheadKeys.Length < length)
            _aheadKeys = new byte[Math.Max(length, _aheadKeys.Length * 2)];
        keys[..length].CopyTo(_aheadKeys);
        ends[..count].CopyTo(_aheadEnds);
        var pointers = stackalloc byte*[count];
        var lengths = stackalloc nuint[count];
        fixed (byte* start = _aheadKeys)
        fixed (nint* values = _aheadValues)
        {
            for (int i = 0, from = 0; i < count; from = _aheadEnds[i++])
            {
                pointers[i] = start + from;
                lengths[i] = (nuint)(_aheadEnds[i] - from);
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
        int from = _aheadNext == 0 ? 0 : _aheadEnds[_aheadNext - 1];
        if (_collecting || !key.SequenceEqual(_aheadKeys.AsSpan(from, _aheadEnds[_aheadNext] - from)))
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
