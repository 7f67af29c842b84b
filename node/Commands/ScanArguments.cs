using Istore.Node.Engine;
using Istore.Node.Keyspace;

namespace Istore.Node.Commands;

/// <summary>The arguments shared by SCAN, HSCAN, SSCAN and ZSCAN: cursor [MATCH pattern] [COUNT count] (and TYPE for SCAN).</summary>
public readonly record struct ScanArguments(ulong Cursor, GlobPattern? Pattern, int Count, KeyType? Type)
{
    /// <summary>Parses from argument <paramref name="cursorIndex"/>; replies Redis's error and returns false when bad.</summary>
    public static bool TryParse(CommandContext c, int cursorIndex, bool allowType, out ScanArguments parsed)
    {
        parsed = default;
        // Any unsigned 64-bit number is a valid cursor, as in Redis; ones past the end just end the scan.
        if (!ulong.TryParse(c.Arg(cursorIndex), System.Globalization.NumberStyles.None, null, out ulong cursor))
        {
            c.Output.WriteError(Errors.InvalidCursor);
            return false;
        }
        GlobPattern? pattern = null;
        KeyType? type = null;
        long count = 10;
        for (int i = cursorIndex + 1; i < c.Count; i++)
        {
            if (i + 1 >= c.Count)
            {
                c.Output.WriteError(CommandErrors.Syntax);
                return false;
            }
            if (c.ArgIs(i, "MATCH"u8))
            {
                pattern = new GlobPattern(c.Args.ToArray(++i));
            }
            else if (c.ArgIs(i, "COUNT"u8))
            {
                if (!c.TryInt64(++i, out count))
                    return false;
                if (count < 1)
                {
                    c.Output.WriteError(CommandErrors.Syntax);
                    return false;
                }
            }
            else if (allowType && c.ArgIs(i, "TYPE"u8))
            {
                if (!TryParseType(c, ++i, out var parsedType))
                    return false;
                type = parsedType;
            }
            else
            {
                c.Output.WriteError(CommandErrors.Syntax);
                return false;
            }
        }
        parsed = new ScanArguments(cursor, pattern, (int)Math.Min(count, 100_000), type);
        return true;
    }

    /// <summary>Any Redis type name is accepted; a type this node does not store simply matches nothing.</summary>
    private static bool TryParseType(CommandContext c, int index, out KeyType type)
    {
        if (KeyTypeNames.TryParse(c.Arg(index), out type))
            return true;
        if (c.ArgIs(index, "STREAM"u8))
        {
            type = KeyType.None;
            return true;
        }
        c.Output.WriteError($"ERR unknown type name '{CommandErrors.Truncate(c.ArgString(index))}'");
        return false;
    }
}
