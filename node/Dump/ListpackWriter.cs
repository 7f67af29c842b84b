using System.Buffers.Binary;

namespace Istore.Node.Dump;

/// <summary>
/// Builds a Redis listpack (what stream nodes are stored as): entries with the smallest integer
/// or string encoding and lpEncodeBacklen's back-lengths, the element count saturating at 65535
/// as Redis's does. Reused: <see cref="Reset"/> starts the next one.
/// </summary>
public sealed class ListpackWriter
{
    private byte[] _buffer = new byte[1024];
    private int _length;
    private int _count;

    /// <summary>Entries added since <see cref="Reset"/>.</summary>
    public int Count => _count;

    /// <summary>Bytes so far, without the end marker <see cref="Finish"/> adds.</summary>
    public int Length => _length;

    public ReadOnlySpan<byte> Finish()
    {
        Ensure(1);
        _buffer[_length++] = 0xFF;
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer, (uint)_length);
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(4), (ushort)Math.Min(_count, ushort.MaxValue));
        return _buffer.AsSpan(0, _length);
    }

    public void Reset()
    {
        _length = 6;
        _count = 0;
    }

    public ListpackWriter() => Reset();

    public void AddInteger(long value)
    {
        Ensure(9 + 5);
        int start = _length;
        var b = _buffer.AsSpan(_length);
        int size;
        if (value is >= 0 and <= 127)
        {
            b[0] = (byte)value;
            size = 1;
        }
        else if (value is >= -4096 and <= 4095)
        {
            b[0] = (byte)(0xC0 | ((value >> 8) & 0x1F));
            b[1] = (byte)value;
            size = 2;
        }
        else if (value is >= short.MinValue and <= short.MaxValue)
        {
            b[0] = 0xF1;
            BinaryPrimitives.WriteInt16LittleEndian(b[1..], (short)value);
            size = 3;
        }
        else if (value is >= -(1 << 23) and < 1 << 23)
        {
            b[0] = 0xF2;
            b[1] = (byte)value;
            b[2] = (byte)(value >> 8);
            b[3] = (byte)(value >> 16);
            size = 4;
        }
        else if (value is >= int.MinValue and <= int.MaxValue)
        {
            b[0] = 0xF3;
            BinaryPrimitives.WriteInt32LittleEndian(b[1..], (int)value);
            size = 5;
        }
        else
        {
            b[0] = 0xF4;
            BinaryPrimitives.WriteInt64LittleEndian(b[1..], value);
            size = 9;
        }
        _length = start + size;
        EndEntry(size);
    }

    public void AddString(ReadOnlySpan<byte> value)
    {
        Ensure(value.Length + 5 + 5);
        int header = value.Length < 64 ? 1 : value.Length < 4096 ? 2 : 5;
        var b = _buffer.AsSpan(_length);
        if (header == 1)
        {
            b[0] = (byte)(0x80 | value.Length);
        }
        else if (header == 2)
        {
            b[0] = (byte)(0xE0 | (value.Length >> 8));
            b[1] = (byte)value.Length;
        }
        else
        {
            b[0] = 0xF0;
            BinaryPrimitives.WriteUInt32LittleEndian(b[1..], (uint)value.Length);
        }
        value.CopyTo(b[header..]);
        _length += header + value.Length;
        EndEntry(header + value.Length);
    }

    /// <summary>Appends the back-length of an entry of <paramref name="size"/> bytes (encoding + data), most significant 7 bits first.</summary>
    private void EndEntry(int size)
    {
        int bytes = size <= 127 ? 1 : size < 16383 ? 2 : size < 2097151 ? 3 : size < 268435455 ? 4 : 5;
        for (int i = 0; i < bytes; i++)
        {
            int shift = 7 * (bytes - 1 - i);
            byte part = (byte)((size >> shift) & 127);
            _buffer[_length++] = i == bytes - 1 && bytes == 1 ? (byte)size : (byte)(i == 0 ? size >> shift : part | 128);
        }
        _count++;
    }

    private void Ensure(int size)
    {
        if (_buffer.Length - _length < size)
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + size));
    }
}
