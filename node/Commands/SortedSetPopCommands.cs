using Istore.Node.Objects;

namespace Istore.Node.Commands;

/// <summary>ZPOPMIN, ZPOPMAX, ZMPOP (deterministic: logged as received) and ZRANDMEMBER (read-only).</summary>
public static class SortedSetPopCommands
{
    public static void Register(HandlerTable t)
    {
        t.Add("ZPOPMIN", c => Pop(c, max: false));
        t.Add("ZPOPMAX", c => Pop(c, max: true));
        t.Add("ZMPOP", MultiPop);
        t.Add("ZRANDMEMBER", RandomMember);
    }

    /// <summary>
    /// ZPOPMIN/ZPOPMAX key [count]: flat member, score pairs, except in RESP3 with a count, where
    /// each pair is its own array (Redis 7).
    /// </summary>
    private static void Pop(CommandContext c, bool max)
    {
        if (c.Count > 3)
        {
            c.Output.WriteError(CommandErrors.Syntax);
            return;
        }
        long count = 1;
        if (c.Count == 3)
        {
            if (!TryReadAtLeast(c, 2, 0, "ERR value is out of range, must be positive", out count))
                return;
        }
        using var write = c.Keyspace.Lock();
        if (!c.TryRead(1, out SortedSetValue? zset))
            return;
        if (zset is null || count == 0)
        {
            c.WriteEmptyArray();
            return;
        }
        var popped = PopFrom(c, 1, zset, max, count);
        bool nested = c.Count == 3 && c.Output.IsResp3;
        c.Output.WriteArrayHeader(nested ? popped.Count : popped.Count * 2);
        foreach (var blob in popped)
            SortedSetReply.WriteEntry(c, blob, withScore: true, nested);
    }

    /// <summary>ZMPOP numkeys key [key …] MIN|MAX [COUNT count]: [key, [[member, score] …]] from the first non-empty set, or a null array.</summary>
    private static void MultiPop(CommandContext c)
    {
        if (!MultiPopArguments.TryParse(c, 1, out var pop))
            return;
        using var write = c.Keyspace.Lock();
        for (int i = pop.FirstKey; i <= pop.LastKey; i++)
        {
            if (!c.TryRead(i, out SortedSetValue? zset))
                return;
            if (zset is null)
                continue;
            WriteMultiPopReply(c.Output, c.Arg(i), PopFrom(c, i, zset, pop.Max, pop.Count));
            return;
        }
        c.Output.WriteNullArray();
    }

    /// <summary>[key, [[member, score] …]], the reply of ZMPOP and BZMPOP.</summary>
    public static void WriteMultiPopReply(Istore.Net.Resp.RespWriter output, ReadOnlySpan<byte> key, List<byte[]> popped)
    {
        output.WriteArrayHeader(2);
        output.WriteBulkString(key);
        output.WriteArrayHeader(popped.Count);
        foreach (var blob in popped)
            SortedSetReply.WriteEntry(output, blob, withScore: true, nested: true);
    }

    /// <summary>The arguments of ZMPOP and BZMPOP from their numkeys on: keys, MIN|MAX, COUNT.</summary>
    public readonly record struct MultiPopArguments(int FirstKey, int LastKey, bool Max, long Count)
    {
        public static bool TryParse(CommandContext c, int numKeysIndex, out MultiPopArguments parsed)
        {
            parsed = default;
            if (!TryReadAtLeast(c, numKeysIndex, 1, "ERR numkeys should be greater than 0", out long keys))
                return false;
            int whereAt = numKeysIndex + 1 + (int)Math.Min(keys, int.MaxValue - numKeysIndex - 1);
            if (keys > c.Count - numKeysIndex - 2 || !(c.ArgIs(whereAt, "MIN"u8) || c.ArgIs(whereAt, "MAX"u8)))
            {
                c.Output.WriteError(CommandErrors.Syntax);
                return false;
            }
            long count = 1;
            if (c.Count > whereAt + 1)
            {
                if (c.Count < whereAt + 3 || !c.ArgIs(whereAt + 1, "COUNT"u8))
                {
                    c.Output.WriteError(CommandErrors.Syntax);
                    return false;
                }
                if (!TryReadAtLeast(c, whereAt + 2, 1, "ERR count should be greater than 0", out count))
                    return false;
                if (c.Count > whereAt + 3)
                {
                    c.Output.WriteError(CommandErrors.Syntax);
                    return false;
                }
            }
            parsed = new MultiPopArguments(numKeysIndex + 1, whereAt - 1, c.ArgIs(whereAt, "MAX"u8), count);
            return true;
        }
    }

    /// <summary>Redis's getRangeLongFromObjectOrReply: one error for a bad number and a number below <paramref name="minimum"/> alike.</summary>
    private static bool TryReadAtLeast(CommandContext c, int index, long minimum, string error, out long value)
    {
        if (RedisNumber.TryParseInt64(c.Arg(index), out value) && value >= minimum)
            return true;
        c.Output.WriteError(error);
        return false;
    }

    /// <summary>Removes up to <paramref name="count"/> lowest (or highest) entries, best first; logs the command.</summary>
    private static List<byte[]> PopFrom(CommandContext c, int keyIndex, SortedSetValue zset, bool max, long count)
    {
        var popped = zset.Pop(count, max);
        c.Notify(PubSub.NotifyClass.ZSet, max ? "zpopmax"u8 : "zpopmin"u8, c.Arg(keyIndex));
        c.Keyspace.ObjectChanged(c.Arg(keyIndex), zset);
        c.Keyspace.LogCommand(c.Args);
        return popped;
    }

    /// <summary>ZRANDMEMBER key [count [WITHSCORES]]</summary>
    private static void RandomMember(CommandContext c)
    {
        long count = 0;
        if (c.Count >= 3 && !RandomPicks.TryReadCount(c, 2, out count))
            return;
        if (c.Count > 4 || (c.Count == 4 && !c.ArgIs(3, "WITHSCORES"u8)))
        {
            c.Output.WriteError(CommandErrors.Syntax);
            return;
        }
        using var read = c.Keyspace.Read();
        if (!c.TryRead(1, out SortedSetValue? zset))
            return;
        if (c.Count == 2)
        {
            if (zset is null) c.Output.WriteNull();
            else c.Output.WriteBulkString(zset.RandomEntry().Key);
            return;
        }
        if (zset is null || count == 0)
        {
            c.WriteEmptyArray();
            return;
        }
        var source = zset.RandomSource();
        var picks = count > 0
            ? RandomPicks.Distinct(source, (int)Math.Min(count, int.MaxValue))
            : RandomPicks.WithRepeats(source, (int)-count);
        SortedSetReply.WriteEntries(c, picks.ConvertAll(pick => pick.Blob), withScores: c.Count == 4);
    }
}
