namespace Istore.Node.Engine;

/// <summary>The keys of a run read ahead (<see cref="IReadAhead"/>), kept for the reads that take their results in order.</summary>
internal sealed class ReadAheadKeys
{
    private readonly int[] _ends = new int[IReadAhead.MaxKeys];
    private byte[] _keys = new byte[1024];

    /// <summary>Keeps up to <see cref="IReadAhead.MaxKeys"/> of the run's keys (concatenated, <paramref name="ends"/>[i] where key i ends); returns how many.</summary>
    public int Load(ReadOnlySpan<byte> keys, ReadOnlySpan<int> ends)
    {
        int count = Math.Min(ends.Length, IReadAhead.MaxKeys);
        if (count == 0)
            return 0;
        int length = ends[count - 1];
        if (_keys.Length < length)
            _keys = new byte[Math.Max(length, _keys.Length * 2)];
        keys[..length].CopyTo(_keys);
        ends[..count].CopyTo(_ends);
        return count;
    }

    public ReadOnlySpan<byte> this[int i] => _keys.AsSpan(Start(i), _ends[i] - Start(i));

    /// <summary>Where key i starts in <see cref="All"/>.</summary>
    public int Start(int i) => i == 0 ? 0 : _ends[i - 1];

    /// <summary>The keys as loaded, back to back (for a native call given pointers into it).</summary>
    public byte[] All => _keys;
}
