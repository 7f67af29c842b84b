using System.Buffers.Binary;
using System.Globalization;

namespace Istore.Node.Dump;

/// <summary>
/// Walks the elements of a Redis ziplist (the compact encoding of lists, hashes and sorted sets
/// before 7.0, still found in older payloads): a 10-byte header, entries of previous-length +
/// encoding + data, 0xFF. Integer elements come back as decimal text.
/// </summary>
public ref struct Ziplist
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly byte[] _number = new byte[20];
    private int _position = 10;

    public Ziplist(ReadOnlySpan<byte> data)
    {
        if (data.Length < 11 || BinaryPrimitives.ReadUInt32LittleEndian(data) != data.Length || data[^1] != 0xFF)
            throw new BadDumpFormatException("bad ziplist header");
        _data = data;
    }

    public ReadOnlySpan<byte> Current { get; private set; }

    public bool MoveNext()
    {
        if (At(_position) == 0xFF)
            return _position == _data.Length - 1 ? false : throw new BadDumpFormatException("ziplist ends early");
        _position += At(_position) < 254 ? 1 : 5;
        byte encoding = At(_position);
        switch (encoding >> 6)
        {
            case 0:
                Text(1, encoding & 0x3F);
                break;
            case 1:
                Text(2, (encoding & 0x3F) << 8 | At(_position + 1));
                break;
            case 2:
                Text(5, (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(Slice(_position + 1, 4)), int.MaxValue - 16));
                break;
            default:
                Integer(encoding);
                break;
        }
        if (_position >= _data.Length)
            throw new BadDumpFormatException("ziplist entry overruns its buffer");
        return true;
    }

    private void Integer(byte encoding)
    {
        switch (encoding)
        {
            case 0xC0: Number(BinaryPrimitives.ReadInt16LittleEndian(Slice(_position + 1, 2)), 3); break;
            case 0xD0: Number(BinaryPrimitives.ReadInt32LittleEndian(Slice(_position + 1, 4)), 5); break;
            case 0xE0: Number(BinaryPrimitives.ReadInt64LittleEndian(Slice(_position + 1, 8)), 9); break;
            case 0xF0:
                var b = Slice(_position + 1, 3);
                Number((b[0] << 8 | b[1] << 16 | b[2] << 24) >> 8, 4);
                break;
            case 0xFE: Number((sbyte)At(_position + 1), 2); break;
            case >= 0xF1 and <= 0xFD: Number((encoding & 0x0F) - 1, 1); break;
            default: throw new BadDumpFormatException("bad ziplist entry encoding");
        }
    }

    private void Text(int header, int length)
    {
        Current = Slice(_position + header, length);
        _position += header + length;
    }

    private void Number(long value, int length)
    {
        value.TryFormat(_number, out int written, default, CultureInfo.InvariantCulture);
        Current = _number.AsSpan(0, written);
        _position += length;
    }

    private readonly byte At(int index) => index < _data.Length ? _data[index] : throw new BadDumpFormatException("ziplist ends early");

    private readonly ReadOnlySpan<byte> Slice(int start, int length) =>
        length >= 0 && start <= _data.Length - length ? _data.Slice(start, length) : throw new BadDumpFormatException("ziplist ends early");
}
