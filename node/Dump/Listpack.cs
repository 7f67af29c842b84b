using System.Buffers.Binary;
using System.Globalization;

namespace Istore.Node.Dump;

/// <summary>
/// Walks the elements of a Redis listpack (hashes, sorted sets and quicklist nodes since 7.0):
/// a 4-byte total length, a 2-byte count, entries of encoding + data + back-length, 0xFF. An
/// integer element comes back as its decimal text, as Redis returns it.
/// </summary>
public ref struct Listpack
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly byte[] _number = new byte[20];
    private int _position = 6;

    public Listpack(ReadOnlySpan<byte> data)
    {
        if (data.Length < 7 || BinaryPrimitives.ReadUInt32LittleEndian(data) != data.Length || data[^1] != 0xFF)
            throw new BadDumpFormatException("bad listpack header");
        _data = data;
    }

    public ReadOnlySpan<byte> Current { get; private set; }

    public bool MoveNext()
    {
        byte b = At(_position);
        if (b == 0xFF)
            return _position == _data.Length - 1 ? false : throw new BadDumpFormatException("listpack ends early");
        int length;
        if ((b & 0x80) == 0)
            length = Number(b & 0x7F, 1);
        else if ((b & 0xC0) == 0x80)
            length = Text(1, b & 0x3F);
        else if ((b & 0xE0) == 0xC0)
            length = Number(SignExtend((b & 0x1F) << 8 | At(_position + 1), 13), 2);
        else if ((b & 0xF0) == 0xE0)
            length = Text(2, (b & 0x0F) << 8 | At(_position + 1));
        else
        {
            length = b switch
            {
                0xF0 => Text(5, (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(Slice(_position + 1, 4)), int.MaxValue - 16)),
                0xF1 => Number(BinaryPrimitives.ReadInt16LittleEndian(Slice(_position + 1, 2)), 3),
                0xF2 => Number(SignExtend(Slice(_position + 1, 3) is var s ? s[0] | s[1] << 8 | s[2] << 16 : 0, 24), 4),
                0xF3 => Number(BinaryPrimitives.ReadInt32LittleEndian(Slice(_position + 1, 4)), 5),
                0xF4 => Number(BinaryPrimitives.ReadInt64LittleEndian(Slice(_position + 1, 8)), 9),
                _ => throw new BadDumpFormatException("bad listpack entry encoding"),
            };
        }
        _position += length + BackLengthSize(length);
        if (_position >= _data.Length)
            throw new BadDumpFormatException("listpack entry overruns its buffer");
        return true;
    }

    /// <summary>The size of an entry's back-length (lpEncodeBacklen's steps).</summary>
    private static int BackLengthSize(int length) => length switch
    {
        <= 127 => 1,
        < 16383 => 2,
        < 2097151 => 3,
        < 268435455 => 4,
        _ => 5,
    };

    private static long SignExtend(int value, int bits) => value >= 1 << (bits - 1) ? value - (1L << bits) : value;

    private int Text(int header, int length)
    {
        Current = Slice(_position + header, length);
        return header + length;
    }

    private int Number(long value, int length)
    {
        value.TryFormat(_number, out int written, default, CultureInfo.InvariantCulture);
        Current = _number.AsSpan(0, written);
        return length;
    }

    private readonly byte At(int index) => index < _data.Length ? _data[index] : throw new BadDumpFormatException("listpack ends early");

    private readonly ReadOnlySpan<byte> Slice(int start, int length) =>
        length >= 0 && start <= _data.Length - length ? _data.Slice(start, length) : throw new BadDumpFormatException("listpack ends early");
}
