namespace Istore.Node.Dump;

/// <summary>
/// The CRC-64 Redis puts after a DUMP payload and an RDB file: the Jones polynomial
/// (0xad93d23594c935a9), reflected, initial value 0, no final xor. System.IO.Hashing's Crc64 is
/// the ECMA-182 variant, which is a different checksum.
/// </summary>
public static class Crc64Jones
{
    private const ulong ReflectedPolynomial = 0x95AC9329AC4BC9B5;

    private static readonly ulong[] Table = BuildTable();

    public static ulong Compute(ReadOnlySpan<byte> data, ulong crc = 0)
    {
        var table = Table;
        foreach (byte b in data)
            crc = table[(byte)(crc ^ b)] ^ (crc >> 8);
        return crc;
    }

    private static ulong[] BuildTable()
    {
        var table = new ulong[256];
        for (uint i = 0; i < 256; i++)
        {
            ulong c = i;
            for (int bit = 0; bit < 8; bit++)
                c = (c & 1) != 0 ? (c >> 1) ^ ReflectedPolynomial : c >> 1;
            table[i] = c;
        }
        return table;
    }
}
