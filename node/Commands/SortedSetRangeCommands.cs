using Istore.Node.Objects;

namespace Istore.Node.Commands;

/// <summary>ZRANGE and its relatives, ZRANGESTORE, ZCOUNT, ZLEXCOUNT and ZREMRANGEBY*, on a <see cref="SortedSetRange"/>.</summary>
public static class SortedSetRangeCommands
{
    public static void Register(HandlerTable t)
    {
        t.Add("ZRANGE", c => Range(c, kind: null, reverse: null, store: false));
        t.Add("ZRANGESTORE", c => Range(c, kind: null, reverse: null, store: true));
        t.Add("ZREVRANGE", c => Range(c, SortedSetRangeKind.Rank, reverse: true, store: false));
        t.Add("ZRANGEBYSCORE", c => Range(c, SortedSetRangeKind.Score, reverse: false, store: false));
        t.Add("ZREVRANGEBYSCORE", c => Range(c, SortedSetRangeKind.Score, reverse: true, store: false));
        t.Add("ZRANGEBYLEX", c => Range(c, SortedSetRangeKind.Lex, reverse: false, store: false));
        t.Add("ZREVRANGEBYLEX", c => Range(c, SortedSetRangeKind.Lex, reverse: true, store: false));
        t.Add("ZCOUNT", c => Count(c, SortedSetRangeKind.Score));
        t.Add("ZLEXCOUNT", c => Count(c, SortedSetRangeKind.Lex));
        t.Add("ZREMRANGEBYRANK", c => RemoveRange(c, SortedSetRangeKind.Rank));
        t.Add("ZREMRANGEBYSCORE", c => RemoveRange(c, SortedSetRangeKind.Score));
        t.Add("ZREMRANGEBYLEX", c => RemoveRange(c, SortedSetRangeKind.Lex));
    }

    /// <summary>
    /// Redis's zrangeGenericCommand: [ZRANGESTORE dst] src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES].
    /// The older commands fix the kind and direction, so repeating them is a syntax error there.
    /// </summary>
    private static void Range(CommandContext c, SortedSetRangeKind? kind, bool? reverse, bool store)
    {
        int keyAt = store ? 2 : 1;
        bool withScores = false;
        long offset = 0, limit = -1;
        for (int i = keyAt + 3; i < c.Count; i++)
        {
            if (!store && c.ArgIs(i, "WITHSCORES"u8))
                withScores = true;
            else if (c.ArgIs(i, "LIMIT"u8) && c.Count - i - 1 >= 2)
            {
                if (!c.TryInt64(i + 1, out offset) || !c.TryInt64(i + 2, out limit))
                    return;
                i += 2;
            }
            else if (reverse is null && c.ArgIs(i, "REV"u8))
                reverse = true;
            else if (kind is null && c.ArgIs(i, "BYSCORE"u8))
                kind = SortedSetRangeKind.Score;
            else if (kind is null && c.ArgIs(i, "BYLEX"u8))
                kind = SortedSetRangeKind.Lex;
            else
            {
                c.Output.WriteError(CommandErrors.Syntax);
                return;
            }
        }
        var range = new SortedSetRange(kind ?? SortedSetRangeKind.Rank, reverse ?? false) { Offset = offset, Limit = limit };
        if (limit != -1 && range.Kind == SortedSetRangeKind.Rank)
        {
            c.Output.WriteError("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
            return;
        }
        if (withScores && range.Kind == SortedSetRangeKind.Lex)
        {
            c.Output.WriteError("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
            return;
        }
        if (!range.TryParseBounds(c, keyAt + 1))
            return;

        if (store)
        {
            using var write = c.Keyspace.Lock();
            if (c.TryRead(keyAt, out SortedSetValue? source))
                SortedSetReply.Store(c, 1, SortedSetReply.ToSortedSet(source is null ? [] : range.Select(source)));
            return;
        }
        using var read = c.Keyspace.Read();
        if (c.TryRead(keyAt, out SortedSetValue? zset))
            SortedSetReply.WriteEntries(c, zset is null ? [] : range.Select(zset), withScores);
    }

    /// <summary>ZCOUNT key min max, ZLEXCOUNT key min max.</summary>
    private static void Count(CommandContext c, SortedSetRangeKind kind)
    {
        var range = new SortedSetRange(kind, reverse: false);
        if (!range.TryParseBounds(c, 2))
            return;
        using var read = c.Keyspace.Read();
        if (c.TryRead(1, out SortedSetValue? zset))
            c.Output.WriteInteger(zset is null ? 0 : range.Count(zset));
    }

    /// <summary>ZREMRANGEBYRANK/SCORE/LEX key min max: the number removed.</summary>
    private static void RemoveRange(CommandContext c, SortedSetRangeKind kind)
    {
        var range = new SortedSetRange(kind, reverse: false);
        if (!range.TryParseBounds(c, 2))
            return;
        using var write = c.Keyspace.Lock();
        if (!c.TryRead(1, out SortedSetValue? zset))
            return;
        int removed = 0;
        if (zset is not null)
        {
            var entries = range.Select(zset);
            zset.RemoveEntries(entries);
            removed = entries.Count;
            if (removed > 0)
            {
                c.NotifyAsCommand(PubSub.NotifyClass.ZSet, c.Arg(1));
                c.Keyspace.ObjectChanged(c.Arg(1), zset);
                c.Keyspace.LogCommand(c.Args);
            }
        }
        c.Output.WriteInteger(removed);
    }
}
