using Istore.Net.Commands;

namespace Istore.Net.Resp;

/// <summary>
/// Reads a reply of known shape element by element, without building a <see cref="RespValue"/>
/// tree: for large replies read by code that knows what to expect (a recall's rows). The frame must
/// be whole and valid (<see cref="RespFrameScanner"/> checked it); an element of another type than
/// asked throws <see cref="InvalidOperationException"/>.
/// </summary>
public ref struct RespCursor(ReadOnlySpan<byte> frame)
{
    private readonly ReadOnlySpan<byte> _frame = frame;
    private int _pos;

    /// <summary>The next element's type byte (its RESP prefix).</summary>
    public readonly byte Peek => _frame[_pos];

    /// <summary>An array, set or push header: its element count (-1 for a null array).</summary>
    public long ReadAggregateLength() => Number(Line("*~>"u8));

    public long ReadInteger() => Number(Line(":"u8));

    /// <summary>A null (RESP2's $-1 or *-1, RESP3's _): consumed and true; anything else is left in place.</summary>
    public bool TryReadNull()
    {
        byte type = Peek;
        if (type == (byte)'_' || (type is (byte)'$' or (byte)'*' && _frame[_pos + 1] == (byte)'-'))
        {
            Line(null);
            return true;
        }
        return false;
    }

    /// <summary>A bulk or simple string's bytes, a view into the frame.</summary>
    public ReadOnlySpan<byte> ReadString()
    {
        if (Peek == (byte)'+')
            return Line(null);
        long length = Number(Line("$"u8));
        var bytes = _frame.Slice(_pos, (int)length);
        _pos += (int)length + 2;
        return bytes;
    }

    /// <summary>A RESP3 double, or a RESP2 bulk string holding one (as Redis writes scores).</summary>
    public double ReadDouble()
    {
        var text = Peek == (byte)',' ? Line(null) : ReadString();
        if (!RedisNumber.TryParseDouble(text, out double value))
            throw new InvalidOperationException("a reply element is not a float");
        return value;
    }

    private ReadOnlySpan<byte> Line(ReadOnlySpan<byte> types)
    {
        byte type = _frame[_pos];
        if (!types.IsEmpty && types.IndexOf(type) < 0)
            throw new InvalidOperationException($"a reply element of type '{(char)type}' where '{(char)types[0]}' was expected");
        int length = _frame[(_pos + 1)..].IndexOf((byte)'\r');
        var line = _frame.Slice(_pos + 1, length);
        _pos += length + 3;
        return line;
    }

    private static long Number(ReadOnlySpan<byte> line)
    {
        if (!RespFrameScanner.TryParseInteger(line, out long value))
            throw new InvalidOperationException("a reply element's length or integer is not a number");
        return value;
    }
}
