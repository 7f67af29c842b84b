namespace Istore.Node.Commands;

/// <summary>
/// BITFIELD key [GET type offset] [SET type offset value] [INCRBY type offset increment]
/// [OVERFLOW WRAP|SAT|FAIL] …, and BITFIELD_RO with GET only. Integers of 1..64 bits (signed) or
/// 1..63 (unsigned), most significant bit first, at any bit offset; "#n" offsets count in widths.
/// Every operation is parsed before the key is touched, as in Redis.
/// </summary>
public static partial class BitmapCommands
{
    private const string BitFieldTypeError = "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";

    private enum FieldOp { Get, Set, IncrBy }

    private enum Overflow { Wrap, Sat, Fail }

    private readonly record struct FieldCommand(FieldOp Op, bool Signed, int Bits, long Offset, long Value, Overflow Overflow);

    private static void BitField(CommandContext c, bool readOnly)
    {
        var ops = new List<FieldCommand>();
        var overflow = Overflow.Wrap;
        long lastWriteBit = -1;
        for (int i = 2; i < c.Count; i++)
        {
            int remaining = c.Count - i - 1;
            FieldOp op;
            if (c.ArgIs(i, "GET"u8) && remaining >= 2) op = FieldOp.Get;
            else if (c.ArgIs(i, "SET"u8) && remaining >= 3) op = FieldOp.Set;
            else if (c.ArgIs(i, "INCRBY"u8) && remaining >= 3) op = FieldOp.IncrBy;
            else if (c.ArgIs(i, "OVERFLOW"u8) && remaining >= 1)
            {
                i++;
                if (c.ArgIs(i, "WRAP"u8)) overflow = Overflow.Wrap;
                else if (c.ArgIs(i, "SAT"u8)) overflow = Overflow.Sat;
                else if (c.ArgIs(i, "FAIL"u8)) overflow = Overflow.Fail;
                else
                {
                    c.Output.WriteError("ERR Invalid OVERFLOW type specified");
                    return;
                }
                continue;
            }
            else
            {
                c.Output.WriteError(CommandErrors.Syntax);
                return;
            }
            if (!TryFieldType(c, i + 1, out bool signed, out int bits) || !TryBitOffset(c, i + 2, allowHash: true, bits, out long offset))
                return;
            long operand = 0;
            if (op != FieldOp.Get)
            {
                lastWriteBit = Math.Max(lastWriteBit, offset + bits - 1);
                if (!c.TryInt64(i + 3, out operand))
                    return;
            }
            ops.Add(new FieldCommand(op, signed, bits, offset, operand, overflow));
            i += op == FieldOp.Get ? 2 : 3;
        }

        using var write = c.Keyspace.Lock();
        if (lastWriteBit < 0)
        {
            if (!TryReadString(c, out bool exists))
                return;
            c.Output.WriteArrayHeader(ops.Count);
            var bytes = exists ? c.Keyspace.Value.Span : default;
            foreach (var op in ops)
                c.Output.WriteInteger(Read(bytes, op));
            return;
        }
        if (readOnly)
        {
            c.Output.WriteError("ERR BITFIELD_RO only supports the GET subcommand");
            return;
        }
        using var value = WritableString.Open(c, lastWriteBit);
        if (value is null)
            return;
        c.Output.WriteArrayHeader(ops.Count);
        foreach (var op in ops)
        {
            if (op.Op == FieldOp.Get)
            {
                c.Output.WriteInteger(Read(value.Bytes, op));
                continue;
            }
            ulong old = GetBits(value.Bytes, op.Offset, op.Bits);
            if (!TryUpdate(op, old, out long reply, out ulong stored))
            {
                c.Output.WriteNull();
                continue;
            }
            c.Output.WriteInteger(reply);
            SetBits(value.Bytes, op.Offset, op.Bits, stored);
            if (stored != old)
                value.Changed = true;
        }
        // SET writes given values whatever the field held; INCRBY depends on it, so it is logged as the whole value.
        value.Commit(commandIsAbsolute: ops.TrueForAll(op => op.Op != FieldOp.IncrBy));
    }

    /// <summary>"i1".."i64" or "u1".."u63" (lower case only, as Redis reads it).</summary>
    private static bool TryFieldType(CommandContext c, int index, out bool signed, out int bits)
    {
        var text = c.Arg(index);
        signed = text.Length > 0 && text[0] == (byte)'i';
        bits = 0;
        if (text.Length > 0 && (signed || text[0] == (byte)'u')
            && RedisNumber.TryParseInt64(text[1..], out long width) && width >= 1 && width <= (signed ? 64 : 63))
        {
            bits = (int)width;
            return true;
        }
        c.Output.WriteError(BitFieldTypeError);
        return false;
    }

    /// <summary>A GET: bits past the end of the string read as zero.</summary>
    private static long Read(ReadOnlySpan<byte> bytes, FieldCommand op)
    {
        ulong raw = GetBits(bytes, op.Offset, op.Bits);
        return op.Signed ? SignExtend(raw, op.Bits) : (long)raw;
    }

