namespace Istore.Net.Commands;

/// <summary>Number parsing with Redis's exact rules (string2ll, strtold) so edge cases reply as Redis does.</summary>
public static class RedisNumber
{
    /// <summary>Redis's string2ll: optional '-', no '+', no spaces, no leading zeros, within 64 bits.</summary>
    public static bool TryParseInt64(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > 20)
            return false;
        if (text.Length == 1 && text[0] == (byte)'0')
            return true;
        bool negative = text[0] == (byte)'-';
        int i = negative ? 1 : 0;
        if (i >= text.Length || text[i] < (byte)'1' || text[i] > (byte)'9')
            return false;
        ulong magnitude = 0;
        for (; i < text.Length; i++)
        {
            uint digit = (uint)(text[i] - '0');
            if (digit > 9 || magnitude > (ulong.MaxValue - digit) / 10)
                return false;
            magnitude = magnitude * 10 + digit;
        }
        if (negative)
        {
            if (magnitude > (ulong)long.MaxValue + 1)
                return false;
            value = (long)(0 - magnitude);
            return true;
        }
        if (magnitude > long.MaxValue)
            return false;
        value = (long)magnitude;
        return true;
    }

    /// <summary>
    /// Redis's string2d (scores, HINCRBYFLOAT increments, timeouts): strtod over the whole text, with
    /// "inf"/"-inf", no surrounding spaces, and NaN refused.
    /// </summary>
    public static bool TryParseDouble(ReadOnlySpan<byte> text, out double value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > 256 || IsSpace(text[0]) || IsSpace(text[^1]))
            return false;
        int sign = text[0] == (byte)'-' ? -1 : 1;
        var unsigned = text[0] is (byte)'-' or (byte)'+' ? text[1..] : text;
        if (System.Text.Ascii.EqualsIgnoreCase(unsigned, "inf"u8) || System.Text.Ascii.EqualsIgnoreCase(unsigned, "infinity"u8))
        {
            value = sign * double.PositiveInfinity;
            return true;
        }
        if (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out value))
            return false;
        return !double.IsNaN(value);
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\v' or (byte)'\f';
}
