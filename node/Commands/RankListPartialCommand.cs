using Istore.Node.Engine;
using Istore.Node.Objects;
using Istore.Ranklist;

namespace Istore.Node.Commands;

/// <summary>
/// RL.PARTIAL numkeys key weight [key weight …] depth SUM|MAX (TOP count | ABOVE min | SCORES member [member …]):
/// this shard's part of a recall the proxy runs by shard (<see cref="GroupedRecall"/>), over the
/// lists named here, all of which this node holds. TOP gives the best members by their partial
/// aggregate over these lists, ABOVE every member whose partial is at least min, SCORES the given
/// members. Reply: [non-negative, complete, [member, score in list 1 or null, …, score in list n or
/// null, member, …]] — whether no window holds a negative contribution, whether the rows are every
/// member of the windows (TOP, ABOVE), and each row's score in each list's DEPTH window.
/// </summary>
public static class RankListPartialCommand
{
    public static void Execute(CommandContext c)
    {
        if (!c.TryInt64(1, out long n))
            return;
        int tail = 2 + 2 * (int)Math.Clamp(n, 0, c.Count);
        if (n < 1 || tail + 3 > c.Count)
        {
            c.Output.WriteError(Errors.Syntax);
            return;
        }
        var weights = new double[n];
        for (int i = 0; i < n; i++)
            if (!RedisNumber.TryParseDouble(c.Arg(3 + 2 * i), out weights[i]))
            {
                c.Output.WriteError("ERR weight value is not a float");
                return;
            }
        if (!c.TryInt64(tail, out long depthArg))
            return;
        if (depthArg < 1)
        {
            c.Output.WriteError("ERR DEPTH must be positive");
            return;
        }
        int depth = (int)Math.Min(depthArg, int.MaxValue);
        RecallAggregate aggregate;
        if (c.ArgIs(tail + 1, "SUM"u8)) aggregate = RecallAggregate.Sum;
        else if (c.ArgIs(tail + 1, "MAX"u8)) aggregate = RecallAggregate.Max;
        else
        {
            c.Output.WriteError(Errors.Syntax);
            return;
        }
        int mode = tail + 2;
        long count = 0;
        double min = 0;
        bool top = c.ArgIs(mode, "TOP"u8), above = c.ArgIs(mode, "ABOVE"u8), scores = c.ArgIs(mode, "SCORES"u8);
        if ((top || above) && c.Count != mode + 2 || !(top || above || scores))
        {
            c.Output.WriteError(Errors.Syntax);
            return;
        }
        if (top && !c.TryInt64(mode + 1, out count) || above && !c.TryDouble(mode + 1, out min))
            return;
        if (top && (count < 1 || count > RecallArguments.MaxCount))
        {
            c.Output.WriteError($"ERR count must be between 1 and {RecallArguments.MaxCount}");
            return;
        }

        using var read = c.Keyspace.Lock();
        var opened = new IRecallList?[n];
        var lists = new List<WeightedList>((int)n);
        MemberTable? members = null;
        for (int i = 0; i < n; i++)
        {
            if (!c.TryRead(2 + 2 * i, out RankListValue? list))
                return;
            if (list is null)
                continue;
            opened[i] = list.OpenRecall(ref members, depth);
            lists.Add(new WeightedList(opened[i]!, weights[i]));
        }
        var windows = opened.Select(list => new PartialRecall.Window(list, members, depth)).ToArray();
        var query = members is null ? null : new RecallQuery(members, (int)Math.Max(count, 1), lists, aggregate, depth);
        bool complete = true;
        List<RecallEntry> rows = query is null || scores ? []
            : top ? PartialRecall.Top(query, out complete)
            : PartialRecall.AtLeast(query, min, out complete);

        c.Output.WriteArrayHeader(3);
        c.Output.WriteInteger(query is null || PartialRecall.NonNegative(query) ? 1 : 0);
        c.Output.WriteInteger(complete ? 1 : 0);
        if (scores)
        {
            c.Output.WriteArrayHeader((c.Count - mode - 1) * (1 + (int)n));
            for (int a = mode + 1; a < c.Count; a++)
                WriteRow(c, windows, c.Arg(a), members?.Find(c.Arg(a)) ?? -1);
            return;
        }
        c.Output.WriteArrayHeader(rows.Count * (1 + (int)n));
        foreach (var row in rows)
            WriteRow(c, windows, row.Member.Span, members!.Find(row.Member.Span));
    }

    private static void WriteRow(CommandContext c, PartialRecall.Window[] windows, ReadOnlySpan<byte> member, int id)
    {
        c.Output.WriteBulkString(member);
        foreach (var window in windows)
        {
            if (window.TryGetScore(id, out double score))
                c.Output.WriteDouble(score);
            else
                c.Output.WriteNull();
        }
    }
}
