namespace Istore.Node.Engine;

/// <summary>
/// Keys copied one after another into one reusable buffer: a scan step's keys held without an array
/// each, so walking a million keys (a full sync, a SCAN pass) makes no garbage per key.
/// </summary>
internal sealed class KeyArena
{
    private const int InitialBytes = 4096;
    // A step's keys are usually a few KB; a buffer grown for huge keys is dropped when cleared.
    private const int KeptBytes = 1 << 20;

    private byte[] _bytes = new byte[InitialBytes];
    private int _used;

    public readonly record struct Range(int Start, int Length);

    public Range Add(ReadOnlySpan<byte> key)
    {
        if (_bytes.Length - _used < key.Length)
            Array.Resize(ref _bytes, (int)Math.Min(Array.MaxLength, Math.Max(2L * _bytes.Length, (long)_used + key.Length)));
        key.CopyTo(_bytes.AsSpan(_used));
        var range = new Range(_used, key.Length);
        _used += key.Length;
        return range;
    }

    public ReadOnlySpan<byte> this[Range range] => _bytes.AsSpan(range.Start, range.Length);

    public void Clear()
    {
        _used = 0;
        if (_bytes.Length > KeptBytes)
            _bytes = new byte[InitialBytes];
    }
}
