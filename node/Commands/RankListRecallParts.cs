using Istore.Node.Engine;
using Istore.Node.Objects;
using Istore.Ranklist;

namespace Istore.Node.Commands;

/// <summary>
/// The per-shard steps of a recall the proxy runs across shards by list (<see cref="ShardedRecall"/>):
/// a list's DEPTH window read in contribution order, the window scores of given members, and
/// the exclusion test of given members (also used by the recall by shard, whose own step is
/// <see cref="RankListPartialCommand"/>). They need from a ranklist only its size, its rows by
/// rank with scores, and a member's score and rank; from an exclusion key only a member test.
/// </summary>
public static class RankListRecallParts
{
    public static void Register(HandlerTable t)
    {
        t.Add("RL.WINDOW", Window);
        t.Add("RL.WINDOWSCORE", WindowScore);
        t.Add("RL.EXCLUDED", Excluded);
        t.Add("RL.PARTIAL", RankListPartialCommand.Execute);
    }

    /// <summary>
    /// RL.WINDOW key weight depth offset count [MIN contribution] → [window length, [member, score, …]]:
    /// the rows of the top-<c>depth</c> window in non-increasing weight × score order (a negative
    /// weight reads it bottom up), from position <c>offset</c>, at most <c>count</c>, ending before
    /// the first row whose contribution is below MIN.
    /// </summary>
    private static void Window(CommandContext c)
    {
        if (!RedisNumber.TryParseDouble(c.Arg(2), out double weight))
        {
            c.Output.WriteError("ERR weight value is not a float");
            return;
        }
        if (!TryDepth(c, 3, out int depth) || !c.TryInt64(4, out long offset) || !c.TryInt64(5, out long count))
            return;
        double min = double.NegativeInfinity;
        if (c.Count == 8 && c.ArgIs(6, "MIN"u8))
        {
            if (!c.TryDouble(7, out min))
                return;
        }
        else if (c.Count != 6)
        {
            c.Output.WriteError(CommandErrors.Syntax);
            return;
        }
        if (offset < 0 || count < 0)
        {
            c.Output.WriteError("ERR offset and count must not be negative");
            return;
        }
        using var read = c.Keyspace.Lock();
        if (!c.TryRead(1, out RankListValue? list))
            return;
        int window = (int)Math.Min(depth, list?.Length ?? 0);
        int first = (int)Math.Min(offset, window);
        int take = (int)Math.Min(count, window - first);
        var rows = list is null ? [] : ReadRows(list, weight, window, first, take, min);
        c.Output.WriteArrayHeader(2);
        c.Output.WriteInteger(window);
        c.Output.WriteArrayHeader(rows.Count * 2);
        foreach (var row in rows)
        {
            c.Output.WriteBulkString(row.Member);
            c.Output.WriteDouble(row.Score);
        }
    }

    /// <summary>Window rows in contribution order from <paramref name="first"/>, at most <paramref name="take"/>, until one falls below <paramref name="min"/>.</summary>
    private static List<RankEntry> ReadRows(RankListValue list, double weight, int window, int first, int take, double min)
    {
        var rows = new List<RankEntry>(Math.Min(take, 1024));
        // A negative weight reads the window bottom up: the same ranks, visited in order, then reversed.
        list.VisitRanks(weight < 0 ? window - first - take : first, take, (member, score) => rows.Add(new RankEntry(member.ToArray(), score)));
        if (weight < 0)
            rows.Reverse();
        int kept = rows.FindIndex(row => RecallOrder.Contribution(weight, row.Score) < min);
        if (kept >= 0)
            rows.RemoveRange(kept, rows.Count - kept);
        return rows;
    }

    /// <summary>RL.WINDOWSCORE key depth member [member …] → each member's score when it ranks within the top <c>depth</c>, else null.</summary>
    private static void WindowScore(CommandContext c)
    {
        if (!TryDepth(c, 2, out int depth))
            return;
        using var read = c.Keyspace.Lock();
        if (!c.TryRead(1, out RankListValue? list))
            return;
        c.Output.WriteArrayHeader(c.Count - 3);
        for (int i = 3; i < c.Count; i++)
        {
            if (list is not null && list.TryGetScore(c.Arg(i), out double score) && (depth >= list.Length || list.RankOf(c.Arg(i)) < depth))
                c.Output.WriteDouble(score);
            else
                c.Output.WriteNull();
        }
    }

    /// <summary>
    /// RL.EXCLUDED key [member …] → 1 or 0 per member: whether RL.RECALL's EXCLUDE of this key (a
    /// set, ranklist or bloom filter; a missing key excludes nothing) leaves it out. Any other type
    /// is WRONGTYPE, with or without members, so a recall checks its exclusion keys' types with it.
    /// </summary>
    private static void Excluded(CommandContext c)
    {
        using var read = c.Keyspace.Lock();
        var type = c.Keyspace.ReadObject(c.Arg(1), out var stored);
        var exclusion = stored as IRecallExclusion;
        if (type != KeyType.None && exclusion is null)
        {
            c.Output.WriteError(Errors.WrongType);
            return;
        }
        c.Output.WriteArrayHeader(c.Count - 2);
        for (int i = 2; i < c.Count; i++)
            c.Output.WriteInteger(exclusion is not null && exclusion.Contains(c.Arg(i)) ? 1 : 0);
    }

    private static bool TryDepth(CommandContext c, int index, out int depth)
    {
        depth = 0;
        if (!c.TryInt64(index, out long value))
            return false;
        if (value < 1)
        {
            c.Output.WriteError("ERR DEPTH must be positive");
            return false;
        }
        depth = (int)Math.Min(value, int.MaxValue);
        return true;
    }
}
