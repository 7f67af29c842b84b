using Istore.Node.Objects;
using Istore.Ranklist;

namespace Istore.Node.Commands;

/// <summary>RL.RANGE (by rank, best first) and RL.RANGEBYSCORE (max down to min), resolved to ranks in O(log n).</summary>
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
        using var read = c.Keyspace.Lock();
        if (!c.TryRead(1, out RankListObject? list))
            return;
        long count = list?.Count ?? 0;
        if (start < 0) start = Math.Max(0, start + count);
        if (stop < 0) stop += count;
        stop = Math.Min(stop, count - 1);
        WriteRanks(c, list, (int)start, start > stop ? 0 : (int)(stop - start + 1), withScores);
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
                c.Output.WriteError(Errors.Syntax);
                return;
            }
        }
        using var read = c.Keyspace.Lock();
        if (!c.TryRead(1, out RankListObject? list))
            return;
        if (list is null || offset < 0)
        {
            c.WriteEmptyArray();
            return;
        }
        int first = list.CountBelow(new DescendingScoreBound(max, IncludesEqual: maxExclusive));
        int count = Math.Max(0, list.CountBelow(new DescendingScoreBound(min, IncludesEqual: !minExclusive)) - first);
        long skip = Math.Min(offset, count);
        int take = (int)(limit < 0 ? count - skip : Math.Min(limit, count - skip));
        WriteRanks(c, list, first + (int)skip, take, withScores);
    }

    /// <summary>The entries at ranks [first, first + count), best first, read a chunk at a time; WITHSCORES as in ZRANGE.</summary>
    private static void WriteRanks(CommandContext c, RankListObject? list, int first, int count, bool withScores)
    {
        count = list is null ? 0 : Math.Max(0, count);
        bool nested = withScores && c.Output.IsResp3;
        c.Output.WriteArrayHeader(withScores && !nested ? count * 2 : count);
        Span<RankedMember> chunk = stackalloc RankedMember[256];
        for (int done = 0; done < count; done += chunk.Length)
        {
            var entries = chunk[..Math.Min(chunk.Length, count - done)];
            list!.CopyRanks(first + done, entries);
            foreach (var entry in entries)
            {
                if (nested)
                    c.Output.WriteArrayHeader(2);
                c.Output.WriteBulkString(list.Members.MemberOf(entry.Id));
                if (withScores)
                    c.Output.WriteDouble(entry.Score);
            }
        }
    }

    private static bool TryWithScores(CommandContext c, int index, out bool withScores)
    {
        withScores = c.Count > index;
        if (c.Count == index || (c.Count == index + 1 && c.ArgIs(index, "WITHSCORES"u8)))
            return true;
        c.Output.WriteError(Errors.Syntax);
        return false;
    }
}
