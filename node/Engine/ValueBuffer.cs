namespace Istore.Node.Engine;

/// <summary>
/// A reusable destination for values read from an engine: the bytes, their length and the key's
/// absolute expiry (Unix ms, 0 = none). Its array grows to the largest value seen and is kept,
/// so steady-state reads do not allocate.
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

    public ValueBuffer(int capacity) => Buffer = new byte[capacity];

    public readonly ReadOnlySpan<byte> Span => new(Buffer, 0, Length);

    public void Set(ReadOnlySpan<byte> value, long expireAt)
    {
        FullLength = value.Length;
        if (Prefix > 0 && value.Length > Prefix)
            value = value[..Prefix];
        if (Buffer.Length < value.Length)
            Buffer = GC.AllocateUninitializedArray<byte>(Math.Max(value.Length, Buffer.Length * 2));
        value.CopyTo(Buffer);
        Length = value.Length;
        ExpireAt = expireAt;
    }
}
