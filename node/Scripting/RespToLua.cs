using System.Buffers.Text;
using static Istore.Node.Scripting.Native.LuaNative;

namespace Istore.Node.Scripting;

/// <summary>
/// A command's reply, as the node wrote it in RESP2 or RESP3, pushed onto the Lua stack with
/// Redis's conversions: integer → number, bulk → string, null bulk / null array → false, status →
/// {ok=…}, error → {err=…}, array → table; RESP3 null → nil, boolean → boolean, double →
/// {double=…}, big number → {big_number=…}, verbatim → {verbatim_string={format=…, string=…}},
/// map → {map={…}}, set → {set={member=true…}}; attributes are skipped.
/// </summary>
internal static class RespToLua
{
    /// <summary>Pushes the reply starting at <paramref name="pos"/> and moves past it.</summary>
    public static void Push(nint L, ReadOnlySpan<byte> resp, ref int pos)
    {
        CheckStack(L, 4);
        byte type = resp[pos];
        var line = Line(resp, ref pos);
        switch (type)
        {
            case (byte)'+':
                NewField(L, "ok"u8);
                PushString(L, line);
                RawSet(L, -3);
                return;
            case (byte)'-':
                PushError(L, resp[(pos - line.Length - 3)..(pos - 2)]);   // with its '-': the code is kept
                PushString(L, "ignore_error_stats_update"u8);
                PushBoolean(L, 1);
                RawSet(L, -3);
                return;
            case (byte)':':
                PushNumber(L, Integer(line));
                return;
            case (byte)'$' or (byte)'=':
            {
                long length = Integer(line);
                if (length < 0)
                {
                    PushBoolean(L, 0);
                    return;
                }
                var value = resp.Slice(pos, (int)length);
                pos += (int)length + 2;
                if (type == (byte)'$')
                {
                    PushString(L, value);
                    return;
                }
                NewField(L, "verbatim_string"u8);
                CreateTable(L, 0, 2);
                PushString(L, "format"u8);
                PushString(L, value[..3]);
                RawSet(L, -3);
                PushString(L, "string"u8);
                PushString(L, value[4..]);
                RawSet(L, -3);
                RawSet(L, -3);
                return;
            }
            case (byte)'*' or (byte)'>':
            {
                long count = Integer(line);
                if (count < 0)
                {
                    PushBoolean(L, 0);
                    return;
                }
                CreateTable(L, (int)count, 0);
                for (int i = 1; i <= count; i++)
                {
                    Push(L, resp, ref pos);
                    RawSetI(L, -2, i);
                }
                return;
            }
            case (byte)'%':
            {
                long pairs = Integer(line);
                NewField(L, "map"u8);
                CreateTable(L, 0, (int)pairs);
                for (long i = 0; i < pairs; i++)
                {
                    Push(L, resp, ref pos);
                    Push(L, resp, ref pos);
                    RawSet(L, -3);
                }
                RawSet(L, -3);
                return;
            }
            case (byte)'~':
            {
                long count = Integer(line);
                NewField(L, "set"u8);
                CreateTable(L, 0, (int)count);
                for (long i = 0; i < count; i++)
                {
                    Push(L, resp, ref pos);
                    PushBoolean(L, 1);
                    RawSet(L, -3);
                }
                RawSet(L, -3);
                return;
            }
            case (byte)'|':
            {
                long pairs = Integer(line);
                for (long i = 0; i < pairs * 2; i++)
                    Skip(resp, ref pos);
                Push(L, resp, ref pos);
                return;
            }
            case (byte)'_':
                PushNil(L);
                return;
            case (byte)'#':
                PushBoolean(L, line.Length > 0 && line[0] == (byte)'t' ? 1 : 0);
                return;
            case (byte)',':
                NewField(L, "double"u8);
                PushNumber(L, ParseDouble(line));
                RawSet(L, -3);
                return;
            case (byte)'(':
                NewField(L, "big_number"u8);
                PushString(L, line);
                RawSet(L, -3);
                return;
            default:
                throw new InvalidDataException($"unexpected reply type '{(char)type}'");
        }
    }

    /// <summary>Redis's luaPushErrorBuff: an error table whose err is "CODE text" ("-CODE text" keeps its code, else ERR).</summary>
    public static void PushError(nint L, ReadOnlySpan<byte> message)
    {
        ReadOnlySpan<byte> code = "ERR"u8, text = message;
        if (message.Length > 0 && message[0] == (byte)'-')
        {
            int space = message.IndexOf((byte)' ');
            if (space < 0)
            {
                text = message[1..];
            }
            else
            {
                code = message[1..space];
                text = message[(space + 1)..];
            }
        }
        text = text.Trim("\r\n"u8);
        var err = new byte[code.Length + 1 + text.Length];
        code.CopyTo(err);
        err[code.Length] = (byte)' ';
        text.CopyTo(err.AsSpan(code.Length + 1));
        NewField(L, "err"u8);
        PushString(L, err);
        RawSet(L, -3);
    }

    public static void PushError(nint L, string message) => PushError(L, System.Text.Encoding.UTF8.GetBytes(message));

    /// <summary>A new table and a key pushed for it (the caller pushes the value and does RawSet(-3)).</summary>
    private static void NewField(nint L, ReadOnlySpan<byte> key)
    {
        CreateTable(L, 0, 1);
        PushString(L, key);
    }

    private static ReadOnlySpan<byte> Line(ReadOnlySpan<byte> resp, ref int pos)
    {
        int end = resp[pos..].IndexOf("\r\n"u8) + pos;
        var line = resp[(pos + 1)..end];
        pos = end + 2;
        return line;
    }

    private static void Skip(ReadOnlySpan<byte> resp, ref int pos)
    {
        byte type = resp[pos];
        var line = Line(resp, ref pos);
        long n = type is (byte)'$' or (byte)'=' or (byte)'!' or (byte)'*' or (byte)'~' or (byte)'>' or (byte)'%' or (byte)'|' ? Integer(line) : 0;
        if (type is (byte)'$' or (byte)'=' or (byte)'!')
            pos += n < 0 ? 0 : (int)n + 2;
        else if (type is (byte)'%' or (byte)'|')
            n *= 2;
        if (type is (byte)'*' or (byte)'~' or (byte)'>' or (byte)'%' or (byte)'|')
            for (long i = 0; i < n; i++)
                Skip(resp, ref pos);
    }

    private static long Integer(ReadOnlySpan<byte> text) => Utf8Parser.TryParse(text, out long value, out _) ? value : 0;

    private static double ParseDouble(ReadOnlySpan<byte> text) => text switch
    {
        _ when text.SequenceEqual("inf"u8) => double.PositiveInfinity,
        _ when text.SequenceEqual("-inf"u8) => double.NegativeInfinity,
        _ when text.SequenceEqual("nan"u8) => double.NaN,
        _ => double.Parse(text, System.Globalization.CultureInfo.InvariantCulture),
    };
}
