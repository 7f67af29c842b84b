using Istore.Net.Resp;
using Istore.Proxy.Pipeline;
using Istore.Proxy.Routing;
using Istore.Ranklist;

namespace Istore.Proxy.Hosting;

/// <summary>
/// RL.RECALL across shards (<see cref="ClusterRecall"/>): each round's steps go to their keys'
/// shards as fragments of the request's slot, on this loop; when the last answers, the next round
/// is sent, and when the algorithm is done its answer completes the slot in the client's order.
/// No thread waits on a shard. A shard that fails or times out fails this recall alone.
/// </summary>
internal sealed partial class ProxyWorker
{
    private void StartRecall(ClientSession session, CommandArgs args, RequestSlot slot)
    {
        var request = RecallArguments.Parse(args, out string? error);
        if (request is null)
        {
            CompleteWithError(slot, error!);
            return;
        }
        var route = session.Route(_server.Routes);
        var run = new RecallRun(args, request, key => route?.ShardOf(key) ?? 0);
        slot.Recall = run;
        SendRound(session, slot, run, run.Recall.Start());
    }

    /// <summary>
    /// Sends every step of a round. A shard that cannot take one (down, in its backoff) answers it
    /// with its error here, without re-entering <see cref="Deliver"/>: the round ends when the
    /// last step is answered, whichever way.
    /// </summary>
    private void SendRound(ClientSession session, RequestSlot slot, RecallRun run, IReadOnlyList<RecallStep> steps)
    {
        var route = session.Route(_server.Routes);
        run.Steps = steps;
        run.Pending = steps.Count;
        long now = Environment.TickCount64;
        for (int f = 0; f < steps.Count; f++)
        {
            if (route is null)
            {
                steps[f].Error = $"ERR tenant '{session.Tenant?.Name}' no longer exists";
                run.Pending--;
                continue;
            }
            var backend = session.Backend(_pool!, route.ShardOf(run.KeyOf(steps[f])));
            var writer = backend.BeginCommand(now);
            if (writer is null)
            {
                RecallRun.ReadReply(steps[f], backend.UnavailableError);
                run.Pending--;
                continue;
            }
            run.WriteCommand(steps[f], writer);
            backend.EndCommand(slot, f, now);
        }
        if (run.Pending == 0)
            NextRound(session, slot, run);
    }

    private void DeliverRecallStep(RequestSlot slot, RecallRun run, int fragment, ReadOnlySpan<byte> reply)
    {
        RecallRun.ReadReply(run.Steps[fragment], reply);
        if (--run.Pending == 0)
            NextRound(slot.Owner, slot, run);
    }

    private void NextRound(ClientSession session, RequestSlot slot, RecallRun run)
    {
        IReadOnlyList<RecallStep>? next;
        try
        {
            next = run.Recall.Next();
        }
        catch (Exception ex) when (ex is InvalidOperationException or KeyNotFoundException)
        {
            // Shards that changed between rounds can contradict each other: fail this request only.
            CompleteWithError(slot, "ERR the recall's lists changed while it ran, try again: " + ex.Message);
            return;
        }
        if (next is not null)
        {
            SendRound(session, slot, run, next);
            return;
        }
        slot.Recall = null;
        if (run.Recall.Error is { } error)
        {
            CompleteWithError(slot, error);
            return;
        }
        _scratch.Clear();
        _scratch.Protocol = session.Protocol;
        RecallReply.Write(_scratch, run.Recall.Result, run.Request.WithScores);
        Complete(session, slot, _scratch.WrittenSpan);
    }

    private void CompleteWithError(RequestSlot slot, string error)
    {
        slot.Recall = null;
        _scratch.Clear();
        _scratch.Protocol = slot.Owner.Protocol;
        _scratch.WriteError(error);
        Complete(slot.Owner, slot, _scratch.WrittenSpan);
    }
}
