namespace Istore.Node.Dump;

/// <summary>
/// LZF decompression (the format of liblzf, which Redis uses for RDB strings longer than 20
/// bytes and for compressed quicklist nodes). Every back reference and run is bounds-checked: a
/// corrupt payload fails, it never reads or writes outside its buffers.
/// </summary>
public static class Lzf
{
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
