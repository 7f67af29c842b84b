using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Istore.Node.Dump;

/// <summary>Reads a Redis intset (small all-integer sets): element width (2, 4 or 8), count, sorted little-endian integers.</summary>
public static class Intset
{
    public static List<byte[]> Read(ReadOnlySpan<byte> data)
    {
        if (data.Length < 8)
            throw new BadDumpFormatException("bad intset header");
        uint width = BinaryPrimitives.ReadUInt32LittleEndian(data);
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
        if (width is not (2 or 4 or 8) || (ulong)count * width != (ulong)(data.Length - 8))
            throw new BadDumpFormatException("bad intset length");
        var members = new List<byte[]>((int)count);
        for (int i = 0; i < count; i++)
        {
            var item = data.Slice(8 + i * (int)width, (int)width);
            long value = width switch
            {
                2 => BinaryPrimitives.ReadInt16LittleEndian(item),
                4 => BinaryPrimitives.ReadInt32LittleEndian(item),
                _ => BinaryPrimitives.ReadInt64LittleEndian(item),
            };
            members.Add(Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture)));
        }
        return members;
    }
}
