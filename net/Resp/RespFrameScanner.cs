using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Istore.Net.Resp;

/// <summary>
/// Finds where one complete RESP2/RESP3 reply ends without materialising it, so a proxy can
/// forward replies as raw bytes. Nesting is tracked with an explicit stack of "items still
/// expected" counters, so deep replies cannot overflow the thread's stack.
/// Streamed RESP3 types (<c>$?</c>, <c>*?</c>) are not supported: Redis never sends them.
/// </summary>
public static class RespFrameScanner
{
    /// <summary>Deepest aggregate nesting accepted (consumers may then recurse safely).</summary>
    public const int MaxDepth = 1000;

    /// <summary>Longest line (header, simple string, error, number) accepted before giving up on a CRLF.</summary>
    public const int MaxLineLength = 64 * 1024;

    /// <summary>
    /// Scans <paramref name="buffer"/> for one value starting at its first byte. On
    /// <see cref="ParseResult.Complete"/>, <paramref name="frameLength"/> is the value's length in
    /// bytes (attributes included); on <see cref="ParseResult.Incomplete"/> more bytes are needed;
    /// on <see cref="ParseResult.ProtocolError"/> <paramref name="error"/> says why.
    /// </summary>
    [SkipLocalsInit]   // the stack is only read where it was written: no need to zero 8 KB per call
    public static ParseResult TryScan(ReadOnlySpan<byte> buffer, out int frameLength, out string? error)
    {
        Span<long> remaining = stackalloc long[MaxDepth];
        int depth = 0;
        int pos = 0;
        return Scan(buffer, remaining, ref depth, ref pos, out frameLength, out error);
    }

    /// <summary>
    /// <see cref="TryScan(ReadOnlySpan{byte}, out int, out string?)"/> for a reader that calls again
    /// as bytes arrive: an incomplete value's scanned part is remembered in <paramref name="partial"/>,
    /// so a reply of n elements arriving in pieces is scanned once, not once per piece. The value
    /// must start at <paramref name="buffer"/>'s first byte on every call until it completes.
    /// </summary>
    public static ParseResult TryScan(ReadOnlySpan<byte> buffer, PartialReply partial, out int frameLength, out string? error)
    {
        var result = Scan(buffer, partial.Stack, ref partial.Depth, ref partial.Resume, out frameLength, out error);
        if (result != ParseResult.Incomplete)
            partial.Clear();
        return result;
    }

    /// <summary>
    /// Goes on from <paramref name="pos"/>, where a value header starts, with <paramref name="depth"/>
    /// aggregates open; both are left at the first header not yet complete when bytes run out.
    /// </summary>
    private static ParseResult Scan(ReadOnlySpan<byte> buffer, Span<long> remaining, ref int depth, ref int pos,
        out int frameLength, out string? error)
    {
        frameLength = 0;
        while (true)
        {
            var result = ScanHeader(buffer, pos, out int next, out long children, out error);
            if (result != ParseResult.Complete)
                return result;
            pos = next;
            if (children > 0)
            {
                if (depth == MaxDepth)
                    return Fail($"Protocol error: nesting deeper than {MaxDepth}", out error);
                remaining[depth++] = children;
                continue;
            }
            // A value ended: it fills one slot of each enclosing aggregate that it completes.
            while (true)
            {
                if (depth == 0)
                {
                    frameLength = pos;
                    return ParseResult.Complete;
                }
                if (--remaining[depth - 1] > 0)
                    break;
                depth--;
            }
        }
    }

    /// <summary>
    /// Scans the value header at <paramref name="pos"/> (plus the payload of a blob type).
    /// <paramref name="children"/> is how many values follow that belong to it (0 for scalars).
    /// </summary>
    private static ParseResult ScanHeader(ReadOnlySpan<byte> buffer, int pos, out int next, out long children, out string? error)
    {
        next = 0;
        children = 0;
        error = null;
        if (pos >= buffer.Length)
            return ParseResult.Incomplete;
        byte type = buffer[pos];
        // Reject a bad type byte at once rather than waiting for a line that may never come.
        if (type is not ((byte)'+' or (byte)'-' or (byte)':' or (byte)'(' or (byte)',' or (byte)'_' or (byte)'#'
            or (byte)'$' or (byte)'!' or (byte)'=' or (byte)'*' or (byte)'~' or (byte)'>' or (byte)'%' or (byte)'|'))
            return Fail($"Protocol error: unexpected type byte '{(char)type}'", out error);
        var result = ReadLine(buffer, pos + 1, out var line, out next, out error);
        if (result != ParseResult.Complete)
            return result;
        switch (type)
        {
            case (byte)'+' or (byte)'-':
                return ParseResult.Complete;
            case (byte)':':
                return TryParseInteger(line, out _) ? ParseResult.Complete : Fail("Protocol error: invalid integer", out error);
            case (byte)'(':
                return IsBigNumber(line) ? ParseResult.Complete : Fail("Protocol error: invalid big number", out error);
            case (byte)',':
                return TryParseDouble(line, out _) ? ParseResult.Complete : Fail("Protocol error: invalid double", out error);
            case (byte)'_':
                return line.IsEmpty ? ParseResult.Complete : Fail("Protocol error: invalid null", out error);
            case (byte)'#':
                return line.Length == 1 && line[0] is (byte)'t' or (byte)'f'
                    ? ParseResult.Complete : Fail("Protocol error: invalid boolean", out error);
            case (byte)'$' or (byte)'!' or (byte)'=':
                return ScanBlob(buffer, type, line, ref next, out error);
            default:   // the aggregates: * ~ > % |
                if (!TryParseInteger(line, out long count) || count < -1 || count > int.MaxValue
                    || (count == -1 && type != (byte)'*'))
                    return Fail("Protocol error: invalid multibulk length", out error);
                // Maps and attributes hold pairs; an attribute is followed by the value it decorates.
                children = type switch
                {
                    (byte)'%' => count * 2,
                    (byte)'|' => count * 2 + 1,
                    _ => Math.Max(count, 0),
                };
                return ParseResult.Complete;
        }
    }

