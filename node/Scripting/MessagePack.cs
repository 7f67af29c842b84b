using System.Buffers;
using System.Runtime.InteropServices;
using System.Runtime.CompilerServices;
using static Istore.Node.Scripting.Native.LuaNative;

namespace Istore.Node.Scripting;

/// <summary>
/// The cmsgpack library Redis bundles (Debian does not package it), written here as two Lua C
/// functions with its encoding choices: integral numbers as the smallest MessagePack integer,
/// other numbers as float32 when exact else float64, strings as str8/16/32, tables with keys
/// 1..n as arrays and others as maps, nesting past 16 levels as nil. Both return true and their
/// values, or false and Redis's error text, which the prelude raises.
/// </summary>
internal static unsafe class MessagePack
{
    private const int MaxNesting = 16;

    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;

    /// <summary>n.msgpack_pack(...): every argument encoded, concatenated.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static int Pack(nint L)
    {
        int argc = GetTop(L);
        if (argc == 0)
            return Fail(L, 0, "bad argument #0 to 'pack' (MessagePack pack needs input.)");
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(256);
        buffer.ResetWrittenCount();
        try
        {
            for (int i = 1; i <= argc; i++)
            {
                CheckStack(L, 4);
                PushValue(L, i);
                Encode(L, buffer, 0);
            }
        }
        catch (Exception ex)
        {
            return Fail(L, argc, "internal error: " + ex.Message);
        }
        PushBoolean(L, 1);
        PushString(L, buffer.WrittenSpan);
        if (buffer.Capacity > 1 << 20)
            t_buffer = null;   // do not keep a huge buffer after a huge value
        return 2;
    }

    /// <summary>n.msgpack_unpack(data, limit, offset): limit 0 and offset 0 decode everything; otherwise the next offset (-1 at the end) comes first.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static int Unpack(nint L)
    {
        int top = GetTop(L);
        if (Type(L, 1) is not (TypeString or TypeNumber))
            return Fail(L, top, "bad argument #1 to 'unpack' (string expected, got " + TypeName(Type(L, 1)) + ")");
        var data = ToSpan(L, 1);
        long limit = (long)ToNumber(L, 2), offset = (long)ToNumber(L, 3);
        bool all = limit == 0 && offset == 0;
        if (offset < 0 || limit < 0)
            return Fail(L, top, $"Invalid request to unpack with offset of {offset} and limit of {data.Length}.");
        if (offset > data.Length)
            return Fail(L, top, $"Start offset {offset} greater than input length {data.Length}.");
        if (all)
            limit = int.MaxValue;
        PushBoolean(L, 1);
        if (!all)
            PushNumber(L, 0);   // the next offset, filled in below
        int pos = (int)offset;
        for (long count = 0; pos < data.Length && count < limit; count++)
        {
            if (CheckStack(L, 8) == 0)
                return Fail(L, top, "too many values to unpack");
            if (Decode(L, data, ref pos, 0) is { } error)
                return Fail(L, top, error);
        }
        if (!all)
        {
            PushNumber(L, pos >= data.Length ? -1 : pos);
            Replace(L, top + 2);
        }
        return GetTop(L) - top;
    }

    private static int Fail(nint L, int top, string message)
    {
        SetTop(L, top);
        PushBoolean(L, 0);
        PushString(L, message);
        return 2;
    }

    /// <summary>A value type as Lua's error messages name it (-1: an argument not given).</summary>
    internal static string TypeName(int type) => type switch
    {
        TypeNil => "nil", TypeBoolean => "boolean", TypeNumber => "number", TypeString => "string",
        TypeTable => "table", TypeFunction => "function", -1 => "no value", _ => "userdata",
    };

