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
/// The merge holds no lock: writers go on. On the memory engine one that changes a list being
/// merged changes a copy (<see cref="StoredObject.Pin"/>); on the disk engine the merge reads at a snapshot.
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
        var stats = new BlockedCallStats(c.Node.Stats, c.Stats, c.Spec, Stopwatch.GetTimestamp() - c.StartedTicks);
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
                outcome = RunOffLoop(db, noTouch, request, listKeys, excludeKeys);
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

    /// <summary>
    /// On a pool thread. The keyspace lock is held only to read the keys; the merge runs without
    /// it. An engine whose collections can be pinned (memory) pins the objects (writers meanwhile
    /// replace what they change with a copy) and takes the lock again to unpin; a disk node's
    /// lists are read at a RocksDB snapshot taken under the lock.
    /// </summary>
    private static Outcome RunOffLoop(Database db, bool noTouch, RecallArguments request, byte[][] listKeys, byte[][] excludeKeys)
    {
        bool pin = db.Engine.PinsObjects;
        var inputs = new Inputs();
        var keyspace = db.RentOffLoopSession();
        IDisposable? snapshot = null;
        try
        {
            using (db.Lock.Hold())
            {
                keyspace.CommandStarts();
                keyspace.NoTouch = noTouch;
                Open(inputs, keyspace, request, listKeys, excludeKeys, pin);
                if (!pin)
                    snapshot = keyspace.BeginSnapshotReads() ?? throw new InvalidOperationException($"the {db.Engine.Name} engine neither pins objects nor reads at a snapshot");
            }
            return Merge(inputs, request, concurrent: pin);
        }
        finally
        {
            snapshot?.Dispose();
            if (inputs.Pinned.Count > 0)
            {
                using (db.Lock.Hold())
                    foreach (var pinned in inputs.Pinned)
                        pinned.Unpin();
            }
            db.ReturnOffLoopSession(keyspace);
        }
    }

    /// <summary>The recall in place, under the caller's write scope (inside MULTI or a script).</summary>
    private static Outcome Run(KeyspaceSession keyspace, RecallArguments request, byte[][] listKeys, byte[][] excludeKeys)
    {
        var inputs = new Inputs();
        Open(inputs, keyspace, request, listKeys, excludeKeys, pin: false);
        return Merge(inputs, request, concurrent: false);
    }

    /// <summary>What a recall reads, looked up under the write lock; with <c>pin</c>, every object in it pinned.</summary>
    private sealed class Inputs
    {
        /// <summary>The lists and their weights, opened for the recall by <see cref="Merge"/> (a disk list reads its window then, at the snapshot).</summary>
        public readonly List<(RankListValue List, double Weight)> Lists = [];
        public readonly List<IRecallExclusion> Exclusions = [];
        public readonly List<StoredObject> Pinned = [];
        public string? Error;
    }

    private static void Open(Inputs inputs, KeyspaceSession keyspace, RecallArguments request, byte[][] listKeys, byte[][] excludeKeys, bool pin)
    {
        using var read = keyspace.Lock();
        for (int i = 0; i < listKeys.Length; i++)
        {
            var type = keyspace.ReadObject(listKeys[i], out var stored);
            if (type == KeyType.None)
                continue;
            if (stored is not RankListValue list)
            {
                inputs.Error = Errors.WrongType;
                return;
            }
            Hold(inputs, list, pin);
            inputs.Lists.Add((list, request.Lists[i].Weight));
        }
        foreach (var key in excludeKeys)
        {
            var type = keyspace.ReadObject(key, out var stored);
            if (type == KeyType.None)
                continue;
            if (stored is not IRecallExclusion exclusion)
            {
                inputs.Error = Errors.WrongType;
                return;
            }
            Hold(inputs, stored!, pin);
            inputs.Exclusions.Add(exclusion);
        }
    }

    private static void Hold(Inputs inputs, StoredObject stored, bool pin)
    {
        if (!pin)
            return;
        stored.Pin();
        inputs.Pinned.Add(stored);
    }

    /// <summary>The merge; members are copied out, since the lists may change once they are let go.</summary>
    private static Outcome Merge(Inputs inputs, RecallArguments request, bool concurrent)
    {
        if (inputs.Error is { } error)
            return new(null, error);
        MemberTable? members = null;
        var lists = inputs.Lists.ConvertAll(input => new WeightedList(input.List.OpenRecall(ref members, request.Depth), input.Weight));
        if (members is null)
            return new([], null);
        var query = new RecallQuery(members, request.Count, lists, request.Aggregate, request.Depth, inputs.Exclusions) { Concurrent = concurrent };
        var top = Recall.TopK(query);
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
