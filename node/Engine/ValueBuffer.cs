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

    public ValueBuffer(int capacity) => Buffer = new byte[capacity];

    public readonly ReadOnlySpan<byte> Span => new(Buffer, 0, Length);

    public void Set(ReadOnlySpan<byte> value, long expireAt)
    {
        if (Buffer.Length < value.Length)
            Buffer = GC.AllocateUninitializedArray<byte>(Math.Max(value.Length, Buffer.Length * 2));
        value.CopyTo(Buffer);
        Length = value.Length;
        ExpireAt = expireAt;
    }
}
