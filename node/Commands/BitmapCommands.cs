using System.Buffers;
using Istore.Node.Engine;

namespace Istore.Node.Commands;

/// <summary>
/// SETBIT GETBIT BITCOUNT BITPOS BITOP (and BITFIELD in its own file): bitmaps are strings, so
/// both engines serve them through the string path. SETBIT (and BITFIELD without INCRBY) is logged
/// as itself — it sets bits to given values whatever they held, so a replay onto any later state
/// of the key is still right, and a bit flipped in a megabyte bitmap costs a small record; other
/// writes are logged as the SET of the whole result.
/// </summary>
public static partial class BitmapCommands
{
    public const string BitOffsetError = "ERR bit offset is not an integer or out of range";
    private const string BitValueError = "ERR bit is not an integer or out of range";

    public static void Register(HandlerTable t)
    {
        t.Add("SETBIT", SetBit);
        t.Add("GETBIT", GetBit);
        t.Add("BITCOUNT", BitCount);
        t.Add("BITPOS", BitPos);
        t.Add("BITOP", BitOp);
        t.Add("BITFIELD", c => BitField(c, readOnly: false));
        t.Add("BITFIELD_RO", c => BitField(c, readOnly: true));
    }

    /// <summary>
    /// Redis's getBitOffsetFromArgument: a non-negative offset whose byte is within
    /// proto-max-bulk-len; "#n" (BITFIELD only) means n × <paramref name="bits"/>.
    /// </summary>
    public static bool TryBitOffset(CommandContext c, int index, bool allowHash, int bits, out long offset)
    {
        var text = c.Arg(index);
        bool byWidth = allowHash && bits > 0 && text.Length > 0 && text[0] == (byte)'#';
        if (RedisNumber.TryParseInt64(byWidth ? text[1..] : text, out offset))
        {
            if (byWidth)
                offset = unchecked(offset * bits);   // as Redis: the product may wrap, and is then refused as negative
            if (offset >= 0 && (offset >> 3) < StringCommands.MaxStringLength)
                return true;
        }
        c.Output.WriteError(BitOffsetError);
        return false;
    }

    /// <summary>
    /// Reads the string at argument 1 into <c>Keyspace.Value</c>: true with <paramref name="exists"/>,
    /// false after WRONGTYPE.
    /// </summary>
    private static bool TryReadString(CommandContext c, out bool exists)
    {
        var type = c.Keyspace.Get(c.Arg(1));
        exists = type == KeyType.String;
        if (type is KeyType.None or KeyType.String)
            return true;
        c.Output.WriteError(Errors.WrongType);
        return false;
    }

    /// <summary>SETBIT key offset 0|1: replies the bit's old value; the key is created or zero-padded as needed.</summary>
    private static void SetBit(CommandContext c)
    {
        if (!TryBitOffset(c, 2, allowHash: false, bits: 0, out long offset))
            return;
        if (!RedisNumber.TryParseInt64(c.Arg(3), out long on) || (on & ~1L) != 0)
        {
            c.Output.WriteError(BitValueError);
            return;
        }
        using var write = c.Keyspace.Lock();
        using var value = WritableString.Open(c, offset);
        if (value is null)
            return;
        int byteIndex = (int)(offset >> 3);
        int mask = 1 << (7 - (int)(offset & 7));
        var bytes = value.Bytes;
        bool old = (bytes[byteIndex] & mask) != 0;
        if (old != (on == 1))
        {
            bytes[byteIndex] = (byte)(on == 1 ? bytes[byteIndex] | mask : bytes[byteIndex] & ~mask);
            value.Changed = true;
        }
        value.Commit(commandIsAbsolute: true);
        c.Output.WriteInteger(old ? 1 : 0);
    }

    private static void GetBit(CommandContext c)
    {
        if (!TryBitOffset(c, 2, allowHash: false, bits: 0, out long offset) || !TryReadString(c, out bool exists))
            return;
        var bytes = c.Keyspace.Value.Span;
        long byteIndex = offset >> 3;
        bool set = exists && byteIndex < bytes.Length && (bytes[(int)byteIndex] & (1 << (7 - (int)(offset & 7)))) != 0;
        c.Output.WriteInteger(set ? 1 : 0);
    }

