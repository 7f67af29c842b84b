using Istore.Node.Objects;

namespace Istore.Node.Commands;

/// <summary>The ranklist family's writes and point reads (RL.ADD … RL.TRIM) on <see cref="RankListValue"/>, whichever engine holds it; ranges and recall live beside it.</summary>
public static class RankListCommands
{
    public static void Register(HandlerTable t)
    {
        t.Add("RL.ADD", Add);
        t.Add("RL.INCRBY", IncrBy);
        t.Add("RL.REM", static c => c.RemoveEach(static (RankListValue list, ReadOnlySpan<byte> member) => list.Remove(member)));
        t.Add("RL.CARD", static c => c.WriteLength<RankListValue>());
        t.Add("RL.SCORE", Score);
        t.Add("RL.RANK", Rank);
        t.Add("RL.TRIM", Trim);
        RankListRangeCommands.Register(t);
        t.Add("RL.RECALL", RankListRecallCommand.Execute);
        RankListRecallParts.Register(t);
        BloomCommands.Register(t);
    }

    [Flags]
    private enum AddOptions { None = 0, Nx = 1, Xx = 2, Gt = 4, Lt = 8 }

    /// <summary>RL.ADD key [MAXLEN n] [NX|XX] [GT|LT] score member [score member …] → members added (before any eviction).</summary>
    private static void Add(CommandContext c)
    {
        var options = AddOptions.None;
        long maxLength = 0;
        int i = 2;
        for (; i < c.Count; i++)
        {
            if (c.ArgIs(i, "NX"u8)) options |= AddOptions.Nx;
            else if (c.ArgIs(i, "XX"u8)) options |= AddOptions.Xx;
            else if (c.ArgIs(i, "GT"u8)) options |= AddOptions.Gt;
            else if (c.ArgIs(i, "LT"u8)) options |= AddOptions.Lt;
            else if (c.ArgIs(i, "MAXLEN"u8) && i + 1 < c.Count)
            {
                if (!c.TryInt64(++i, out maxLength))
                    return;
                if (maxLength <= 0)
                {
                    c.Output.WriteError("ERR MAXLEN must be positive");
                    return;
                }
            }
            else break;
        }
        if (options.HasFlag(AddOptions.Nx) && options.HasFlag(AddOptions.Xx))
        {
            c.Output.WriteError("ERR XX and NX options at the same time are not compatible");
            return;
        }
        if ((options & (AddOptions.Gt | AddOptions.Lt)) != 0 && (options & (AddOptions.Nx | AddOptions.Gt | AddOptions.Lt)) is not (AddOptions.Gt or AddOptions.Lt))
        {
            c.Output.WriteError("ERR GT, LT, and/or NX options at the same time are not compatible");
            return;
        }
        int pairs = c.Count - i;
        if (pairs == 0 || pairs % 2 != 0)
        {
            c.Output.WriteError(CommandErrors.Syntax);
            return;
        }
        var scores = new double[pairs / 2];
        for (int p = 0; p < scores.Length; p++)
            if (!c.TryDouble(i + 2 * p, out scores[p]))
                return;

        using var write = c.Keyspace.Lock();
        if (!c.TryOpen(1, static () => (RankListValue)new RankListObject(), out var list))
            return;
        long added = 0;
        bool changed = maxLength > 0 && list.MaxLength != maxLength;
        for (int p = 0; p < scores.Length; p++)
        {
            var member = c.Arg(i + 2 * p + 1);
            bool exists = list.TryGetScore(member, out double old);
            if ((exists && options.HasFlag(AddOptions.Nx)) || (!exists && options.HasFlag(AddOptions.Xx)))
                continue;
            if (exists && ((options.HasFlag(AddOptions.Gt) && scores[p] <= old) || (options.HasFlag(AddOptions.Lt) && scores[p] >= old)))
                continue;
            if (list.Set(member, scores[p]))
                added++;
            changed |= !exists || old != scores[p];
        }
        if (maxLength > 0)
            list.MaxLength = maxLength;
        changed |= list.EnforceMaxLength() > 0;
        c.Keyspace.ObjectChanged(c.Arg(1), list);
        if (changed)
            c.Keyspace.LogCommand(c.Args);
        c.Output.WriteInteger(added);
    }

    /// <summary>RL.INCRBY key increment member → the new score (the member is created at 0 + increment).</summary>
    private static void IncrBy(CommandContext c)
    {
        if (!c.TryDouble(2, out double increment))
            return;
        using var write = c.Keyspace.Lock();
        if (!c.TryOpen(1, static () => (RankListValue)new RankListObject(), out var list))
            return;
        list.TryGetScore(c.Arg(3), out double old);
        double score = old + increment;
        if (double.IsNaN(score))
        {
            c.Keyspace.ObjectChanged(c.Arg(1), list);
            c.Output.WriteError("ERR resulting score is not a number (NaN)");
            return;
        }
        list.Set(c.Arg(3), score);
        list.EnforceMaxLength();
        c.Keyspace.ObjectChanged(c.Arg(1), list);
        c.Keyspace.LogCommand(c.Args);
        c.Output.WriteDouble(score);
    }

    /// <summary>RL.SCORE key member [member …] → one score (or null) per member.</summary>
    private static void Score(CommandContext c)
    {
        using var read = c.Keyspace.Read();
        if (!c.TryRead(1, out RankListValue? list))
            return;
        c.Output.WriteArrayHeader(c.Count - 2);
        for (int i = 2; i < c.Count; i++)
        {
            if (list is not null && list.TryGetScore(c.Arg(i), out double score))
                c.Output.WriteDouble(score);
            else
                c.Output.WriteNull();
        }
    }

    private static void Rank(CommandContext c)
    {
        using var read = c.Keyspace.Read();
        if (!c.TryRead(1, out RankListValue? list))
            return;
        long rank = list?.RankOf(c.Arg(2)) ?? -1;
        if (rank < 0) c.Output.WriteNull();
        else c.Output.WriteInteger(rank);
    }

    /// <summary>RL.TRIM key maxlen → how many of the lowest members were removed.</summary>
    private static void Trim(CommandContext c)
    {
        if (!c.TryInt64(2, out long maxLength))
            return;
        if (maxLength < 0)
        {
            c.Output.WriteError("ERR maxlen must not be negative");
            return;
        }
        using var write = c.Keyspace.Lock();
        if (!c.TryRead(1, out RankListValue? list))
            return;
        long removed = list?.Trim(maxLength) ?? 0;
        if (removed > 0)
        {
            c.Keyspace.ObjectChanged(c.Arg(1), list!);
            c.Keyspace.LogCommand(c.Args);
        }
        c.Output.WriteInteger(removed);
    }
}
