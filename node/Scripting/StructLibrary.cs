using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static Istore.Node.Scripting.Native.LuaNative;

namespace Istore.Node.Scripting;

/// <summary>
/// The struct library Redis bundles (Roberto Ierusalimschy's lua_struct; Debian does not package
/// it), written here as three Lua C functions with its behaviour: formats of '&lt;' '&gt;' (byte
/// order, little by default), '!n' (alignment, 1 by default), 'x' (a zero byte), 'b B h H l L T'
/// (1, 2 and 8-byte integers, signed in lower case), 'in'/'In' (n-byte integers, 4 by default, at
/// most 32), 'f' 'd', 'cn' (n bytes; c0 the whole string when packing, the previous number's count
/// when unpacking) and 's' (zero-terminated); integers travel as Lua numbers (doubles), converted
/// as the C library's casts do on x86-64. Each returns true and its values, or false and the error
/// text of the C library, which the prelude raises at the script's line.
/// </summary>
internal static unsafe class StructLibrary
{
    private const int MaxIntSize = 32;

    /// <summary>The C library's default largest alignment: a double's on x86-64.</summary>
    private const int MaxAlign = 8;

    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;

    private sealed class StructError(string message) : Exception(message);

    /// <summary>The format's reading state: byte order, alignment and the position in the format.</summary>
    private ref struct Format(ReadOnlySpan<byte> text, string function)
    {
        private readonly ReadOnlySpan<byte> _text = text;
        private int _at;

        public bool BigEndian;
        public int Align = 1;

        public readonly bool More => _at < _text.Length;

        public byte Next() => _text[_at++];

        /// <summary>The digits that follow, or <paramref name="fallback"/> when none do.</summary>
        public int Number(int fallback)
        {
            if (!More || !char.IsAsciiDigit((char)_text[_at]))
                return fallback;
            int value = 0;
            while (More && char.IsAsciiDigit((char)_text[_at]))
            {
                int digit = _text[_at++] - '0';
                if (value > int.MaxValue / 10 || value * 10 > int.MaxValue - digit)
                    throw new StructError("integral size overflow");
                value = value * 10 + digit;
            }
            return value;
        }

        /// <summary>An option's size (consuming its count); 0 for options that take no room or alignment.</summary>
        public int SizeOf(byte option)
        {
            switch (option)
            {
                case (byte)'b' or (byte)'B' or (byte)'x':
                    return 1;
                case (byte)'h' or (byte)'H':
                    return 2;
                case (byte)'l' or (byte)'L' or (byte)'T' or (byte)'d':
                    return 8;
                case (byte)'f':
                    return 4;
                case (byte)'c':
                    return Number(1);
                case (byte)'i' or (byte)'I':
                    int size = Number(4);
                    return size <= MaxIntSize ? size : throw new StructError($"integral size {size} is larger than limit of {MaxIntSize}");
                default:
                    return 0;
            }
        }

        public readonly int Padding(long position, byte option, int size)
        {
            if (size == 0 || option == (byte)'c')
                return 0;
            int align = Math.Min(size, Align);
            return (int)((align - (position & (align - 1))) & (align - 1));
        }

        /// <summary>Byte order, alignment and blanks; anything else is not an option.</summary>
        public void Control(byte option)
        {
            switch (option)
            {
                case (byte)' ':
                    return;
                case (byte)'>':
                    BigEndian = true;
                    return;
                case (byte)'<':
                    BigEndian = false;
                    return;
                case (byte)'!':
                    int align = Number(MaxAlign);
                    Align = align > 0 && (align & (align - 1)) == 0 ? align : throw new StructError($"alignment {align} is not a power of 2");
                    return;
                default:
                    throw new StructError(ArgumentError(1, function, $"invalid format option '{(char)option}'"));
            }
        }
    }

    private static string ArgumentError(int argument, string function, string message) => $"bad argument #{argument} to '{function}' ({message})";

    private static string TypeError(nint L, int argument, string function, string expected) =>
        ArgumentError(argument, function, $"{expected} expected, got {MessagePack.TypeName(argument > GetTop(L) ? -1 : Type(L, argument))}");

