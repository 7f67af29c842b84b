using Istore.Node.Objects;

namespace Istore.Node.Commands;

/// <summary>HRANDFIELD key [count [WITHVALUES]]</summary>
public static class HashRandomField
{
    public static void Execute(CommandContext c)
    {
        if (c.Count > 4 || (c.Count == 4 && !c.ArgIs(3, "WITHVALUES"u8)))
        {
            c.Output.WriteError(CommandErrors.Syntax);
            return;
        }
        long count = 0;
        if (c.Count >= 3 && !RandomPicks.TryReadCount(c, 2, out count))
            return;
        using var read = c.Keyspace.Read();
        if (!c.TryRead(1, out HashValue? hash))
            return;
        if (c.Count == 2)
        {
            if (hash is null) c.Output.WriteNull();
            else c.Output.WriteBulkString(hash.RandomField().Key);
            return;
        }
        if (hash is null || count == 0)
        {
            c.WriteEmptyArray();
            return;
        }
        var picks = Pairs(hash, count);
        bool withValues = c.Count == 4;
        bool nested = withValues && c.Output.IsResp3;
        c.Output.WriteArrayHeader(withValues && !nested ? picks.Count * 2 : picks.Count);
        foreach (var pick in picks)
        {
            if (nested) c.Output.WriteArrayHeader(2);
            c.Output.WriteBulkString(pick.Key);
            if (withValues) c.Output.WriteBulkString(pick.Value);
        }
    }

    /// <summary>Random fields: distinct for a positive count, with repeats for a negative one.</summary>
    private static List<HashField> Pairs(HashValue hash, long count)
    {
        var table = hash.RandomSource();
        return count > 0
            ? RandomPicks.Distinct(table, (int)Math.Min(count, int.MaxValue))
            : RandomPicks.WithRepeats(table, (int)-count);
    }
}