    /// <summary>BITCOUNT key [start end [BYTE|BIT]]: as Redis 7.0, the key is looked up before the range is read.</summary>
    private static void BitCount(CommandContext c)
    {
        if (!TryReadString(c, out bool exists))
            return;
        if (!exists)
        {
            c.Output.WriteInteger(0);
            return;
        }
        long start = 0, end = 0;
        bool inBits = false;
        if (c.Count is 4 or 5)
        {
            if (!c.TryInt64(2, out start) || !c.TryInt64(3, out end) || (c.Count == 5 && !TryUnit(c, 4, out inBits)))
                return;
        }
        else if (c.Count != 2)
        {
            c.Output.WriteError(CommandErrors.Syntax);
            return;
        }
        var bytes = c.Keyspace.Value.Span;
        if (c.Count == 2)
        {
            c.Output.WriteInteger(BitOps.PopCount(bytes));
            return;
        }
        long total = inBits ? bytes.Length * 8L : bytes.Length;
        if (!ClampRange(ref start, ref end, total, emptyWhenBothNegative: true))
        {
            c.Output.WriteInteger(0);
            return;
        }
        if (!inBits)
        {
            c.Output.WriteInteger(BitOps.PopCount(bytes.Slice((int)start, (int)(end - start + 1))));
            return;
        }
        long firstByte = start >> 3, lastByte = end >> 3;
        long count = BitOps.PopCount(bytes.Slice((int)firstByte, (int)(lastByte - firstByte + 1)));
        // Take back the bits of the edge bytes that lie outside the range.
        int headMask = ~((1 << (8 - (int)(start & 7))) - 1) & 0xFF;
        int tailMask = (1 << (7 - (int)(end & 7))) - 1;
        count -= System.Numerics.BitOperations.PopCount((uint)(bytes[(int)firstByte] & headMask));
        count -= System.Numerics.BitOperations.PopCount((uint)(bytes[(int)lastByte] & tailMask));
        c.Output.WriteInteger(count);
    }

    /// <summary>BITPOS key 0|1 [start [end [BYTE|BIT]]]</summary>
    private static void BitPos(CommandContext c)
    {
        if (!c.TryInt64(2, out long bit))
            return;
        if (bit is not (0 or 1))
        {
            c.Output.WriteError("ERR The bit argument must be 1 or 0.");
            return;
        }
        if (!TryReadString(c, out bool exists))
            return;
        // A missing key is an endless run of zero bits: Redis answers before it looks at the range.
        if (!exists)
        {
            c.Output.WriteInteger(bit == 1 ? -1 : 0);
            return;
        }
        var bytes = c.Keyspace.Value.Span;
        long start = 0, end = bytes.Length - 1;
        bool inBits = false, endGiven = c.Count >= 5;
        if (c.Count > 6)
        {
            c.Output.WriteError(CommandErrors.Syntax);
            return;
        }
        if (c.Count >= 4)
        {
            if (!c.TryInt64(3, out start) || (c.Count == 6 && !TryUnit(c, 5, out inBits)) || (endGiven && !c.TryInt64(4, out end)))
                return;
            long total = inBits ? bytes.Length * 8L : bytes.Length;
            if (!endGiven)
                end = total - 1;
            if (!ClampRange(ref start, ref end, total, emptyWhenBothNegative: false))
            {
                c.Output.WriteInteger(-1);
                return;
            }
        }
        else if (start > end)
        {
            c.Output.WriteInteger(-1);   // an empty string holds neither a 0 nor a 1
            return;
        }
        long firstBit = inBits ? start : start * 8, lastBit = inBits ? end : end * 8 + 7;
        long found = FindBit(bytes, (int)bit, firstBit, lastBit);
        if (found < 0 && bit == 0 && !endGiven)
            found = lastBit + 1;   // without an explicit end the string continues with zeros
        c.Output.WriteInteger(found);
    }

