using System.Globalization;
using System.Numerics;
using System.Text;

namespace Istore.Node.Commands;

/// <summary>
/// The x87 80-bit long double Redis computes INCRBYFLOAT in (64-bit significand, 15-bit exponent),
/// emulated exactly so the digits match: a double would answer 0.1 + 0.2 with "0.30000000000000004"
/// where Redis answers "0.3", and could not hold 1e400. Value = ±Significand × 2^Exponent.
/// </summary>
internal readonly struct LongDouble
{
    private const int SignificandBits = 64;
    private const int MinExponent = -16445;   // 2^-16445 is the smallest subnormal
    private const int MaxExponent = 16320;    // the largest finite value is (2^64 - 1) × 2^16320
    private const int MaxTextLength = 5 * 1024;   // Redis's MAX_LONG_DOUBLE_CHARS: longer text is rejected
    private const int FractionDigits = 17;

    private readonly bool _negative;
    private readonly BigInteger _significand;
    private readonly int _exponent;

    private LongDouble(bool negative, BigInteger significand, int exponent)
    {
        _negative = negative;
        _significand = significand;
        _exponent = exponent;
    }

    public static LongDouble Zero => default;

    /// <summary>The exact value of a finite double (what C's implicit double-to-long-double conversion gives).</summary>
    public static LongDouble FromDouble(double value)
    {
        long bits = BitConverter.DoubleToInt64Bits(value);
        bool negative = bits < 0;
        int biased = (int)((bits >> 52) & 0x7FF);
        long fraction = bits & 0xFFFFFFFFFFFFFL;
        return biased == 0
            ? new LongDouble(negative, fraction, -1074)
            : new LongDouble(negative, fraction | (1L << 52), biased - 1075);
    }

    private static LongDouble Infinity(bool negative) => new(negative, BigInteger.Zero, int.MaxValue);

    /// <summary>Infinity, or NaN from inf + -inf: both make Redis refuse the increment.</summary>
    public bool IsInfinity => _exponent == int.MaxValue;

    /// <summary>
    /// strtold as Redis uses it: decimal or hex (0x1.8p3) notation, inf/infinity, an optional sign;
    /// no leading space, nothing after the number, no NaN, and no overflow or underflow to zero.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out LongDouble value)
    {
        value = Zero;
        if (text.IsEmpty || text.Length >= MaxTextLength)
            return false;
        int i = 0;
        bool negative = text[0] == (byte)'-';
        if (text[0] is (byte)'-' or (byte)'+')
            i++;
        var rest = text[i..];
        if (Ascii.EqualsIgnoreCase(rest, "inf"u8) || Ascii.EqualsIgnoreCase(rest, "infinity"u8))
        {
            value = Infinity(negative);
            return true;
        }
        bool hex = rest.Length > 2 && rest[0] == (byte)'0' && (rest[1] | 0x20) == (byte)'x';
        if (hex)
            i += 2;
        int radix = hex ? 16 : 10;
        var digits = BigInteger.Zero;
        int digitCount = 0, fractionCount = 0;
        bool point = false;
        for (; i < text.Length; i++)
        {
            if (text[i] == (byte)'.' && !point)
            {
                point = true;
                continue;
            }
            int digit = HexDigit(text[i]);
            if (digit < 0 || digit >= radix)
                break;
            digits = digits * radix + digit;
            digitCount++;
            if (point) fractionCount++;
        }
        if (digitCount == 0)
            return false;
        long exponent = 0;
        if (i < text.Length && (text[i] | 0x20) == (hex ? (byte)'p' : (byte)'e'))
        {
            i++;
            bool negativeExponent = i < text.Length && text[i] == (byte)'-';
            if (i < text.Length && text[i] is (byte)'-' or (byte)'+')
                i++;
            if (i == text.Length)
                return false;
            for (; i < text.Length; i++)
            {
                if (text[i] is < (byte)'0' or > (byte)'9')
                    return false;
                exponent = Math.Min(exponent * 10 + (text[i] - '0'), 1_000_000);   // far past any finite value
            }
            if (negativeExponent) exponent = -exponent;
        }
        if (i != text.Length)
            return false;
        if (digits.IsZero)
        {
            value = new LongDouble(negative, BigInteger.Zero, 0);
            return true;
        }
        if (hex)
            value = Round(negative, digits, BigInteger.One, exponent - 4 * fractionCount);
        else
        {
            long decimalExponent = exponent - fractionCount;
            double magnitude = BigInteger.Log10(digits) + decimalExponent;
            if (magnitude > 4940)
                return false;   // overflow: the largest long double is about 1.19e4932
            if (magnitude < -4960)
                return false;   // underflow: the smallest subnormal is about 3.65e-4951
            value = decimalExponent >= 0
                ? Round(negative, digits * BigInteger.Pow(10, (int)decimalExponent), BigInteger.One, 0)
                : Round(negative, digits, BigInteger.Pow(10, (int)-decimalExponent), 0);
        }
        // strtold's ERANGE: Redis refuses an overflow to infinity and an underflow to zero.
        return !value.IsInfinity && !value._significand.IsZero;
    }

    private static int HexDigit(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    public static LongDouble operator +(LongDouble a, LongDouble b)
    {
        if (a.IsInfinity || b.IsInfinity)
            return Infinity(a.IsInfinity ? a._negative : b._negative);
        if (a._significand.IsZero) return b;
        if (b._significand.IsZero) return a;
        int exponent = Math.Min(a._exponent, b._exponent);
        var sum = a.Signed << (a._exponent - exponent);
        sum += b.Signed << (b._exponent - exponent);
        return sum.IsZero ? Zero : Round(sum.Sign < 0, BigInteger.Abs(sum), BigInteger.One, exponent);
    }

    private BigInteger Signed => _negative ? -_significand : _significand;

    /// <summary>The long double nearest to numerator / denominator × 2^exponent (ties to even), or ±infinity.</summary>
    private static LongDouble Round(bool negative, BigInteger numerator, BigInteger denominator, long exponent)
    {
        // Pick e so that the quotient numerator / denominator × 2^(exponent - e) has 64 or 65 bits.
        long e = (long)numerator.GetBitLength() - (long)denominator.GetBitLength() + exponent - SignificandBits;
        if (e > MaxExponent + 1)
            return Infinity(negative);
        if (e < MinExponent - SignificandBits - 2)
            return new LongDouble(negative, BigInteger.Zero, 0);   // below half the smallest subnormal
        var (q, remainder, divisor) = Quotient(numerator, denominator, exponent - e);
        if (q.GetBitLength() > SignificandBits)
        {
            e++;
            (q, remainder, divisor) = Quotient(numerator, denominator, exponent - e);
        }
        if (e < MinExponent)
        {
            e = MinExponent;   // subnormal: fewer significant bits
            (q, remainder, divisor) = Quotient(numerator, denominator, exponent - e);
        }
        int half = (remainder * 2).CompareTo(divisor);
        if (half > 0 || (half == 0 && !q.IsEven))
            q += 1;
        if (q.GetBitLength() > SignificandBits)
        {
            q >>= 1;
            e++;
        }
        return e > MaxExponent ? Infinity(negative) : new LongDouble(negative, q, (int)e);
    }

    private static (BigInteger Quotient, BigInteger Remainder, BigInteger Divisor) Quotient(BigInteger numerator, BigInteger denominator, long shift)
    {
        if (shift >= 0)
            numerator <<= (int)shift;
        else
            denominator <<= (int)-shift;
        var q = BigInteger.DivRem(numerator, denominator, out var remainder);
        return (q, remainder, denominator);
    }

    /// <summary>Redis's LD_STR_HUMAN: printf("%.17Lf") (exact, ties to even), trailing zeros and a bare "-0" removed.</summary>
    public string ToHumanString()
    {
        var scaled = _significand * BigInteger.Pow(10, FractionDigits);
        if (_exponent >= 0)
            scaled <<= _exponent;
        else
        {
            var divisor = BigInteger.One << -_exponent;
            var q = BigInteger.DivRem(scaled, divisor, out var remainder);
            int half = (remainder * 2).CompareTo(divisor);
            scaled = half > 0 || (half == 0 && !q.IsEven) ? q + 1 : q;
        }
        var digits = scaled.ToString(CultureInfo.InvariantCulture).PadLeft(FractionDigits + 1, '0');
        var text = (_negative ? "-" : "") + digits[..^FractionDigits] + "." + digits[^FractionDigits..];
        text = text.TrimEnd('0').TrimEnd('.');
        return text == "-0" ? "0" : text;
    }
}
