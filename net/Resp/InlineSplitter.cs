namespace Istore.Net.Resp;

/// <summary>
/// Splits an inline command line into arguments like Redis's sdssplitargs: whitespace separates
/// words; "double quotes" take \n \r \t \b \a \\ \" and \xHH escapes; 'single quotes' take \'.
/// A quote opens anywhere in a word (name="foo" is name=foo) and its close ends the word.
/// Escapes are decoded in place (the decoded text is never longer), so arguments stay slices.
/// </summary>
public static class InlineSplitter
{
    /// <summary>The words of one line (a function library's shebang), or null for unbalanced quotes.</summary>
    public static List<string>? Words(ReadOnlySpan<byte> line)
    {
        var buffer = line.ToArray();
        var args = new CommandArgs();
        args.Reset(buffer, 8);
        if (!Split(buffer, 0, buffer.Length, args))
            return null;
        var words = new List<string>(args.Count);
        for (int i = 0; i < args.Count; i++)
            words.Add(args.ToString(i));
        return words;
    }

    public static bool Split(byte[] buffer, int start, int end, CommandArgs args)
    {
        int pos = start;
        while (true)
        {
            while (pos < end && IsSpace(buffer[pos])) pos++;
            if (pos >= end)
                return true;
            int write = pos, argStart = pos;
            byte quote = 0;
            while (true)
            {
                if (pos >= end)
                {
                    if (quote != 0) return false;
                    break;
                }
                byte c = buffer[pos];
                if (quote == 0)
                {
                    if (IsSpace(c)) break;
                    if (c is (byte)'"' or (byte)'\'')
                        quote = c;
                    else
                        buffer[write++] = c;
                    pos++;
                    continue;
                }
                if (c == quote)
                {
                    pos++;
                    // A closing quote must be followed by a space or the end of the line.
                    if (pos < end && !IsSpace(buffer[pos])) return false;
                    break;
                }
                if (c == (byte)'\\' && pos + 1 < end)
                {
                    pos += DecodeEscape(buffer, pos, end, quote, out byte decoded);
                    buffer[write++] = decoded;
                    continue;
                }
                buffer[write++] = c;
                pos++;
            }
            args.Add(argStart, write - argStart);
        }
    }

    /// <summary>Decodes the escape at <paramref name="pos"/> (a backslash); returns the bytes it used.</summary>
    private static int DecodeEscape(byte[] buffer, int pos, int end, byte quote, out byte decoded)
    {
        byte next = buffer[pos + 1];
        if (quote == (byte)'\'')
        {
            decoded = next == (byte)'\'' ? next : (byte)'\\';
            return next == (byte)'\'' ? 2 : 1;
        }
        if (next == (byte)'x' && pos + 3 < end && IsHex(buffer[pos + 2]) && IsHex(buffer[pos + 3]))
        {
            decoded = (byte)(Hex(buffer[pos + 2]) * 16 + Hex(buffer[pos + 3]));
            return 4;
        }
        decoded = next switch
        {
            (byte)'n' => (byte)'\n',
            (byte)'r' => (byte)'\r',
            (byte)'t' => (byte)'\t',
            (byte)'b' => (byte)'\b',
            (byte)'a' => (byte)'\a',
            _ => next,
        };
        return 2;
    }

    private static bool IsSpace(byte c) => c is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)'\v' or (byte)'\f';

    private static bool IsHex(byte c) => char.IsAsciiHexDigit((char)c);

    private static int Hex(byte c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
