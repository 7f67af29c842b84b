using Istore.Node.Engine;
using Istore.Node.Objects;
using Istore.Ranklist;

namespace Istore.Node.Commands;

/// <summary>
/// RL.RECALL count LISTS n key weight [key weight …] [AGG SUM|MAX] [DEPTH d] [EXCLUDE m key [key …]] [WITHSCORES]:
/// the exact top <c>count</c> by aggregated score (<see cref="Recall"/>). Every argument is checked
/// before any key is read; a missing list is empty, a missing exclusion excludes nothing.
/// </summary>
public static class RankListRecallCommand
{
    /// <summary>The largest count served: a recall returns a page of candidates, not a whole index.</summary>
    public const int MaxCount = 100_000;

    public static void Execute(CommandContext c)
    {
        if (!TryParse(c, out var request))
            return;
        using var read = c.Keyspace.Lock();
        var lists = new List<WeightedList>(request.ListKeys.Count);
        MemberTable? members = null;
        foreach (var (keyAt, weight) in request.ListKeys)
        {
            if (!c.TryRead(keyAt, out RankListValue? list))
                return;
            if (list is not null)
                lists.Add(new WeightedList(list.OpenRecall(ref members, request.Depth), weight));
        }
        var exclusions = new List<IRecallExclusion>(request.ExcludeKeys.Count);
        foreach (int keyAt in request.ExcludeKeys)
        {
            var type = c.Keyspace.ReadObject(c.Arg(keyAt), out var stored);
            if (type == KeyType.None)
                continue;
            if (stored is not IRecallExclusion exclusion)
            {
                c.Output.WriteError(Errors.WrongType);
                return;
            }
            exclusions.Add(exclusion);
        }
        var top = members is null ? [] : Recall.TopK(new RecallQuery(members, request.Count, lists, request.Aggregate, request.Depth, exclusions));
        c.Output.WriteArrayHeader(request.WithScores && !c.Output.IsResp3 ? top.Count * 2 : top.Count);
        foreach (var entry in top)
        {
            if (request.WithScores && c.Output.IsResp3)
                c.Output.WriteArrayHeader(2);
            c.Output.WriteBulkString(entry.Member.Span);
            if (request.WithScores)
                c.Output.WriteDouble(entry.Score);
        }
    }

    private sealed class Request
    {
        public int Count;
        public readonly List<(int KeyAt, double Weight)> ListKeys = [];
        public RecallAggregate Aggregate = RecallAggregate.Sum;
        public int Depth = int.MaxValue;
        public readonly List<int> ExcludeKeys = [];
        public bool WithScores;
    }

    private static bool TryParse(CommandContext c, out Request request)
    {
        request = new Request();
        if (!c.TryInt64(1, out long count))
            return false;
        if (count < 1 || count > MaxCount)
            return Fail(c, $"ERR count must be between 1 and {MaxCount}");
        request.Count = (int)count;
        if (!c.ArgIs(2, "LISTS"u8))
            return Fail(c, Errors.Syntax);
        if (!c.TryInt64(3, out long lists))
            return false;
        if (lists < 1)
            return Fail(c, "ERR at least 1 list is needed");
        if (lists > (c.Count - 4) / 2)
            return Fail(c, "ERR number of lists doesn't match the key weight pairs given");
        for (int i = 4; i < 4 + 2 * lists; i += 2)
        {
            if (!RedisNumber.TryParseDouble(c.Arg(i + 1), out double weight))
                return Fail(c, "ERR weight value is not a float");
            request.ListKeys.Add((i, weight));
        }
        for (int i = 4 + 2 * (int)lists; i < c.Count; i++)
        {
            if (c.ArgIs(i, "WITHSCORES"u8))
                request.WithScores = true;
            else if (c.ArgIs(i, "AGG"u8) && i + 1 < c.Count)
            {
                if (c.ArgIs(++i, "SUM"u8)) request.Aggregate = RecallAggregate.Sum;
                else if (c.ArgIs(i, "MAX"u8)) request.Aggregate = RecallAggregate.Max;
                else return Fail(c, Errors.Syntax);
            }
            else if (c.ArgIs(i, "DEPTH"u8) && i + 1 < c.Count)
            {
                if (!c.TryInt64(++i, out long depth))
                    return false;
                if (depth < 1)
                    return Fail(c, "ERR DEPTH must be positive");
                request.Depth = (int)Math.Min(depth, int.MaxValue);
            }
            else if (c.ArgIs(i, "EXCLUDE"u8) && i + 1 < c.Count)
            {
                if (!c.TryInt64(++i, out long keys))
                    return false;
                if (keys < 1 || keys > c.Count - i - 1)
                    return Fail(c, "ERR number of EXCLUDE keys doesn't match the keys given");
                for (int k = 0; k < keys; k++)
                    request.ExcludeKeys.Add(++i);
            }
            else
                return Fail(c, Errors.Syntax);
        }
        return true;
    }

    private static bool Fail(CommandContext c, string error)
    {
        c.Output.WriteError(error);
        return false;
    }
}