    /// <summary>A length-prefixed string: <c>$</c> bulk (or <c>$-1</c> null), <c>!</c> blob error, <c>=</c> verbatim.</summary>
    private static ParseResult ScanBlob(ReadOnlySpan<byte> buffer, byte type, ReadOnlySpan<byte> line, ref int next, out string? error)
    {
        error = null;
        if (!TryParseInteger(line, out long length) || length < -1 || length > int.MaxValue
            || (length == -1 && type != (byte)'$'))
            return Fail("Protocol error: invalid bulk length", out error);
        if (length == -1)
            return ParseResult.Complete;
        if (buffer.Length - next < length + 2)
            return ParseResult.Incomplete;
        int dataEnd = next + (int)length;
        if (buffer[dataEnd] != (byte)'\r' || buffer[dataEnd + 1] != (byte)'\n')
            return Fail("Protocol error: expected CRLF after bulk data", out error);
        // Verbatim text starts with a three-letter format and a colon ("txt:").
        if (type == (byte)'=' && (length < 4 || buffer[next + 3] != (byte)':'))
            return Fail("Protocol error: invalid verbatim string", out error);
        next = dataEnd + 2;
        return ParseResult.Complete;
    }

    /// <summary>The line starting at <paramref name="from"/>, without its CRLF; <paramref name="next"/> follows the CRLF.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ParseResult ReadLine(ReadOnlySpan<byte> buffer, int from, out ReadOnlySpan<byte> line, out int next, out string? error)
    {
        line = default;
        next = 0;
        error = null;
        var rest = buffer[from..];
        int cr = rest[..Math.Min(rest.Length, MaxLineLength + 1)].IndexOf((byte)'\r');
        if (cr < 0)
            return rest.Length > MaxLineLength ? Fail("Protocol error: line too long", out error) : ParseResult.Incomplete;
        if (cr + 1 >= rest.Length)
            return ParseResult.Incomplete;
        if (rest[cr + 1] != (byte)'\n')
            return Fail("Protocol error: CR not followed by LF", out error);
        line = rest[..cr];
        next = from + cr + 2;
        return ParseResult.Complete;
    }

    /// <summary>A signed 64-bit decimal integer, nothing else (no spaces, no overflow).</summary>
    internal static bool TryParseInteger(ReadOnlySpan<byte> text, out long value) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    /// <summary>A RESP3 double: decimal or exponent notation, or inf / -inf / nan.</summary>
    internal static bool TryParseDouble(ReadOnlySpan<byte> text, out double value)
    {
        if (Ascii.EqualsIgnoreCase(text, "inf"u8) || Ascii.EqualsIgnoreCase(text, "+inf"u8))
            value = double.PositiveInfinity;
        else if (Ascii.EqualsIgnoreCase(text, "-inf"u8))
            value = double.NegativeInfinity;
        else if (Ascii.EqualsIgnoreCase(text, "nan"u8) || Ascii.EqualsIgnoreCase(text, "-nan"u8))
            value = double.NaN;
        else
            return double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
                CultureInfo.InvariantCulture, out value);
        return true;
    }

    private static bool IsBigNumber(ReadOnlySpan<byte> text)
    {
        if (!text.IsEmpty && text[0] is (byte)'-' or (byte)'+')
            text = text[1..];
        return !text.IsEmpty && !text.ContainsAnyExceptInRange((byte)'0', (byte)'9');
    }

    private static ParseResult Fail(string message, out string? error)
    {
        error = message;
        return ParseResult.ProtocolError;
    }
}
