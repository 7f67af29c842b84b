using System.Buffers.Binary;
using System.Text;

namespace Istore.Proxy.Takeover;

/// <summary>Writes the fields of a takeover frame: little-endian integers, length-prefixed strings and bytes.</summary>
internal sealed class BinaryFieldWriter
{
    private byte[] _buffer = new byte[256];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, Length);

    public void Clear() => Length = 0;

    public void Int64(long value) => BinaryPrimitives.WriteInt64LittleEndian(Take(8), value);

    public void Int32(int value) => BinaryPrimitives.WriteInt32LittleEndian(Take(4), value);

    public void Bytes(ReadOnlySpan<byte> value)
    {
        Int32(value.Length);
        value.CopyTo(Take(value.Length));
    }

    /// <summary>A string, or null (length -1).</summary>
    public void String(string? value)
    {
        if (value is null)
            Int32(-1);
        else
            Bytes(Encoding.UTF8.GetBytes(value));
    }

    private Span<byte> Take(int count)
    {
        if (Length + count > _buffer.Length)
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + count));
        var span = _buffer.AsSpan(Length, count);
        Length += count;
        return span;
    }
}

/// <summary>Reads what <see cref="BinaryFieldWriter"/> wrote; a short or malformed payload is InvalidDataException.</summary>
internal sealed class BinaryFieldReader(byte[] payload)
{
    private int _position;

    public bool AtEnd => _position == payload.Length;

    public long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    public int Int32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

    public byte[] Bytes()
    {
        int length = Int32();
        if (length < 0)
            throw new InvalidDataException("negative length in a takeover frame");
        return Take(length).ToArray();
    }

    public string? String()
    {
        int length = Int32();
        return length < 0 ? null : Encoding.UTF8.GetString(Take(length));
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > payload.Length - _position)
            throw new InvalidDataException("truncated takeover frame");
        var span = payload.AsSpan(_position, count);
        _position += count;
        return span;
    }
}
