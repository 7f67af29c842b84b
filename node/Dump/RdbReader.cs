using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Istore.Node.Dump;

/// <summary>A DUMP payload whose value does not decode (Redis's "Bad data format").</summary>
public sealed class BadDumpFormatException(string detail) : Exception(detail);

/// <summary>
/// Reads RDB value encodings from a payload: lengths, strings (raw, int-encoded, LZF-compressed)
/// and doubles. Everything is bounds-checked; a malformed payload throws
/// <see cref="BadDumpFormatException"/>.
/// </summary>
public ref struct RdbReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public readonly bool AtEnd => _position == _data.Length;

    public byte ReadByte() => _position < _data.Length ? _data[_position++] : throw Truncated();

    public ReadOnlySpan<byte> ReadRaw(int count)
    {
        if (count < 0 || count > _data.Length - _position)
            throw Truncated();
        var slice = _data.Slice(_position, count);
        _position += count;
        return slice;
    }

    /// <summary>A plain length (an encoded-string marker here is corrupt).</summary>
    public ulong ReadLength() => ReadLength(out bool encoded) is var length && !encoded ? length : throw new BadDumpFormatException("unexpected string encoding");

    /// <summary>A length that fits a collection or buffer in memory.</summary>
    public int ReadCount()
    {
        ulong length = ReadLength();
        return length <= int.MaxValue ? (int)length : throw new BadDumpFormatException("length out of range");
    }

    private ulong ReadLength(out bool encoded)
    {
        byte first = ReadByte();
        encoded = false;
        switch (first >> 6)
        {
            case 0:
                return (ulong)(first & 0x3F);
            case 1:
                return (ulong)(first & 0x3F) << 8 | ReadByte();
            case 3:
                encoded = true;
                return (ulong)(first & 0x3F);
        }
        return first switch
        {
            0x80 => BinaryPrimitives.ReadUInt32BigEndian(ReadRaw(4)),
            0x81 => BinaryPrimitives.ReadUInt64BigEndian(ReadRaw(8)),
            _ => throw new BadDumpFormatException("unknown length encoding"),
        };
    }

    /// <summary>A string in any of its encodings; int-encoded and compressed ones come back as new arrays.</summary>
    public ReadOnlySpan<byte> ReadString()
    {
        ulong length = ReadLength(out bool encoded);
        if (!encoded)
            return ReadRaw(length <= int.MaxValue ? (int)length : throw Truncated());
        long integer;
        switch (length)
        {
            case 0:
                integer = (sbyte)ReadByte();
                break;
            case 1:
                integer = BinaryPrimitives.ReadInt16LittleEndian(ReadRaw(2));
                break;
            case 2:
                integer = BinaryPrimitives.ReadInt32LittleEndian(ReadRaw(4));
                break;
            case 3:
                return ReadCompressed();
            default:
                throw new BadDumpFormatException("unknown string encoding");
        }
        return Encoding.ASCII.GetBytes(integer.ToString(CultureInfo.InvariantCulture));
    }

    private byte[] ReadCompressed()
    {
        int compressedLength = ReadCount();
        int length = ReadCount();
        // LZF expands at most 264 bytes per 2 input bytes: a larger claim is corrupt, and must not be allocated.
        if (length > (long)compressedLength * 132 + 64)
            throw new BadDumpFormatException("compressed string claims too much");
        var compressed = ReadRaw(compressedLength);
        var output = new byte[length];
        return Lzf.TryDecompress(compressed, output) ? output : throw new BadDumpFormatException("corrupt LZF data");
    }

    /// <summary>A score as RDB_TYPE_ZSET (before ZSET_2) wrote it: a length byte then text; 253-255 are nan, +inf, -inf.</summary>
    public double ReadTextDouble()
    {
        byte length = ReadByte();
        return length switch
        {
            253 => double.NaN,
            254 => double.PositiveInfinity,
            255 => double.NegativeInfinity,
            _ => ParseDouble(ReadRaw(length)),
        };
    }

    public double ReadBinaryDouble() => BinaryPrimitives.ReadDoubleLittleEndian(ReadRaw(8));

    /// <summary>Redis's score text (also inside ziplists and listpacks): any strtod form; NaN is the caller's to refuse.</summary>
    public static double ParseDouble(ReadOnlySpan<byte> text)
    {
        if (RedisNumber.TryParseDouble(text, out double value))
            return value;
        if (text.Length == 3 && Ascii.EqualsIgnoreCase(text, "nan"u8))
            return double.NaN;
        throw new BadDumpFormatException("bad score");
    }

    private static BadDumpFormatException Truncated() => new("payload ends early");
}
