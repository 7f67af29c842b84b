using Istore.Node.Engine;
using Istore.Node.Objects;
using Istore.Ranklist;

namespace Istore.Node.Commands;

/// <summary>
/// RL.RECALL count LISTS n key weight [key weight …] [AGG SUM|MAX] [DEPTH d] [EXCLUDE m key [key …]] [WITHSCORES]:
/// the exact top <c>count</c> by aggregated score (<see cref="Recall"/>). Every argument is checked
/// (<see cref="RecallArguments"/>, shared with the proxy) before any key is read; a missing list is empty, a missing exclusion excludes nothing.
/// </summary>
public static class RankListRecallCommand
{
    public static void Execute(CommandContext c)
    {
        var request = RecallArguments.Parse(c.Args, out string? error);
        if (request is null)
        {
            c.Output.WriteError(error!);
            return;
        }
        using var read = c.Keyspace.Lock();
        var lists = new List<WeightedList>(request.Lists.Count);
        MemberTable? members = null;
        foreach (var (keyAt, weight) in request.Lists)
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
        RecallReply.Write(c.Output, top, request.WithScores);
    }
}
