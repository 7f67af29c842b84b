using System.Buffers.Binary;

namespace Istore.Node.Dump;

/// <summary>
/// Writes RDB value encodings into a growable buffer that is reused between payloads (a MIGRATE
/// batch serializes hundreds of keys through one writer), then seals a DUMP payload with the
/// RDB version and the CRC-64.
/// </summary>
public sealed class RdbWriter
{
    private byte[] _buffer = new byte[256];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, Length);

    /// <summary>rdbcompression: strings over 20 bytes are LZF-compressed when that saves at least 4 bytes, as Redis does.</summary>
    public static bool Compression { get; set; } = true;

    public void Reset() => Length = 0;

    public void WriteByte(byte value)
    {
        Ensure(1);
        _buffer[Length++] = value;
    }

    /// <summary>Redis's length encoding: 6 bits, 14 bits, or a 32/64-bit big-endian number after a marker byte.</summary>
    public void WriteLength(ulong length)
    {
        Ensure(9);
        if (length < 1 << 6)
        {
            _buffer[Length++] = (byte)length;
        }
        else if (length < 1 << 14)
        {
            _buffer[Length++] = (byte)(0x40 | (length >> 8));
            _buffer[Length++] = (byte)length;
        }
        else if (length <= uint.MaxValue)
        {
            _buffer[Length++] = 0x80;
            BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(Length), (uint)length);
            Length += 4;
        }
        else
        {
            _buffer[Length++] = 0x81;
            BinaryPrimitives.WriteUInt64BigEndian(_buffer.AsSpan(Length), length);
            Length += 8;
        }
    }

    /// <summary>
    /// A string, as Redis's rdbSaveRawString writes it: a canonical integer that fits 32 bits
    /// becomes an int encoding (what Redis does for int-encoded and short numeric strings), a
    /// longer string that compresses goes LZF-compressed, anything else as it is.
    /// </summary>
    public void WriteString(ReadOnlySpan<byte> value)
    {
        if (value.Length <= 11 && TryWriteInteger(value))
            return;
        if (Compression && value.Length > 20 && TryWriteCompressed(value))
            return;
        WriteLength((ulong)value.Length);
        WriteRaw(value);
    }

    public void WriteRaw(ReadOnlySpan<byte> value)
    {
        Ensure(value.Length);
        value.CopyTo(_buffer.AsSpan(Length));
        Length += value.Length;
    }

    /// <summary>A score as RDB_TYPE_ZSET_2 stores it: the IEEE double, little-endian.</summary>
    public void WriteBinaryDouble(double value)
    {
        Ensure(8);
        BinaryPrimitives.WriteDoubleLittleEndian(_buffer.AsSpan(Length), value);
        Length += 8;
    }

    /// <summary>Appends the 2-byte little-endian RDB version and the CRC-64 of everything before it.</summary>
    public void Seal()
    {
        Ensure(10);
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(Length), RdbType.Version);
        Length += 2;
        ulong crc = Crc64Jones.Compute(_buffer.AsSpan(0, Length));
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.AsSpan(Length), crc);
        Length += 8;
    }

    /// <summary>rdbSaveLzfStringObject: the LZF marker, the compressed and original lengths, the data; false when it would not save 4 bytes.</summary>
    private bool TryWriteCompressed(ReadOnlySpan<byte> value)
    {
        int limit = value.Length - 4;
        var compressed = System.Buffers.ArrayPool<byte>.Shared.Rent(limit + 1);
        try
        {
            int length = LzfCompressor.Compress(value, compressed, limit);
            if (length == 0)
                return false;
            WriteByte(0xC3);
            WriteLength((ulong)length);
            WriteLength((ulong)value.Length);
            WriteRaw(compressed.AsSpan(0, length));
            return true;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(compressed);
        }
    }

    private bool TryWriteInteger(ReadOnlySpan<byte> text)
    {
        if (!RedisNumber.TryParseInt64(text, out long value) || value < int.MinValue || value > int.MaxValue)
            return false;
        Ensure(5);
        if (value is >= sbyte.MinValue and <= sbyte.MaxValue)
        {
            _buffer[Length++] = 0xC0;
            _buffer[Length++] = (byte)(sbyte)value;
        }
        else if (value is >= short.MinValue and <= short.MaxValue)
        {
            _buffer[Length++] = 0xC1;
            BinaryPrimitives.WriteInt16LittleEndian(_buffer.AsSpan(Length), (short)value);
            Length += 2;
        }
        else
        {
            _buffer[Length++] = 0xC2;
            BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(Length), (int)value);
            Length += 4;
        }
        return true;
    }

    private void Ensure(int size)
    {
        if (_buffer.Length - Length >= size)
            return;
        Array.Resize(ref _buffer, (int)Math.Min(Array.MaxLength, Math.Max((long)_buffer.Length * 2, (long)Length + size)));
    }
}
