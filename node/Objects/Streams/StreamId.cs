using System.Buffers.Text;

namespace Istore.Node.Objects.Streams;

/// <summary>A stream entry ID, "ms-seq": two unsigned 64-bit parts ordered ms first.</summary>
public readonly record struct StreamId(ulong Ms, ulong Seq) : IComparable<StreamId>
{
    public static readonly StreamId Zero = new(0, 0);
    public static readonly StreamId Max = new(ulong.MaxValue, ulong.MaxValue);

    public bool IsZero => Ms == 0 && Seq == 0;

    public int CompareTo(StreamId other) => Ms != other.Ms ? Ms.CompareTo(other.Ms) : Seq.CompareTo(other.Seq);

    public static bool operator <(StreamId a, StreamId b) => a.CompareTo(b) < 0;
    public static bool operator >(StreamId a, StreamId b) => a.CompareTo(b) > 0;
    public static bool operator <=(StreamId a, StreamId b) => a.CompareTo(b) <= 0;
    public static bool operator >=(StreamId a, StreamId b) => a.CompareTo(b) >= 0;

    /// <summary>The next ID in order; false (and 0-0) past the last possible one.</summary>
    public bool TryIncrement(out StreamId next)
    {
        if (Seq != ulong.MaxValue) next = new(Ms, Seq + 1);
        else if (Ms != ulong.MaxValue) next = new(Ms + 1, 0);
        else
        {
            next = Zero;
            return false;
        }
        return true;
    }

    /// <summary>The previous ID in order; false below 0-0.</summary>
    public bool TryDecrement(out StreamId previous)
    {
        if (Seq != 0) previous = new(Ms, Seq - 1);
        else if (Ms != 0) previous = new(Ms - 1, ulong.MaxValue);
        else
        {
            previous = Max;
            return false;
        }
        return true;
    }

    /// <summary>Writes "ms-seq" into <paramref name="into"/> (at least 41 bytes); returns the length.</summary>
    public int Format(Span<byte> into)
    {
        Utf8Formatter.TryFormat(Ms, into, out int ms);
        into[ms] = (byte)'-';
        Utf8Formatter.TryFormat(Seq, into[(ms + 1)..], out int seq);
        return ms + 1 + seq;
    }

    public const int MaxFormattedLength = 41;

    public byte[] ToBytes()
    {
        Span<byte> text = stackalloc byte[MaxFormattedLength];
        return text[..Format(text)].ToArray();
    }

    public override string ToString() => $"{Ms}-{Seq}";

    /// <summary>
    /// Redis's string2ull: a plain non-negative decimal; failing that, what strtoull takes whole
    /// (leading blanks, a '+' and leading zeros included), without overflow.
    /// </summary>
    public static bool TryParsePart(ReadOnlySpan<byte> text, out ulong value)
    {
        value = 0;
        int i = 0;
        while (i < text.Length && text[i] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r')
            i++;
        if (i < text.Length && text[i] == (byte)'+')
            i++;
        if (i == text.Length)
            return false;
        for (; i < text.Length; i++)
        {
            uint digit = (uint)(text[i] - '0');
            if (digit > 9 || value > (ulong.MaxValue - digit) / 10)
                return false;
            value = value * 10 + digit;
        }
        return true;
    }
}
