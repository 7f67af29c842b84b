using Istore.Node.Objects;

namespace Istore.Node.Commands;

/// <summary>RL.RANGE (by rank, best first) and RL.RANGEBYSCORE (max down to min) on <see cref="RankListValue"/>.</summary>
public static class RankListRangeCommands
{
    public static void Register(HandlerTable t)
    {
        t.Add("RL.RANGE", Range);
        t.Add("RL.RANGEBYSCORE", RangeByScore);
    }

    /// <summary>RL.RANGE key start stop [WITHSCORES]: negative indexes count from the worst, as in ZRANGE.</summary>
    private static void Range(CommandContext c)
    {
        if (!c.TryInt64(2, out long start) || !c.TryInt64(3, out long stop) || !TryWithScores(c, 4, out bool withScores))
            return;
        using var read = c.Keyspace.Read();
        if (!c.TryRead(1, out RankListValue? list))
            return;
        long count = list?.Length ?? 0;
        if (start < 0) start = Math.Max(0, start + count);
        if (stop < 0) stop += count;
        stop = Math.Min(stop, count - 1);
        long length = start > stop ? 0 : stop - start + 1;
        WriteHeader(c, length, withScores);
        list?.VisitRanks(start, length, (member, score) => WriteEntry(c, member, score, withScores));
    }

    /// <summary>RL.RANGEBYSCORE key max min [WITHSCORES] [LIMIT offset count]; "(" makes an end exclusive, ±inf allowed.</summary>
    private static void RangeByScore(CommandContext c)
    {
        if (!SortedSetRange.TryParseScoreBound(c.Arg(2), out double max, out bool maxExclusive)
            || !SortedSetRange.TryParseScoreBound(c.Arg(3), out double min, out bool minExclusive))
        {
            c.Output.WriteError(SortedSetRange.ScoreRangeError);
            return;
        }
        bool withScores = false;
        long offset = 0, limit = -1;
        for (int i = 4; i < c.Count; i++)
        {
            if (c.ArgIs(i, "WITHSCORES"u8))
                withScores = true;
            else if (c.ArgIs(i, "LIMIT"u8) && i + 2 < c.Count)
            {
                if (!c.TryInt64(i + 1, out offset) || !c.TryInt64(i + 2, out limit))
                    return;
                i += 2;
            }
            else
            {
                c.Output.WriteError(CommandErrors.Syntax);
                return;
            }
        }
        using var read = c.Keyspace.Read();
        if (!c.TryRead(1, out RankListValue? list))
            return;
        if (list is null || offset < 0)
        {
            c.WriteEmptyArray();
            return;
        }
        var entries = list.EntriesBetween(new DescendingScoreBound(max, IncludesEqual: maxExclusive),
            new DescendingScoreBound(min, IncludesEqual: !minExclusive), offset, limit);
        WriteHeader(c, entries.Count, withScores);
        foreach (var entry in entries)
            WriteEntry(c, entry.Member, entry.Score, withScores);
    }

    /// <summary>A range reply of <paramref name="count"/> entries: WITHSCORES as in ZRANGE (pairs nested in RESP3).</summary>
    private static void WriteHeader(CommandContext c, long count, bool withScores) =>
        c.Output.WriteArrayHeader((int)(withScores && !c.Output.IsResp3 ? count * 2 : count));

    private static void WriteEntry(CommandContext c, ReadOnlySpan<byte> member, double score, bool withScores)
    {
        if (withScores && c.Output.IsResp3)
            c.Output.WriteArrayHeader(2);
        c.Output.WriteBulkString(member);
        if (withScores)
            c.Output.WriteDouble(score);
    }

    private static bool TryWithScores(CommandContext c, int index, out bool withScores)
    {
        withScores = c.Count > index;
        if (c.Count == index || (c.Count == index + 1 && c.ArgIs(index, "WITHSCORES"u8)))
            return true;
        c.Output.WriteError(CommandErrors.Syntax);
        return false;
    }
}
