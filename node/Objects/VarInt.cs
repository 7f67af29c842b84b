namespace Istore.Node.Objects;

/// <summary>The 7-bits-per-byte length prefix of packed elements (HashField, PackedPairs), and a packed sorted set's whole scores.</summary>
public static class VarInt
{
    public static int Length(int value) => value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : value < 0x10000000 ? 4 : 5;

    public static int Length(ulong value) => (System.Numerics.BitOperations.Log2(value | 1) / 7) + 1;

    /// <summary>Writes <paramref name="value"/> at the start of <paramref name="destination"/>; returns the bytes used.</summary>
    public static int Write(Span<byte> destination, int value) => Write(destination, (ulong)(uint)value);

    public static int Write(Span<byte> destination, ulong value)
    {
        int i = 0;
        ulong rest = value;
        for (; rest >= 0x80; rest >>= 7)
            destination[i++] = (byte)(rest | 0x80);
        destination[i++] = (byte)rest;
        return i;
    }

    /// <summary>Reads a value at <paramref name="offset"/> and moves the offset past it.</summary>
    public static int Read(ReadOnlySpan<byte> source, ref int offset) => (int)ReadUInt64(source, ref offset);

    public static ulong ReadUInt64(ReadOnlySpan<byte> source, ref int offset)
    {
        ulong value = 0;
        int shift = 0;
        byte b;
        do
        {
            b = source[offset++];
            value |= (ulong)(b & 0x7F) << shift;
            shift += 7;
        }
        while (b >= 0x80);
        return value;
    }
}
