using System.Globalization;

namespace Istore.Net.Resp;

/// <summary>Redis's text form of doubles: "inf", "-inf", "nan", else the shortest round-trip form.</summary>
public static class DoubleFormat
{
    public static int Format(double value, Span<byte> destination)
    {
        if (double.IsPositiveInfinity(value)) return Copy("inf"u8, destination);
        if (double.IsNegativeInfinity(value)) return Copy("-inf"u8, destination);
        if (double.IsNaN(value)) return Copy("nan"u8, destination);
        // Integral values within the exact range print without exponent, like Redis's %.17g.
        if (value == Math.Floor(value) && Math.Abs(value) < 1e17)
        {
            ((long)value).TryFormat(destination, out int written, default, CultureInfo.InvariantCulture);
            if (value == 0 && double.IsNegative(value)) return Copy("-0"u8, destination);
            return written;
        }
        value.TryFormat(destination, out int n, "R", CultureInfo.InvariantCulture);
        foreach (ref var b in destination[..n])
            if (b == (byte)'E') b = (byte)'e';
        return n;
    }

    public static string ToString(double value)
    {
        Span<byte> tmp = stackalloc byte[32];
        return System.Text.Encoding.ASCII.GetString(tmp[..Format(value, tmp)]);
    }

    private static int Copy(ReadOnlySpan<byte> text, Span<byte> destination)
    {
        text.CopyTo(destination);
        return text.Length;
    }
}
