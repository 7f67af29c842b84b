using System.Buffers;

namespace Istore.Node.Dump;

/// <summary>
/// LZF (the format of liblzf, which Redis uses for RDB strings longer than 20 bytes and for
/// compressed quicklist nodes). Decompression bounds-checks every back reference and run: a
/// corrupt payload fails, it never reads or writes outside its buffers. Compression makes the
/// choices liblzf makes as Redis builds it (16-bit hash table, "very fast" mode), so a payload
/// compresses to the bytes redis-server writes.
/// </summary>
public static class Lzf
{
    private const int HashLog = 16;
    private const int MaxLiteral = 1 << 5;
    private const int MaxOffset = 1 << 13;
    private const int MaxReference = (1 << 8) + (1 << 3);

    /// <summary>
    /// Compresses <paramref name="input"/> (at least 3 bytes) into <paramref name="output"/>; the
    /// compressed length, or 0 when it does not fit (the caller then stores the bytes as they are).
    /// </summary>
    public static int TryCompress(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (input.Length < 3 || output.Length == 0)
            return 0;
        // Positions of the last 3-byte sequence per hash; 0 is "none" (position 0 never matches anyway).
        var table = ArrayPool<int>.Shared.Rent(1 << HashLog);
        try
        {
            Array.Clear(table, 0, 1 << HashLog);
            return Compress(input, output, table);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(table);
        }
    }

    private static int Compress(ReadOnlySpan<byte> input, Span<byte> output, int[] table)
    {
        int ip = 0, op = 1, literals = 0;   // output[op - literals - 1] is the open literal run's header
        int inEnd = input.Length, outEnd = output.Length;
        uint hash = First(input, 0);
        while (ip < inEnd - 2)
        {
            hash = Next(hash, input, ip);
            int slot = Slot(hash);
            int reference = table[slot];
            table[slot] = ip;
            int offset = ip - reference - 1;
            if (reference > 0 && offset < MaxOffset && input[reference + 2] == input[ip + 2]
                && input[reference] == input[ip] && input[reference + 1] == input[ip + 1])
            {
                int noRun = literals == 0 ? 1 : 0;
                if (op - noRun + 4 >= outEnd)
                    return 0;
                output[op - literals - 1] = (byte)(literals - 1);
                op -= noRun;
                int length = MatchLength(input, reference, ip);
                length -= 2;   // now the matched byte count - 1, as the format stores it
                ip++;
                if (length < 7)
                {
                    output[op++] = (byte)((offset >> 8) + (length << 5));
                }
                else
                {
                    output[op++] = (byte)((offset >> 8) + (7 << 5));
                    output[op++] = (byte)(length - 7);
                }
                output[op++] = (byte)offset;
                literals = 0;
                op++;
                ip += length + 1;
                if (ip >= inEnd - 2)
                    break;
                // Hash the match's last two positions, as liblzf's very-fast mode does (and no others).
                ip -= 2;
                hash = First(input, ip);
                hash = Next(hash, input, ip);
                table[Slot(hash)] = ip++;
                hash = Next(hash, input, ip);
                table[Slot(hash)] = ip++;
            }
            else
            {
                if (op >= outEnd)
                    return 0;
                CopyLiteral(input, output, ref ip, ref op, ref literals);
            }
        }
        if (op + 3 > outEnd)
            return 0;
        while (ip < inEnd)
            CopyLiteral(input, output, ref ip, ref op, ref literals);
        output[op - literals - 1] = (byte)(literals - 1);
        return literals == 0 ? op - 1 : op;
    }

    /// <summary>One byte into the open literal run, closing it (and opening the next) when it is full.</summary>
    private static void CopyLiteral(ReadOnlySpan<byte> input, Span<byte> output, ref int ip, ref int op, ref int literals)
    {
        literals++;
        output[op++] = input[ip++];
        if (literals == MaxLiteral)
        {
            output[op - literals - 1] = (byte)(literals - 1);
            literals = 0;
            op++;
        }
    }

    /// <summary>
    /// How far the bytes at <paramref name="ip"/> repeat those at <paramref name="reference"/> (3 known
    /// equal), in liblzf's way: a long tail first compares 16 bytes unbounded, then up to the limit.
    /// </summary>
    private static int MatchLength(ReadOnlySpan<byte> input, int reference, int ip)
    {
        int length = 2;
        int limit = Math.Min(input.Length - ip - length, MaxReference);
        if (limit > 16)
        {
            for (int i = 0; i < 16; i++)
            {
                length++;
                if (input[reference + length] != input[ip + length])
                    return length;
            }
        }
        do
            length++;
        while (length < limit && input[reference + length] == input[ip + length]);
        return length;
    }

    private static uint First(ReadOnlySpan<byte> input, int at) => (uint)(input[at] << 8 | input[at + 1]);

    private static uint Next(uint hash, ReadOnlySpan<byte> input, int at) => hash << 8 | input[at + 2];

    private static int Slot(uint hash) => (int)(((hash >> (3 * 8 - HashLog)) - hash * 5) & ((1 << HashLog) - 1));

    /// <summary>Decompresses <paramref name="input"/> into exactly <paramref name="output"/>; false when the data is corrupt or of another length.</summary>
    public static bool TryDecompress(ReadOnlySpan<byte> input, Span<byte> output)
    {
        int ip = 0, op = 0;
        while (ip < input.Length)
        {
            int ctrl = input[ip++];
            if (ctrl < 32)
            {
                int run = ctrl + 1;
                if (ip + run > input.Length || op + run > output.Length)
                    return false;
                input.Slice(ip, run).CopyTo(output[op..]);
                ip += run;
                op += run;
                continue;
            }
            int length = ctrl >> 5;
            int back = (ctrl & 0x1f) << 8;
            if (length == 7)
            {
                if (ip >= input.Length)
                    return false;
                length += input[ip++];
            }
            if (ip >= input.Length)
                return false;
            back += input[ip++];
            int from = op - back - 1;
            length += 2;
            if (from < 0 || op + length > output.Length)
                return false;
            // Byte by byte: a reference may overlap the bytes it produces (a repeated run).
            for (int i = 0; i < length; i++)
                output[op++] = output[from++];
        }
        return op == output.Length;
    }
}
