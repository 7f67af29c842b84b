using Istore.Net.Resp;
using static Istore.Node.Scripting.Native.LuaNative;

namespace Istore.Node.Scripting;

/// <summary>
/// A script's return value (the top of the Lua stack, popped) written as the reply, with Redis's
/// conversions: string → bulk, number → integer (truncated), boolean → 1 / null with RESP2 and a
/// boolean with setresp(3), {err=…} → error, {ok=…} → status, {double=…}, {big_number=…},
/// {verbatim_string=…}, {map=…}, {set=…}, other tables → array up to the first nil, anything else → null.
/// The client's protocol decides the encoding of each reply type.
/// </summary>
internal static class LuaToResp
{
    private const int MaxDepth = 1000;

    public static void Write(nint L, RespWriter w, int scriptResp, int depth = 0)
    {
        CheckStack(L, 4);
        switch (Type(L, -1))
        {
            case TypeString:
                w.WriteBulkString(ToSpan(L, -1));
                break;
            case TypeBoolean:
                bool value = ToBoolean(L, -1) != 0;
                if (scriptResp == 3) w.WriteBoolean(value);
                else if (value) w.WriteInteger(1);
                else w.WriteNull();
                break;
            case TypeNumber:
                w.WriteInteger((long)ToNumber(L, -1));
                break;
            case TypeTable when depth >= MaxDepth:
                w.WriteError("ERR reached lua stack limit");
                break;
            case TypeTable:
                WriteTable(L, w, scriptResp, depth);
                break;
            default:
                w.WriteNull();
                break;
        }
        Pop(L, 1);
    }

    private static void WriteTable(nint L, RespWriter w, int scriptResp, int depth)
    {
        if (Field(L, "err"u8) == TypeString)
        {
            w.WriteError(OneLine(ToSpan(L, -1)));
            Pop(L, 1);
            return;
        }
        Pop(L, 1);
        if (Field(L, "ok"u8) == TypeString)
        {
            w.WriteSimpleString(OneLine(ToSpan(L, -1)));
            Pop(L, 1);
            return;
        }
        Pop(L, 1);
        if (Field(L, "double"u8) == TypeNumber)
        {
            w.WriteDouble(ToNumber(L, -1));
            Pop(L, 1);
            return;
        }
        Pop(L, 1);
        if (Field(L, "big_number"u8) == TypeString)
        {
            var digits = OneLine(ToSpan(L, -1));
            if (w.IsResp3) w.WriteRaw([(byte)'(', .. digits, (byte)'\r', (byte)'\n']);
            else w.WriteBulkString(digits);
            Pop(L, 1);
            return;
        }
        Pop(L, 1);
        if (Field(L, "verbatim_string"u8) == TypeTable && WriteVerbatim(L, w))
            return;
        Pop(L, 1);
        if (Field(L, "map"u8) == TypeTable)
        {
            int pairs = CountPairs(L);
            w.WriteMapHeader(pairs);
            PushNil(L);
            while (Next(L, -2) != 0)
            {
                PushValue(L, -2);
                Write(L, w, scriptResp, depth + 1);   // the key
                Write(L, w, scriptResp, depth + 1);   // the value
            }
            Pop(L, 1);
            return;
        }
        Pop(L, 1);
        if (Field(L, "set"u8) == TypeTable)
        {
            w.WriteSetHeader(CountPairs(L));
            PushNil(L);
            while (Next(L, -2) != 0)
            {
                Pop(L, 1);
                PushValue(L, -1);
                Write(L, w, scriptResp, depth + 1);
            }
            Pop(L, 1);
            return;
        }
        Pop(L, 1);
        int count = 0;
        while (true)
        {
            RawGetI(L, -1, count + 1);
            bool end = Type(L, -1) == TypeNil;
            Pop(L, 1);
            if (end)
                break;
            count++;
        }
        w.WriteArrayHeader(count);
        for (int i = 1; i <= count; i++)
        {
            RawGetI(L, -1, i);
            Write(L, w, scriptResp, depth + 1);
        }
    }

    /// <summary>With the verbatim_string table on top: writes it and pops it, or leaves it when it lacks format or string.</summary>
    private static bool WriteVerbatim(nint L, RespWriter w)
    {
        if (Field(L, "format"u8) != TypeString)
        {
            Pop(L, 1);
            return false;
        }
        var format = ToSpan(L, -1).ToArray();
        Pop(L, 1);
        if (Field(L, "string"u8) != TypeString)
        {
            Pop(L, 1);
            return false;
        }
        var text = ToSpan(L, -1);
        if (w.IsResp3)
        {
            w.WriteRaw("="u8);
            w.WriteRaw(System.Text.Encoding.ASCII.GetBytes((text.Length + 4).ToString()));
            w.WriteRaw("\r\n"u8);
            w.WriteRaw(format.AsSpan(0, Math.Min(3, format.Length)));
            w.WriteRaw(":"u8);
            w.WriteRaw(text);
            w.WriteRaw("\r\n"u8);
        }
        else
        {
            w.WriteBulkString(text);
        }
        Pop(L, 2);
        return true;
    }

    /// <summary>Pushes table[-1][key] without metamethods; returns its type.</summary>
    private static int Field(nint L, ReadOnlySpan<byte> key)
    {
        PushString(L, key);
        RawGet(L, -2);
        return Type(L, -1);
    }

    /// <summary>Pairs in the table on top (Redis counts while writing; a RESP header needs the count first).</summary>
    private static int CountPairs(nint L)
    {
        int pairs = 0;
        PushNil(L);
        while (Next(L, -2) != 0)
        {
            Pop(L, 1);
            pairs++;
        }
        return pairs;
    }

    /// <summary>Status and error texts cannot hold a line break: Redis turns CR and LF into spaces.</summary>
    private static byte[] OneLine(ReadOnlySpan<byte> text)
    {
        var copy = text.ToArray();
        for (int i = 0; i < copy.Length; i++)
            if (copy[i] is (byte)'\r' or (byte)'\n')
                copy[i] = (byte)' ';
        return copy;
    }
}