    /// <summary>Encodes the value on top of the stack and pops it.</summary>
    private static void Encode(nint L, ArrayBufferWriter<byte> w, int level)
    {
        int type = Type(L, -1);
        if (type == TypeTable && level == MaxNesting)
            type = TypeNil;
        switch (type)
        {
            case TypeString:
                EncodeString(w, ToSpan(L, -1));
                break;
            case TypeBoolean:
                Put(w, ToBoolean(L, -1) != 0 ? (byte)0xc3 : (byte)0xc2);
                break;
            case TypeNumber:
                double n = ToNumber(L, -1);
                if (!double.IsInfinity(n) && !double.IsNaN(n) && n >= long.MinValue && n < 9223372036854775808.0 && (long)n == n)
                    EncodeInteger(w, (long)n);
                else
                    EncodeDouble(w, n);
                break;
            case TypeTable:
                if (ArrayLength(L) is { } length)
                {
                    Header(w, length, 0x90, 0xdc, 0xdd);
                    for (int i = 1; i <= length; i++)
                    {
                        RawGetI(L, -1, i);
                        Encode(L, w, level + 1);
                    }
                }
                else
                {
                    int pairs = 0;
                    PushNil(L);
                    while (Next(L, -2) != 0)
                    {
                        Pop(L, 1);
                        pairs++;
                    }
                    Header(w, pairs, 0x80, 0xde, 0xdf);
                    PushNil(L);
                    while (Next(L, -2) != 0)
                    {
                        PushValue(L, -2);
                        Encode(L, w, level + 1);   // the key
                        Encode(L, w, level + 1);   // the value
                    }
                }
                break;
            default:
                Put(w, 0xc0);
                break;
        }
        Pop(L, 1);
    }

    /// <summary>The table on top's length when its keys are exactly 1..n (lua-cmsgpack's table_is_an_array), else null.</summary>
    private static int? ArrayLength(nint L)
    {
        int count = 0, max = 0;
        PushNil(L);
        while (Next(L, -2) != 0)
        {
            Pop(L, 1);
            double key = Type(L, -1) == TypeNumber ? ToNumber(L, -1) : 0;
            if (key <= 0 || key > int.MaxValue || (int)key != key)
            {
                Pop(L, 1);
                return null;
            }
            max = Math.Max(max, (int)key);
            count++;
        }
        return max == count ? count : null;
    }

    private static void EncodeString(ArrayBufferWriter<byte> w, ReadOnlySpan<byte> s)
    {
        if (s.Length < 32) Put(w, (byte)(0xa0 | s.Length));
        else if (s.Length <= 0xff) { Put(w, 0xd9); Put(w, (byte)s.Length); }
        else if (s.Length <= 0xffff) { Put(w, 0xda); PutBigEndian(w, (ushort)s.Length, 2); }
        else { Put(w, 0xdb); PutBigEndian(w, (uint)s.Length, 4); }
        w.Write(s);
    }

    private static void EncodeInteger(ArrayBufferWriter<byte> w, long n)
    {
        if (n >= 0)
        {
            if (n <= 127) Put(w, (byte)n);
            else if (n <= 0xff) { Put(w, 0xcc); Put(w, (byte)n); }
            else if (n <= 0xffff) { Put(w, 0xcd); PutBigEndian(w, (ulong)n, 2); }
            else if (n <= 0xffffffffL) { Put(w, 0xce); PutBigEndian(w, (ulong)n, 4); }
            else { Put(w, 0xcf); PutBigEndian(w, (ulong)n, 8); }
            return;
        }
        if (n >= -32) Put(w, (byte)(sbyte)n);
        else if (n >= sbyte.MinValue) { Put(w, 0xd0); Put(w, (byte)(sbyte)n); }
        else if (n >= short.MinValue) { Put(w, 0xd1); PutBigEndian(w, (ulong)n, 2); }
        else if (n >= int.MinValue) { Put(w, 0xd2); PutBigEndian(w, (ulong)n, 4); }
        else { Put(w, 0xd3); PutBigEndian(w, (ulong)n, 8); }
    }

    private static void EncodeDouble(ArrayBufferWriter<byte> w, double d)
    {
        float f = (float)d;
        if (f == d)
        {
            Put(w, 0xca);
            PutBigEndian(w, BitConverter.SingleToUInt32Bits(f), 4);
        }
        else
        {
            Put(w, 0xcb);
            PutBigEndian(w, BitConverter.DoubleToUInt64Bits(d), 8);
        }
    }

    private static void Header(ArrayBufferWriter<byte> w, int count, byte fix, byte sixteen, byte thirtyTwo)
    {
        if (count < 16) Put(w, (byte)(fix | count));
        else if (count <= 0xffff) { Put(w, sixteen); PutBigEndian(w, (ulong)count, 2); }
        else { Put(w, thirtyTwo); PutBigEndian(w, (ulong)count, 4); }
    }

    private static void Put(ArrayBufferWriter<byte> w, byte b)
    {
        w.GetSpan(1)[0] = b;
        w.Advance(1);
    }

    private static void PutBigEndian(ArrayBufferWriter<byte> w, ulong value, int bytes)
    {
        var span = w.GetSpan(bytes);
        for (int i = 0; i < bytes; i++)
            span[i] = (byte)(value >> (8 * (bytes - 1 - i)));
        w.Advance(bytes);
    }