    /// <summary>The first bit equal to <paramref name="bit"/> in [first, last] (bit indexes), or -1.</summary>
    private static long FindBit(ReadOnlySpan<byte> bytes, int bit, long first, long last)
    {
        for (long i = first; i <= last && (i & 7) != 0; i++)
            if (BitAt(bytes, i) == bit)
                return i;
        long alignedFirst = (first + 7) & ~7L;
        long fullBytesEnd = (last + 1) >> 3;   // bytes wholly inside the range end before this one
        if (alignedFirst >> 3 < fullBytesEnd)
        {
            long found = BitOps.FirstBit(bytes[(int)(alignedFirst >> 3)..(int)fullBytesEnd], bit);
            if (found >= 0)
                return alignedFirst + found;
        }
        for (long i = Math.Max(alignedFirst, fullBytesEnd * 8); i <= last; i++)
            if (BitAt(bytes, i) == bit)
                return i;
        return -1;
    }

    private static int BitAt(ReadOnlySpan<byte> bytes, long index) => (bytes[(int)(index >> 3)] >> (7 - (int)(index & 7))) & 1;

    /// <summary>
    /// Redis's range rules: negative counts from the end, then clamped; false when empty. BITCOUNT
    /// (not BITPOS) first calls two negative bounds in the wrong order empty.
    /// </summary>
    private static bool ClampRange(ref long start, ref long end, long total, bool emptyWhenBothNegative)
    {
        if (emptyWhenBothNegative && start < 0 && end < 0 && start > end)
            return false;
        if (start < 0) start = total + start;
        if (end < 0) end = total + end;
        if (start < 0) start = 0;
        if (end < 0) end = 0;
        if (end >= total) end = total - 1;
        return start <= end;
    }

    private static bool TryUnit(CommandContext c, int index, out bool inBits)
    {
        inBits = c.ArgIs(index, "BIT"u8);
        if (inBits || c.ArgIs(index, "BYTE"u8))
            return true;
        c.Output.WriteError(CommandErrors.Syntax);
        return false;
    }

    /// <summary>BITOP AND|OR|XOR|NOT destkey key [key …]: replies the result's length; an empty result deletes destkey.</summary>
    private static void BitOp(CommandContext c)
    {
        BitOps.Operation operation;
        if (c.ArgIs(1, "AND"u8)) operation = BitOps.Operation.And;
        else if (c.ArgIs(1, "OR"u8)) operation = BitOps.Operation.Or;
        else if (c.ArgIs(1, "XOR"u8)) operation = BitOps.Operation.Xor;
        else if (c.ArgIs(1, "NOT"u8)) operation = BitOps.Operation.Not;
        else
        {
            c.Output.WriteError(CommandErrors.Syntax);
            return;
        }
        if (operation == BitOps.Operation.Not && c.Count != 4)
        {
            c.Output.WriteError("ERR BITOP NOT must be called with a single source key.");
            return;
        }
        var ks = c.Keyspace;
        using var write = ks.Lock();
        // Every source is type-checked first (reading one byte of it); the longest one sets the result's length.
        int length = 0;
        for (int i = 3; i < c.Count; i++)
        {
            var type = ks.Get(c.Arg(i), prefix: 1);
            if (type is not (KeyType.None or KeyType.String))
            {
                c.Output.WriteError(Errors.WrongType);
                return;
            }
            if (type == KeyType.String)
                length = Math.Max(length, ks.Value.FullLength);
        }
        if (length == 0)
        {
            if (ks.Delete(c.Arg(2)))
                c.Notify(PubSub.NotifyClass.Generic, "del"u8, c.Arg(2));
            c.Output.WriteInteger(0);
            return;
        }
        ks.EnsureFits(c.Arg(2), length);
        var result = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var into = result.AsSpan(0, length);
            var sources = new ReadOnlyMemory<byte>[c.Count - 3];
            for (int i = 3; i < c.Count; i++)
                sources[i - 3] = ks.ReadLive(c.Arg(i)) == KeyType.String ? ks.Value.Take() : default;
            BitOps.Combine(operation, into, sources);
            ks.Set(c.Arg(2), into, 0);
            c.Notify(PubSub.NotifyClass.String, "set"u8, c.Arg(2));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(result);
        }
        c.Output.WriteInteger(length);
    }
}
