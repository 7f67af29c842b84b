using Istore.Node.Objects;

namespace Istore.Node.Commands;

/// <summary>LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]</summary>
public static class ListPosition
{
    public static void Execute(CommandContext c)
    {
        if (!TryParseOptions(c, out long rank, out long count, out bool hasCount, out long maxLength))
            return;
        using var read = c.Keyspace.Read();
        if (!c.TryRead(1, out ListValue? list))
            return;
        var matches = list is null ? [] : Find(list, c.Arg(2), rank, hasCount ? count : 1, maxLength);
        if (hasCount)
        {
            c.Output.WriteArrayHeader(matches.Count);
            foreach (long index in matches)
                c.Output.WriteInteger(index);
        }
        else if (matches.Count > 0)
        {
            c.Output.WriteInteger(matches[0]);
        }
        else
        {
            c.Output.WriteNull();
        }
    }

    /// <summary>
    /// Indexes of matches, skipping the first |rank|-1 (from the tail when rank is negative),
    /// at most <paramref name="count"/> of them (0 = all), looking at no more than
    /// <paramref name="maxLength"/> elements (0 = all).
    /// </summary>
    private static List<long> Find(ListValue list, ReadOnlySpan<byte> element, long rank, long count, long maxLength)
    {
        var found = new List<long>();
        bool fromTail = rank < 0;
        long skip = Math.Abs(rank) - 1;
        long scanned = Math.Min(list.Count, maxLength == 0 ? long.MaxValue : maxLength);
        for (int n = 0; n < scanned; n++)
        {
            int index = fromTail ? list.Count - 1 - n : n;
            if (!element.SequenceEqual(list[index]))
                continue;
            if (skip > 0)
            {
                skip--;
                continue;
            }
            found.Add(index);
            if (count != 0 && found.Count >= count)
                break;
        }
        return found;
    }

    private static bool TryParseOptions(CommandContext c, out long rank, out long count, out bool hasCount, out long maxLength)
    {
        rank = 1;
        count = 0;
        hasCount = false;
        maxLength = 0;
        for (int i = 3; i < c.Count; i += 2)
        {
            if (i + 1 >= c.Count)
            {
                c.Output.WriteError(CommandErrors.Syntax);
                return false;
            }
            if (c.ArgIs(i, "RANK"u8))
            {
                if (!c.TryInt64(i + 1, out rank))
                    return false;
                if (rank == long.MinValue)
                {
                    c.Output.WriteError("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
                    return false;
                }
                if (rank == 0)
                {
                    c.Output.WriteError("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list");
                    return false;
                }
            }
            else if (c.ArgIs(i, "COUNT"u8))
            {
                if (!TryNonNegative(c, i + 1, "ERR COUNT can't be negative", out count))
                    return false;
                hasCount = true;
            }
            else if (c.ArgIs(i, "MAXLEN"u8))
            {
                if (!TryNonNegative(c, i + 1, "ERR MAXLEN can't be negative", out maxLength))
                    return false;
            }
            else
            {
                c.Output.WriteError(CommandErrors.Syntax);
                return false;
            }
        }
        return true;
    }

    private static bool TryNonNegative(CommandContext c, int index, string negativeError, out long value)
    {
        if (!c.TryInt64(index, out value))
            return false;
        if (value >= 0)
            return true;
        c.Output.WriteError(negativeError);
        return false;
    }
}