    private static ReadOnlySpan<byte> CheckString(nint L, int argument, string function) =>
        Type(L, argument) is TypeString or TypeNumber && argument <= GetTop(L) ? ToSpan(L, argument) : throw new StructError(TypeError(L, argument, function, "string"));

    private static double CheckNumber(nint L, int argument, string function) =>
        argument <= GetTop(L) && IsNumber(L, argument) != 0 ? ToNumber(L, argument) : throw new StructError(TypeError(L, argument, function, "number"));

    /// <summary>struct.pack(format, ...)</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static int Pack(nint L) => Run(L, static L =>
    {
        var format = new Format(CheckString(L, 1, "pack"), "pack");
        PushNil(L);   // the C library's mark after the arguments: a missing one reads as nil there
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(64);
        buffer.ResetWrittenCount();
        int argument = 2;
        while (format.More)
        {
            byte option = format.Next();
            int size = format.SizeOf(option);
            int padding = format.Padding(buffer.WrittenCount, option, size);
            buffer.GetSpan(padding)[..padding].Clear();
            buffer.Advance(padding);
            switch (option)
            {
                case (byte)'b' or (byte)'B' or (byte)'h' or (byte)'H' or (byte)'l' or (byte)'L' or (byte)'T' or (byte)'i' or (byte)'I':
                    PutInteger(buffer, CheckNumber(L, argument++, "pack"), format.BigEndian, size);
                    break;
                case (byte)'x':
                    buffer.Write([(byte)0]);
                    break;
                case (byte)'f':
                    var single = buffer.GetSpan(4);
                    float value = (float)CheckNumber(L, argument++, "pack");
                    if (format.BigEndian) BinaryPrimitives.WriteSingleBigEndian(single, value);
                    else BinaryPrimitives.WriteSingleLittleEndian(single, value);
                    buffer.Advance(4);
                    break;
                case (byte)'d':
                    var number = buffer.GetSpan(8);
                    double d = CheckNumber(L, argument++, "pack");
                    if (format.BigEndian) BinaryPrimitives.WriteDoubleBigEndian(number, d);
                    else BinaryPrimitives.WriteDoubleLittleEndian(number, d);
                    buffer.Advance(8);
                    break;
                case (byte)'c' or (byte)'s':
                    var text = CheckString(L, argument++, "pack");
                    if (size == 0)
                        size = text.Length;
                    if (text.Length < size)
                        throw new StructError(ArgumentError(argument, "pack", "string too short"));   // the C library names the next argument
                    buffer.Write(text[..size]);
                    if (option == (byte)'s')
                        buffer.Write([(byte)0]);
                    break;
                default:
                    format.Control(option);
                    break;
            }
        }
        PushBoolean(L, 1);
        PushString(L, buffer.WrittenSpan);
        if (buffer.Capacity > 1 << 20)
            t_buffer = null;
        return 2;
    });

    /// <summary>struct.unpack(format, data [, position]): the values, then the position after them.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static int Unpack(nint L) => Run(L, static L =>
    {
        var format = new Format(CheckString(L, 1, "unpack"), "unpack");
        var data = CheckString(L, 2, "unpack");
        long position = 1;
        if (GetTop(L) >= 3 && Type(L, 3) != TypeNil)
            position = (long)CheckNumber(L, 3, "unpack");
        if (position <= 0)
            throw new StructError(ArgumentError(3, "unpack", "offset must be 1 or greater"));
        position--;
        PushBoolean(L, 1);
        int results = 0;
        while (format.More)
        {
            byte option = format.Next();
            long size = format.SizeOf(option);
            position += format.Padding(position, option, (int)size);
            if (size > data.Length || position > data.Length - size)
                throw new StructError(ArgumentError(2, "unpack", "data string too short"));
            if (CheckStack(L, 2) == 0)
                throw new StructError("stack overflow (too many results)");
            var at = data[(int)position..];
            switch (option)
            {
                case (byte)'b' or (byte)'B' or (byte)'h' or (byte)'H' or (byte)'l' or (byte)'L' or (byte)'T' or (byte)'i' or (byte)'I':
                    PushNumber(L, GetInteger(at[..(int)size], format.BigEndian, signed: char.IsAsciiLetterLower((char)option)));
                    results++;
                    break;
                case (byte)'x':
                    break;
                case (byte)'f':
                    PushNumber(L, format.BigEndian ? BinaryPrimitives.ReadSingleBigEndian(at) : BinaryPrimitives.ReadSingleLittleEndian(at));
                    results++;
                    break;
                case (byte)'d':
                    PushNumber(L, format.BigEndian ? BinaryPrimitives.ReadDoubleBigEndian(at) : BinaryPrimitives.ReadDoubleLittleEndian(at));
                    results++;
                    break;
                case (byte)'c':
                    if (size == 0)
                    {
                        if (results == 0 || IsNumber(L, -1) == 0)
                            throw new StructError("format 'c0' needs a previous size");
                        size = (long)ToNumber(L, -1);
                        Pop(L, 1);
                        results--;
                        if (size < 0 || size > data.Length || position > data.Length - size)
                            throw new StructError(ArgumentError(2, "unpack", "data string too short"));
                    }
                    PushString(L, data.Slice((int)position, (int)size));
                    results++;
                    break;
                case (byte)'s':
                    int end = data[(int)position..].IndexOf((byte)0);
                    if (end < 0)
                        throw new StructError("unfinished string in data");
                    PushString(L, data.Slice((int)position, end));
                    size = end + 1;
                    results++;
                    break;
                default:
                    format.Control(option);
                    break;
            }
            position += size;
        }
        PushNumber(L, position + 1);
        return results + 2;
    });

    /// <summary>struct.size(format): the bytes a format packs to; 's' and 'c0' have no fixed size.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static int Size(nint L) => Run(L, static L =>
    {
        var format = new Format(CheckString(L, 1, "size"), "size");
        long position = 0;
        while (format.More)
        {
            byte option = format.Next();
            int size = format.SizeOf(option);
            position += format.Padding(position, option, size);
            if (option == (byte)'s')
                throw new StructError(ArgumentError(1, "size", "option 's' has no fixed size"));
            if (option == (byte)'c' && size == 0)
                throw new StructError(ArgumentError(1, "size", "option 'c0' has no fixed size"));
            if (!char.IsAsciiLetterOrDigit((char)option))
                format.Control(option);
            position += size;
        }
        PushBoolean(L, 1);
        PushNumber(L, position);
        return 2;
    });

    private static int Run(nint L, Func<nint, int> body)
    {
        int top = GetTop(L);
        try
        {
            return body(L);
        }
        catch (StructError error)
        {
            SetTop(L, top);
            PushBoolean(L, 0);
            PushString(L, error.Message);
            return 2;
        }
    }

    /// <summary>The C library's putinteger: the number cast to a 64-bit integer (through signed when negative), its low <paramref name="size"/> bytes.</summary>
    private static void PutInteger(ArrayBufferWriter<byte> buffer, double number, bool bigEndian, int size)
    {
        ulong value = number < 0 ? (ulong)ToInt64(number) : ToUInt64(number);
        var into = buffer.GetSpan(size)[..size];
        for (int i = 0; i < size; i++, value >>= 8)
            into[bigEndian ? size - 1 - i : i] = (byte)value;
        buffer.Advance(size);
    }

    private static double GetInteger(ReadOnlySpan<byte> bytes, bool bigEndian, bool signed)
    {
        ulong value = 0;
        for (int i = 0; i < bytes.Length; i++)
            value = (value << 8) | bytes[bigEndian ? i : bytes.Length - 1 - i];
        if (!signed)
            return value;
        ulong mask = ~0UL << (bytes.Length * 8 - 1);   // the shift count wraps at 64, as the C library's does on x86-64
        if ((value & mask) != 0)
            value |= mask;
        return (long)value;
    }

    private const double TwoTo63 = 9223372036854775808.0;

    /// <summary>x86-64's double to int64 conversion: out of range (and NaN) gives the smallest int64.</summary>
    private static long ToInt64(double number) => number >= -TwoTo63 && number < TwoTo63 ? (long)number : long.MinValue;

    /// <summary>The C compiler's double to uint64 conversion on x86-64, built from the signed one.</summary>
    private static ulong ToUInt64(double number) =>
        number < TwoTo63 ? (ulong)ToInt64(number) : (ulong)ToInt64(number - TwoTo63) ^ 0x8000000000000000UL;
}
