namespace Istore.Node.Dump;

/// <summary>
/// LZF compression as Redis's liblzf build does it (HLOG 16, VERY_FAST, offsets in the hash
/// table), so a DUMP of a compressible string or blob has redis-server's bytes: the same hash of
/// each 3-byte window, the same greedy match and literal runs, the same refusal when the result
/// would not fit. (Redis leaves its hash table uninitialised; a zeroed one finds the same matches
/// unless stale stack contents happen to name a real earlier match.)
/// </summary>
internal static class LzfCompressor
{
    private const int HashLog = 16;
    private const int HashSize = 1 << HashLog;
    private const int MaxLiteral = 1 << 5;
    private const int MaxOffset = 1 << 13;
    private const int MaxReference = (1 << 8) + (1 << 3);

    [ThreadStatic]
    private static int[]? _table;

    private static uint First(ReadOnlySpan<byte> input, int p) => (uint)(input[p] << 8 | input[p + 1]);

    private static uint Next(uint hash, ReadOnlySpan<byte> input, int p) => hash << 8 | input[p + 2];

    private static int Index(uint hash) => (int)(((hash >> (3 * 8 - HashLog)) - hash * 5) & (HashSize - 1));

    /// <summary>
    /// Compresses <paramref name="input"/> into at most <paramref name="limit"/> bytes of
    /// <paramref name="output"/> (which must have room for limit + 1); returns the length, or 0
    /// when it does not fit (lzf_compress's contract).
    /// </summary>
    public static int Compress(ReadOnlySpan<byte> input, Span<byte> output, int limit)
    {
        if (input.IsEmpty || limit <= 0)
            return 0;
        var table = _table ??= new int[HashSize];
        Array.Clear(table);
        int ip = 0, op = 0, end = input.Length;
        int literal = 0;
        op++;   // start a literal run
        uint hash = First(input, ip);
        while (ip < end - 2)
        {
            hash = Next(hash, input, ip);
            int slot = Index(hash);
            int reference = table[slot];
            table[slot] = ip;
            int offset = ip - reference - 1;
            if (reference > 0 && reference < ip && offset < MaxOffset
                && input[reference + 2] == input[ip + 2] && input[reference] == input[ip] && input[reference + 1] == input[ip + 1])
            {
                int length = 2;
                int maxLength = Math.Min(end - ip - length, MaxReference);
                if (op + 3 + 1 >= limit && op - (literal == 0 ? 1 : 0) + 3 + 1 >= limit)
                    return 0;
                output[op - literal - 1] = (byte)(literal - 1);   // end the run
                op -= literal == 0 ? 1 : 0;   // or take back an empty one
                length = MatchLength(input, reference, ip, length, maxLength);
                length -= 2;
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
                literal = 0;
                op++;   // start a literal run
                ip += length + 1;
                if (ip >= end - 2)
                    break;
                // VERY_FAST: hash the last two positions of the match.
                ip -= 2;
                hash = First(input, ip);
                hash = Next(hash, input, ip);
                table[Index(hash)] = ip;
                ip++;
                hash = Next(hash, input, ip);
                table[Index(hash)] = ip;
                ip++;
            }
            else
            {
                if (op >= limit)
                    return 0;
                AddLiteral(input, output, ref ip, ref op, ref literal);
            }
        }
        if (op + 3 > limit)
            return 0;
        while (ip < end)
            AddLiteral(input, output, ref ip, ref op, ref literal);
        output[op - literal - 1] = (byte)(literal - 1);   // end the last run
        op -= literal == 0 ? 1 : 0;
        return op;
    }

    /// <summary>Copies one byte into the current literal run; a full run (32 bytes) is closed and a new one started.</summary>
    private static void AddLiteral(ReadOnlySpan<byte> input, Span<byte> output, ref int ip, ref int op, ref int literal)
    {
        literal++;
        output[op++] = input[ip++];
        if (literal == MaxLiteral)
        {
            output[op - literal - 1] = (byte)(literal - 1);
            literal = 0;
            op++;
        }
    }

        /// <summary>liblzf's match extension: 16 unrolled steps when far from the end, then one at a time (the length may pass the bound by the unrolled steps, as there).</summary>
    private static int MatchLength(ReadOnlySpan<byte> input, int reference, int ip, int length, int maxLength)
    {
        if (maxLength > 16)
        {
            for (int step = 0; step < 16; step++)
            {
                length++;
                if (input[reference + length] != input[ip + length])
                    return length;
            }
        }
        do
            length++;
        while (length < maxLength && input[reference + length] == input[ip + length]);
        return length;
    }
}
