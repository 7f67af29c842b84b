using System.Buffers;
using Istore.Node.Engine;
using Istore.Node.Objects;
using Istore.Ranklist;

namespace Istore.Node.Commands;

/// <summary>
/// RL.PARTIAL numkeys key weight [key weight …] depth SUM|MAX (TOP count | ABOVE min | SCORES member [member …]):
/// this shard's part of a recall the proxy runs by shard (<see cref="GroupedRecall"/>), over the
/// lists named here, all of which this node holds. TOP gives the best members by their partial
/// aggregate over these lists, ABOVE every member whose partial is at least min, SCORES the given
/// members. Reply: [non-negative, complete, rows] — whether no window holds a negative contribution,
/// whether the rows are every member of the windows (TOP, ABOVE), and the rows with each one's score
/// in each list's DEPTH window, in <see cref="PartialRowFormat"/>'s binary form.
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
            c.Output.WriteError(CommandErrors.Syntax);
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
            c.Output.WriteError(CommandErrors.Syntax);
            return;
        }
        int mode = tail + 2;
        long count = 0;
        double min = 0;
        bool top = c.ArgIs(mode, "TOP"u8), above = c.ArgIs(mode, "ABOVE"u8), scores = c.ArgIs(mode, "SCORES"u8);
        if ((top || above) && c.Count != mode + 2 || !(top || above || scores))
        {
            c.Output.WriteError(CommandErrors.Syntax);
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
        var lists = new WeightedList?[n];
        MemberTable? members = null;
        for (int i = 0; i < n; i++)
        {
            if (!c.TryRead(2 + 2 * i, out RankListValue? list))
                return;
            if (list is not null)
                lists[i] = new WeightedList(list.OpenRecall(ref members, depth), weights[i]);
        }
        var partial = members is null ? null : new PartialRecall(members, lists, aggregate, depth);
        bool complete = true;
        List<int> ids;
        List<byte[]> names;
        if (scores)
        {
            names = [.. Enumerable.Range(mode + 1, c.Count - mode - 1).Select(a => c.Arg(a).ToArray())];
            ids = [.. names.Select(name => members?.Find(name) ?? -1)];
        }
        else
        {
            ids = partial is null ? [] : top ? partial.Top((int)count, out complete) : partial.AtLeast(min, out complete);
            names = [.. ids.Select(id => members!.BytesOf(id))];
        }
        var rows = partial?.ScoresOf(ids) ?? new PartialRows(ids.Count, (int)n);
        c.Output.WriteArrayHeader(3);
        c.Output.WriteInteger(partial is null || partial.NonNegative() ? 1 : 0);
        c.Output.WriteInteger(complete ? 1 : 0);
        int size = PartialRowFormat.SizeOf(rows, names);
        var blob = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            PartialRowFormat.Write(rows, names, blob.AsSpan(0, size));
            c.Output.WriteBulkString(blob.AsSpan(0, size));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(blob);
        }
    }
}
