using System.Buffers.Binary;

namespace Istore.Node.Dump;

/// <summary>Reads a Redis zipmap (small hashes before 2.6, RDB_TYPE_HASH_ZIPMAP): a count byte, then key/value pairs with lengths and free space, 0xFF.</summary>
public static class Zipmap
{
    public static List<(byte[] Field, byte[] Value)> Read(ReadOnlySpan<byte> data)
    {
        var pairs = new List<(byte[], byte[])>();
        int position = 1;
        while (true)
        {
            if (position >= data.Length)
                throw new BadDumpFormatException("zipmap ends early");
            if (data[position] == 0xFF)
                return position == data.Length - 1 ? pairs : throw new BadDumpFormatException("bytes after the zipmap end");
            var field = Item(data, ref position, withFree: false);
            var value = Item(data, ref position, withFree: true);
            pairs.Add((field, value));
        }
    }

    private static byte[] Item(ReadOnlySpan<byte> data, ref int position, bool withFree)
    {
        int length = Length(data, ref position);
        int free = 0;
        if (withFree)
            free = position < data.Length ? data[position++] : throw new BadDumpFormatException("zipmap ends early");
        if (length < 0 || position > data.Length - length - free)
            throw new BadDumpFormatException("zipmap entry overruns its buffer");
        var item = data.Slice(position, length).ToArray();
        position += length + free;
        return item;
    }

    private static int Length(ReadOnlySpan<byte> data, ref int position)
    {
        if (position >= data.Length)
            throw new BadDumpFormatException("zipmap ends early");
        byte first = data[position++];
        if (first < 254)
            return first;
        if (first == 255 || position > data.Length - 4)
            throw new BadDumpFormatException("bad zipmap length");
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(data[position..]);
        position += 4;
        return length <= int.MaxValue ? (int)length : -1;
    }
}
