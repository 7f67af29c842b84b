using Istore.Node.Objects;

namespace Istore.Node.Commands;

/// <summary>SPOP and SRANDMEMBER: random members, distinct for a positive count, repeated for a negative one.</summary>
public static class SetRandomCommands
{
    /// <summary>
    /// SPOP key [count]. The choice is random, so the log records what was chosen: SREM of the
    /// popped members, or DEL when the whole set went.
    /// </summary>
    public static void Pop(CommandContext c)
    {
        if (c.Count > 3)
        {
            c.Output.WriteError(CommandErrors.Syntax);
            return;
        }
        long count = 1;
        if (c.Count == 3 && (!RedisNumber.TryParseInt64(c.Arg(2), out count) || count < 0))
        {
            c.Output.WriteError("ERR value is out of range, must be positive");
            return;
        }
        using var write = c.Keyspace.Lock();
        if (!c.TryRead(1, out SetValue? set))
            return;
        if (c.Count == 2)
        {
            if (set is null) c.Output.WriteNull();
            else c.Output.WriteBulkString(PopOne(c, set));
            return;
        }
        if (set is null || count == 0)
        {
            c.Output.WriteSetHeader(0);
            return;
        }
        if (count >= set.Length)
        {
            SetCommands.WriteMembers(c, set);
            c.Notify(PubSub.NotifyClass.Set, "spop"u8, c.Arg(1));
            c.Keyspace.DeleteUnlogged(c.Arg(1));
            c.Notify(PubSub.NotifyClass.Generic, "del"u8, c.Arg(1));
            using var log = c.Keyspace.BeginRecord(2);
            log.Arg("DEL"u8);
            log.Arg(c.Arg(1));
            return;
        }
        var picks = RandomPicks.Distinct(set.RandomSource(), (int)count);
        c.Output.WriteSetHeader(picks.Count);
        foreach (var pick in picks)
        {
            set.Remove(pick.Key);
            c.Output.WriteBulkString(pick.Key);
        }
        c.Notify(PubSub.NotifyClass.Set, "spop"u8, c.Arg(1));
        c.Keyspace.ObjectChanged(c.Arg(1), set);
        LogRemoval(c, picks);
    }

    private static byte[] PopOne(CommandContext c, SetValue set)
    {
        var member = set.RandomMember().Member;
        set.Remove(member);
        c.Notify(PubSub.NotifyClass.Set, "spop"u8, c.Arg(1));
        c.Keyspace.ObjectChanged(c.Arg(1), set);
        LogRemoval(c, [new SetMember(member)]);
        return member;
    }

    private static void LogRemoval(CommandContext c, List<SetMember> removed)
    {
        using var log = c.Keyspace.BeginRecord(2 + removed.Count);
        log.Arg("SREM"u8);
        log.Arg(c.Arg(1));
        foreach (var member in removed)
            log.Arg(member.Key);
    }

    /// <summary>SRANDMEMBER key [count]: an array of picks for a count (even in RESP3), a bulk string without.</summary>
    public static void RandomMember(CommandContext c)
    {
        if (c.Count > 3)
        {
            c.Output.WriteError(CommandErrors.Syntax);
            return;
        }
        long count = 0;
        if (c.Count == 3 && !TryReadCount(c, out count))
            return;
        using var read = c.Keyspace.Read();
        if (!c.TryRead(1, out SetValue? set))
            return;
        if (c.Count == 2)
        {
            if (set is null) c.Output.WriteNull();
            else c.Output.WriteBulkString(set.RandomMember().Key);
            return;
        }
        if (set is null || count == 0)
        {
            c.WriteEmptyArray();
            return;
        }
        var members = set.RandomSource();
        var picks = count > 0
            ? RandomPicks.Distinct(members, (int)Math.Min(count, int.MaxValue))
            : RandomPicks.WithRepeats(members, (int)-count);
        c.Output.WriteArrayHeader(picks.Count);
        foreach (var pick in picks)
            c.Output.WriteBulkString(pick.Key);
    }

    /// <summary>
    /// Redis's range (any long but the most negative, whose negation overflows), plus our cap on
    /// repeats: Redis would try to build a reply of any size, we refuse one that cannot fit in memory.
    /// </summary>
    private static bool TryReadCount(CommandContext c, out long count)
    {
        if (!c.TryInt64(2, out count))
            return false;
        if (count == long.MinValue)
        {
            c.Output.WriteError("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
            return false;
        }
        if (count < -RandomPicks.MaxRepeatedPicks)
        {
            c.Output.WriteError("ERR value is out of range");
            return false;
        }
        return true;
    }
}
