using System.Buffers.Binary;

namespace Istore.Node.Scripting;

/// <summary>
/// Turns a compiled chunk's tail calls into plain calls (OP_TAILCALL → OP_CALL; the OP_RETURN
/// after each already returns all results). redis.call is a Lua wrapper here, not Redis's C
/// function, and Lua 5.1 drops the caller's frame on a tail call into a Lua function: without
/// this, an error raised by <c>return redis.call(...)</c> could not name the script's line
/// ("script: …, on @user_script:N."), which Redis gives. Works on lua_dump's output for this
/// platform (Lua 5.1, little-endian, 4-byte int and instruction, 8-byte size_t and number).
/// </summary>
internal static class TailCalls
{
    private const int OpCall = 28, OpTailCall = 29;
    private const byte TypeNil = 0, TypeBoolean = 1, TypeNumber = 3, TypeString = 4;

    private static ReadOnlySpan<byte> Header => [0x1b, (byte)'L', (byte)'u', (byte)'a', 0x51, 0, 1, 4, 8, 4, 8, 0];

    /// <summary>Rewrites <paramref name="dump"/> in place; false (left as it was, or partly: discard it) when its layout is not the one expected.</summary>
    public static bool Rewrite(Span<byte> dump)
    {
        if (!dump.StartsWith(Header))
            return false;
        int pos = Header.Length;
        return Function(dump, ref pos) && pos == dump.Length;
    }

    private static bool Function(Span<byte> d, ref int pos)
    {
        if (!SkipString(d, ref pos) || !Skip(d, ref pos, 4 + 4 + 4))   // source; line defined, last line; nups, params, vararg, stack
            return false;
        if (!Count(d, ref pos, out int instructions) || !Fits(d, pos, (long)instructions * 4))
            return false;
        for (int i = 0; i < instructions; i++, pos += 4)
        {
            var at = d.Slice(pos, 4);
            uint instruction = BinaryPrimitives.ReadUInt32LittleEndian(at);
            if ((instruction & 0x3F) == OpTailCall)
                BinaryPrimitives.WriteUInt32LittleEndian(at, (instruction & ~0x3Fu) | OpCall);
        }
        if (!Count(d, ref pos, out int constants))
            return false;
        for (int i = 0; i < constants; i++)
        {
            if (!Fits(d, pos, 1))
                return false;
            byte type = d[pos++];
            bool ok = type switch
            {
                TypeNil => true,
                TypeBoolean => Skip(d, ref pos, 1),
                TypeNumber => Skip(d, ref pos, 8),
                TypeString => SkipString(d, ref pos),
                _ => false,
            };
            if (!ok)
                return false;
        }
        if (!Count(d, ref pos, out int functions))
            return false;
        for (int i = 0; i < functions; i++)
            if (!Function(d, ref pos))
                return false;
        // Debug information: line per instruction; locals (name, start, end); upvalue names.
        if (!Count(d, ref pos, out int lines) || !Skip(d, ref pos, (long)lines * 4) || !Count(d, ref pos, out int locals))
            return false;
        for (int i = 0; i < locals; i++)
            if (!SkipString(d, ref pos) || !Skip(d, ref pos, 8))
                return false;
        if (!Count(d, ref pos, out int upvalues))
            return false;
        for (int i = 0; i < upvalues; i++)
            if (!SkipString(d, ref pos))
                return false;
        return true;
    }

    private static bool Fits(Span<byte> d, int pos, long length) => length >= 0 && pos + length <= d.Length;

    private static bool Skip(Span<byte> d, ref int pos, long length)
    {
        if (!Fits(d, pos, length))
            return false;
        pos += (int)length;
        return true;
    }

    private static bool Count(Span<byte> d, ref int pos, out int count)
    {
        count = Fits(d, pos, 4) ? BinaryPrimitives.ReadInt32LittleEndian(d[pos..]) : -1;
        if (count < 0)
            return false;
        pos += 4;
        return true;
    }

    private static bool SkipString(Span<byte> d, ref int pos)
    {
        if (!Fits(d, pos, 8))
            return false;
        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(d[pos..]);
        pos += 8;
        return length <= int.MaxValue && Skip(d, ref pos, (long)length);
    }
}
