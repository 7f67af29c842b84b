using System.Diagnostics;
using Istore.Node.Admin;
using Istore.Node.Engine;
using Istore.Node.Keyspace;
using Istore.Node.Objects;
using Istore.Ranklist;

namespace Istore.Node.Commands;

/// <summary>
/// RL.RECALL count LISTS n key weight [key weight …] [AGG SUM|MAX] [DEPTH d] [EXCLUDE m key [key …]] [WITHSCORES]:
/// the exact top <c>count</c> by aggregated score (<see cref="Recall"/>). Every argument is checked
/// (<see cref="RecallArguments"/>, shared with the proxy) before any key is read; a missing list is empty, a missing exclusion excludes nothing.
/// A recall merges for milliseconds, so it runs off the event loop, whose other clients go on
/// meanwhile; its client waits as a blocked one does (inside MULTI or a script it runs in place).
/// </summary>
public static class RankListRecallCommand
{
    private readonly record struct Outcome(List<RecallEntry>? Top, string? Error);

    public static void Execute(CommandContext c)
    {
        var request = RecallArguments.Parse(c.Args, out string? error);
        if (request is null)
        {
            c.Output.WriteError(error!);
            return;
        }
        // Copies: the receive buffer is reused while the recall runs elsewhere.
        var listKeys = request.Lists.Select(list => c.Args.ToArray(list.KeyAt)).ToArray();
        var excludeKeys = request.ExcludeKeys.Select(c.Args.ToArray).ToArray();
        if (c.Client.InTransaction)
        {
            Reply(c.Output, request, Run(c.Keyspace, request, listKeys, excludeKeys));
            return;
        }
        var connection = c.Connection;
        var slowLog = BlockedSlowLog.For(c);
        var stats = new BlockedCallStats(c.Stats, c.Spec, Stopwatch.GetTimestamp() - c.StartedTicks, c.Node.Stats);
        var db = c.Keyspace.Database;
        bool noTouch = c.Keyspace.NoTouch;
        c.AnsweredLater = true;
        connection.Suspend();
        ThreadPool.UnsafeQueueUserWorkItem(_ =>
        {
            long started = Stopwatch.GetTimestamp();
            Outcome outcome;
            try
            {
                lock (db.WriteLock)
                {
                    var keyspace = db.OffLoopSession;
                    keyspace.CommandStarts();
                    keyspace.NoTouch = noTouch;
                    outcome = Run(keyspace, request, listKeys, excludeKeys);
                }
            }
            catch (Exception ex)
            {
                outcome = new(null, "ERR " + ex.Message);
            }
            long ran = Stopwatch.GetTimestamp() - started;
            connection.Resume(r =>
            {
                int start = r.Output.Length;
                Reply(r.Output, request, outcome);
                slowLog?.Answered(ran);
                stats.Answered(ran, r.Output.WrittenSpan[start..]);
            });
        }, null);
    }

    /// <summary>The recall under the write lock; members are copied out, since the lists may change once it is released.</summary>
    private static Outcome Run(KeyspaceSession keyspace, RecallArguments request, byte[][] listKeys, byte[][] excludeKeys)
    {
        using var read = keyspace.Lock();
        var lists = new List<WeightedList>(listKeys.Length);
        MemberTable? members = null;
        for (int i = 0; i < listKeys.Length; i++)
        {
            var type = keyspace.ReadObject(listKeys[i], out var stored);
            if (type == KeyType.None)
                continue;
            if (stored is not RankListValue list)
                return new(null, Errors.WrongType);
            lists.Add(new WeightedList(list.OpenRecall(ref members, request.Depth), request.Lists[i].Weight));
        }
        var exclusions = new List<IRecallExclusion>(excludeKeys.Length);
        foreach (var key in excludeKeys)
        {
            var type = keyspace.ReadObject(key, out var stored);
            if (type == KeyType.None)
                continue;
            if (stored is not IRecallExclusion exclusion)
                return new(null, Errors.WrongType);
            exclusions.Add(exclusion);
        }
        if (members is null)
            return new([], null);
        var top = Recall.TopK(new RecallQuery(members, request.Count, lists, request.Aggregate, request.Depth, exclusions));
        for (int i = 0; i < top.Count; i++)
            top[i] = top[i] with { Member = top[i].Member.ToArray() };
        return new(top, null);
    }

    private static void Reply(Istore.Net.Resp.RespWriter output, RecallArguments request, Outcome outcome)
    {
        if (outcome.Error is { } error)
            output.WriteError(error);
        else
            RecallReply.Write(output, outcome.Top!, request.WithScores);
    }
}
