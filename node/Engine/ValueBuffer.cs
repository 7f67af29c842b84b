using Istore.Net.Server;

namespace Istore.Node.Engine;

/// <summary>
/// A reusable destination for values read from an engine: the bytes, their length and the key's
/// absolute expiry (Unix ms, 0 = none). Its array grows to the largest value copied (up to 1 MB)
/// and is kept, so steady-state reads do not allocate. A value that is never changed in place (a
/// large string of the memory engine) is lent instead of copied: readers see it through
/// <see cref="Span"/>, which they cannot write.
/// </summary>
public struct ValueBuffer
{
    public byte[] Buffer;
    public int Length;
    public long ExpireAt;

    /// <summary>Set by a reader that needs only a value's first bytes (a header): at most this many are copied; 0 = all.</summary>
    public int Prefix;

    /// <summary>The whole value's length, of which <see cref="Length"/> bytes were copied.</summary>
    public int FullLength;

    /// <summary><see cref="Buffer"/> is a stored value's own array (<see cref="Lend"/>): never written.</summary>
    private bool _lent;

    /// <summary>
    /// A buffer grown past this is replaced at the next smaller value: a session that once read a
    /// huge string must not keep that much for its life.
    /// </summary>
    private const int KeepAtMost = 1 << 20;

    public ValueBuffer(int capacity) => Buffer = new byte[capacity];

    public readonly ReadOnlySpan<byte> Span => new(Buffer, 0, Length);

    public void Set(ReadOnlySpan<byte> value, long expireAt)
    {
        FullLength = value.Length;
        value = value[..Shown(value.Length)];
        if (_lent || Buffer.Length < value.Length || (Buffer.Length > KeepAtMost && value.Length <= KeepAtMost))
        {
            if (!_lent)
                MemoryGiveBack.Dropped(Buffer.Length);
            Buffer = GC.AllocateUninitializedArray<byte>(value.Length > KeepAtMost
                ? value.Length
                : (int)Math.Clamp(2L * Buffer.Length, value.Length, KeepAtMost));
            _lent = false;
        }
        value.CopyTo(Buffer);
        Length = value.Length;
        ExpireAt = expireAt;
    }

    /// <summary>How many of a value's <paramref name="length"/> bytes a reader sees: all, or its <see cref="Prefix"/>.</summary>
    private readonly int Shown(int length) => Prefix > 0 ? Math.Min(Prefix, length) : length;

    /// <summary>
    /// At the end of a batch, lets go of a large value: a lent array, so this buffer does not keep a large
    /// string alive after its key lets it go, or a copy past <see cref="KeepAtMost"/> (a disk read of one).
    /// </summary>
    public void GiveBack()
    {
        if (!_lent && Buffer.Length <= KeepAtMost)
            return;
        if (!_lent)
            MemoryGiveBack.Dropped(Buffer.Length);
        Buffer = new byte[4096];
        Length = FullLength = 0;
        _lent = false;
    }

    /// <summary>
    /// The value read, kept valid past the next read: a lent array as it is; this buffer's own array
    /// handed over, the next read getting a new one (BITOP holds all its sources at once).
    /// </summary>
    public ReadOnlyMemory<byte> Take()
    {
        var taken = new ReadOnlyMemory<byte>(Buffer, 0, Length);
        if (!_lent)
            Buffer = [];
        Length = FullLength = 0;
        return taken;
    }

    /// <summary>Shows <paramref name="value"/>, an array nobody changes, without copying it (a 512 MB BITCOUNT reads it in place).</summary>
    public void Lend(byte[] value, long expireAt)
    {
        Buffer = value;
        _lent = true;
        FullLength = value.Length;
        Length = Shown(value.Length);
        ExpireAt = expireAt;
    }
}