    /// <summary>
    /// SET or INCRBY under the overflow policy: false when FAIL refuses it; otherwise the reply
    /// (the old value for SET, the new one for INCRBY) and the raw bits to store.
    /// </summary>
    private static bool TryUpdate(FieldCommand op, ulong oldRaw, out long reply, out ulong stored)
    {
        ulong widthMask = op.Bits == 64 ? ulong.MaxValue : (1UL << op.Bits) - 1;
        bool overflowed;
        long result;
        if (op.Signed)
        {
            long old = SignExtend(oldRaw, op.Bits);
            overflowed = op.Op == FieldOp.IncrBy
                ? SignedOverflow(old, op.Value, op.Bits, op.Overflow, out result)
                : SignedOverflow(op.Value, 0, op.Bits, op.Overflow, out result);
            if (!overflowed)
                result = op.Op == FieldOp.IncrBy ? unchecked(old + op.Value) : op.Value;
            reply = op.Op == FieldOp.IncrBy ? result : old;
        }
        else
        {
            overflowed = op.Op == FieldOp.IncrBy
                ? UnsignedOverflow(oldRaw, op.Value, op.Bits, op.Overflow, out ulong limited)
                : UnsignedOverflow((ulong)op.Value, 0, op.Bits, op.Overflow, out limited);
            result = (long)(overflowed ? limited : op.Op == FieldOp.IncrBy ? unchecked(oldRaw + (ulong)op.Value) : (ulong)op.Value);
            reply = op.Op == FieldOp.IncrBy ? result : (long)oldRaw;
        }
        stored = (ulong)result & widthMask;
        return !(overflowed && op.Overflow == Overflow.Fail);
    }

    /// <summary>Redis's checkSignedBitfieldOverflow: true when value + increment leaves the width; <paramref name="limited"/> is the WRAP or SAT result.</summary>
    private static bool SignedOverflow(long value, long increment, int bits, Overflow policy, out long limited)
    {
        long max = bits == 64 ? long.MaxValue : (1L << (bits - 1)) - 1;
        long min = -max - 1;
        long maxIncrement = unchecked((long)((ulong)max - (ulong)value));
        long minIncrement = unchecked(min - value);
        limited = 0;
        bool above = value > max || (bits != 64 && increment > maxIncrement) || (value >= 0 && increment > 0 && increment > maxIncrement);
        bool below = !above && (value < min || (bits != 64 && increment < minIncrement) || (value < 0 && increment < 0 && increment < minIncrement));
        if (!above && !below)
            return false;
        if (policy == Overflow.Sat)
        {
            limited = above ? max : min;
        }
        else
        {
            ulong sum = unchecked((ulong)value + (ulong)increment);
            if (bits < 64)
            {
                ulong high = ulong.MaxValue << bits;
                sum = (sum & (1UL << (bits - 1))) != 0 ? sum | high : sum & ~high;
            }
            limited = (long)sum;
        }
        return true;
    }

    /// <summary>Redis's checkUnsignedBitfieldOverflow.</summary>
    private static bool UnsignedOverflow(ulong value, long increment, int bits, Overflow policy, out ulong limited)
    {
        ulong max = (1UL << bits) - 1;   // bits ≤ 63 for unsigned fields
        long maxIncrement = unchecked((long)(max - value));
        long minIncrement = unchecked(-(long)value);
        limited = 0;
        bool above = value > max || (increment > 0 && increment > maxIncrement);
        bool below = !above && increment < 0 && increment < minIncrement;
        if (!above && !below)
            return false;
        limited = policy == Overflow.Sat ? (above ? max : 0) : unchecked(value + (ulong)increment) & max;
        return true;
    }

    private static long SignExtend(ulong raw, int bits) =>
        bits < 64 && (raw & (1UL << (bits - 1))) != 0 ? (long)(raw | (ulong.MaxValue << bits)) : (long)raw;

    /// <summary>The <paramref name="bits"/>-wide field at bit <paramref name="offset"/>, most significant bit first; zero past the end.</summary>
    private static ulong GetBits(ReadOnlySpan<byte> bytes, long offset, int bits)
    {
        ulong value = 0;
        for (int j = 0; j < bits; j++, offset++)
        {
            long index = offset >> 3;
            int bit = index < bytes.Length ? (bytes[(int)index] >> (7 - (int)(offset & 7))) & 1 : 0;
            value = (value << 1) | (uint)bit;
        }
        return value;
    }

    private static void SetBits(Span<byte> bytes, long offset, int bits, ulong value)
    {
        for (int j = 0; j < bits; j++, offset++)
        {
            int mask = 1 << (7 - (int)(offset & 7));
            ref byte target = ref bytes[(int)(offset >> 3)];
            target = ((value >> (bits - 1 - j)) & 1) != 0 ? (byte)(target | mask) : (byte)(target & ~mask);
        }
    }
}
