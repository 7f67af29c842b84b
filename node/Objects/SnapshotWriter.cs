using System.Buffers.Binary;

namespace Istore.Node.Objects;

/// <summary>
/// Writes checkpoint data (varint lengths, length-prefixed bytes, fixed numbers) through a small
/// buffer into <paramref name="sink"/>, so a snapshot of a large keyspace never sits in memory whole.
/// </summary>
public sealed class SnapshotWriter(Action<ReadOnlySpan<byte>> sink)
{
    private const int FlushAt = 1 << 20;

    private readonly byte[] _buffer = new byte[FlushAt + 64 * 1024];

    public int Length { get; private set; }

    /// <summary>Hands everything buffered to the sink.</summary>
    public void Flush()
    {
        if (Length == 0)
            return;
        sink(_buffer.AsSpan(0, Length));
        Length = 0;
    }

    /// <summary>Bytes another writer already encoded, passed on in order.</summary>
    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        Flush();
        sink(bytes);
    }

    public void WriteVarUInt(ulong value)
    {
        Ensure(10);
        while (value >= 0x80)
        {
            _buffer[Length++] = (byte)(value | 0x80);
            value >>= 7;
        }
        _buffer[Length++] = (byte)value;
    }

    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        WriteVarUInt((ulong)value.Length);
        if (value.Length > FlushAt)
        {
            WriteRaw(value);   // a large string goes to the sink as it is, not through a buffer of its size
            return;
        }
        Ensure(value.Length);
        value.CopyTo(_buffer.AsSpan(Length));
        Length += value.Length;
    }

    public void WriteByte(byte value)
    {
        Ensure(1);
        _buffer[Length++] = value;
    }

    public void WriteInt64(long value)
    {
        Ensure(8);
        BinaryPrimitives.WriteInt64LittleEndian(_buffer.AsSpan(Length), value);
        Length += 8;
    }

    public void WriteDouble(double value) => WriteInt64(BitConverter.DoubleToInt64Bits(value));

    private void Ensure(int size)
    {
        if (Length >= FlushAt || _buffer.Length - Length < size)
            Flush();
    }
}

/// <summary>Reads what <see cref="SnapshotWriter"/> wrote; a truncated or bad buffer throws <see cref="InvalidDataException"/>.</summary>
public ref struct SnapshotReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public readonly bool AtEnd => _position == _data.Length;

    /// <summary>Bytes not read yet: a reader checks a claimed size against it before allocating for it.</summary>
    public readonly int Remaining => _data.Length - _position;

    public ulong ReadVarUInt()
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            byte b = ReadByte();
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
                return value;
        }
        throw new InvalidDataException("bad varint in snapshot");
    }

    public int ReadCount()
    {
        ulong count = ReadVarUInt();
        return count <= (ulong)(_data.Length - _position) ? (int)count : throw new InvalidDataException("bad count in snapshot");
    }

    public ReadOnlySpan<byte> ReadBytes()
    {
        int length = ReadCount();
        var value = _data.Slice(_position, length);
        _position += length;
        return value;
    }

    public byte ReadByte() => _position < _data.Length ? _data[_position++] : throw new InvalidDataException("snapshot ends early");

    public long ReadInt64()
    {
        if (_data.Length - _position < 8)
            throw new InvalidDataException("snapshot ends early");
        long value = BinaryPrimitives.ReadInt64LittleEndian(_data[_position..]);
        _position += 8;
        return value;
    }

    public double ReadDouble() => BitConverter.Int64BitsToDouble(ReadInt64());
}