    private const string MissingBytes = "Missing bytes in input.";
    private const string BadFormat = "Bad data format in input.";

    /// <summary>Pushes the value at <paramref name="pos"/>; returns Redis's error text when the input is short or malformed.</summary>
    private static string? Decode(nint L, ReadOnlySpan<byte> d, ref int pos, int depth)
    {
        if (pos >= d.Length)
            return MissingBytes;
        if (depth > 1000 || CheckStack(L, 4) == 0)
            return BadFormat;
        byte b = d[pos++];
        switch (b)
        {
            case <= 0x7f: PushNumber(L, b); return null;
            case >= 0xe0: PushNumber(L, (sbyte)b); return null;
            case >= 0xa0 and <= 0xbf: return PushBytes(L, d, ref pos, b & 0x1f);
            case >= 0x90 and <= 0x9f: return DecodeArray(L, d, ref pos, b & 0xf, depth);
            case >= 0x80 and <= 0x8f: return DecodeMap(L, d, ref pos, b & 0xf, depth);
            case 0xc0: PushNil(L); return null;
            case 0xc2: PushBoolean(L, 0); return null;
            case 0xc3: PushBoolean(L, 1); return null;
        }
        int size = b switch
        {
            0xcc or 0xd0 or 0xd9 or 0xc4 => 1,
            0xcd or 0xd1 or 0xda or 0xc5 or 0xdc or 0xde => 2,
            0xce or 0xd2 or 0xdb or 0xc6 or 0xdd or 0xdf or 0xca => 4,
            0xcf or 0xd3 or 0xcb => 8,
            _ => 0,
        };
        if (size == 0)
            return BadFormat;
        if (pos + size > d.Length)
            return MissingBytes;
        ulong raw = 0;
        for (int i = 0; i < size; i++)
            raw = (raw << 8) | d[pos + i];
        pos += size;
        switch (b)
        {
            case 0xcc or 0xcd or 0xce or 0xcf: PushNumber(L, raw); return null;
            case 0xd0: PushNumber(L, (sbyte)raw); return null;
            case 0xd1: PushNumber(L, (short)raw); return null;
            case 0xd2: PushNumber(L, (int)raw); return null;
            case 0xd3: PushNumber(L, (long)raw); return null;
            case 0xca: PushNumber(L, BitConverter.UInt32BitsToSingle((uint)raw)); return null;
            case 0xcb: PushNumber(L, BitConverter.UInt64BitsToDouble(raw)); return null;
            case 0xdc or 0xdd: return raw > int.MaxValue ? MissingBytes : DecodeArray(L, d, ref pos, (int)raw, depth);
            case 0xde or 0xdf: return raw > int.MaxValue ? MissingBytes : DecodeMap(L, d, ref pos, (int)raw, depth);
            default: return raw > int.MaxValue ? MissingBytes : PushBytes(L, d, ref pos, (int)raw);
        }
    }

    private static string? PushBytes(nint L, ReadOnlySpan<byte> d, ref int pos, int length)
    {
        if (pos + length > d.Length)
            return MissingBytes;
        PushString(L, d.Slice(pos, length));
        pos += length;
        return null;
    }

    private static string? DecodeArray(nint L, ReadOnlySpan<byte> d, ref int pos, int count, int depth)
    {
        CreateTable(L, Math.Min(count, d.Length - pos), 0);
        for (int i = 1; i <= count; i++)
        {
            if (Decode(L, d, ref pos, depth + 1) is { } error)
                return error;
            RawSetI(L, -2, i);
        }
        return null;
    }

    private static string? DecodeMap(nint L, ReadOnlySpan<byte> d, ref int pos, int count, int depth)
    {
        CreateTable(L, 0, Math.Min(count, d.Length - pos));
        for (int i = 0; i < count; i++)
        {
            if (Decode(L, d, ref pos, depth + 1) is { } keyError)
                return keyError;
            if (Decode(L, d, ref pos, depth + 1) is { } valueError)
                return valueError;
            // A nil or NaN key would make lua_rawset raise (a longjmp through this frame): such a pair is dropped.
            bool usable = Type(L, -2) != TypeNil && !(Type(L, -2) == TypeNumber && double.IsNaN(ToNumber(L, -2)));
            if (usable) RawSet(L, -3);
            else Pop(L, 2);
        }
        return null;
    }
}
