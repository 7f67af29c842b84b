using Istore.Node.Hosting;
using Istore.Node.Keyspace;

namespace Istore.Node.Commands;

/// <summary>
/// MULTI EXEC DISCARD WATCH UNWATCH. Queueing happens in <see cref="NodeWorker"/> (a command
/// refused at queue time aborts the transaction); EXEC runs the queue under the keyspace write
/// lock, so no other client's command interleaves, and frames its log records as one group, so
/// replay after a crash applies all of them or none.
/// </summary>
public static class TransactionCommands
{
    public static void Register(HandlerTable t)
    {
        t.Add("MULTI", Multi);
        t.Add("EXEC", Exec);
        t.Add("DISCARD", Discard);
        t.Add("WATCH", Watch);
        t.Add("UNWATCH", Unwatch);
    }

    /// <summary>Leaves MULTI and forgets watched keys (EXEC, DISCARD, RESET, disconnect).</summary>
    public static void EndTransaction(NodeServer node, ClientState client)
    {
        client.Transaction = null;
        node.Database.Watchers.UnwatchAll(client.Watched);
    }

    private static void Multi(CommandContext c) => Multi(c.Client, c.Output);

    private static void Multi(ClientState client, Istore.Net.Resp.RespWriter output)
    {
        if (client.Transaction is not null)
        {
            output.WriteError("ERR MULTI calls can not be nested");
            return;
        }
        client.Transaction = new TransactionQueue();
        output.WriteOk();
    }

    /// <summary>
    /// MULTI, DISCARD or UNWATCH while a script is busy (<see cref="TransactionQueue.RunsWhileBusy"/>):
    /// answered here, not through the event loop's dispatch, which the running script is using.
    /// </summary>
    public static void RunWhileBusy(NodeServer node, ClientState client, Istore.Net.Commands.CommandSpec spec, Istore.Net.Resp.RespWriter output)
    {
        switch (spec.Name)
        {
            case "MULTI": Multi(client, output); break;
            case "DISCARD": Discard(node, client, output); break;
            default: Unwatch(node, client, output); break;
        }
    }

    private static void Exec(CommandContext c)
    {
        var queue = c.Client.Transaction;
        if (queue is null)
        {
            c.Output.WriteError("ERR EXEC without MULTI");
            return;
        }
        // As Redis's processCommand: an EXEC that would write is refused while the log cannot write.
        if (c.Node.Database.Log.Failure is { } failure && queue.HasWrites)
        {
            EndTransaction(c.Node, c.Client);
            c.Output.WriteError("EXECABORT Transaction discarded because of: MISCONF " + failure);
            return;
        }
        RunAtomically(c, queue);
        if (c.Client.AfterTransaction is { } after)
        {
            c.Client.AfterTransaction = null;
            after();
        }
    }

    private static void RunAtomically(CommandContext c, TransactionQueue queue)
    {
        using var atomic = c.Keyspace.Atomic();
        bool watchedChanged = c.Client.Watched.ChangedBy(Database.NowMs);
        EndTransaction(c.Node, c.Client);
        if (queue.Aborted)
            c.Output.WriteError("EXECABORT Transaction discarded because of previous errors.");
        else if (watchedChanged)
            c.Output.WriteNullArray();
        else
            RunQueued(c, queue);
    }

    /// <summary>The user's rules may have changed since the command was queued: Redis checks again at EXEC.</summary>
    private static string? AclRefusesQueued(CommandContext c)
    {
        var rules = c.Client.User.Rules;
        if (rules.Unrestricted || Acl.AclCheck.Check(rules, c.Spec, c.Args, 0, [], out int at) is not { } denial)
            return null;
        Acl.AclConnections.Log(c.Node, c.Connection, c.Client, denial, "multi", c.Spec, c.Args, 0, at);
        string reason = denial switch
        {
            Acl.AclDenial.Command => "no permission to execute the command or subcommand",
            Acl.AclDenial.Key => "no permission to touch the specified keys",
            _ => "no permission to access one of the channels used as arguments",
        };
        return "NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This command is no longer allowed for the following reason: " + reason;
    }

    /// <summary>Each queued command replies in turn; one failing does not stop the others, as in Redis.</summary>
    private static void RunQueued(CommandContext c, TransactionQueue queue)
    {
        var (args, spec) = (c.Args, c.Spec);
        c.Output.WriteArrayHeader(queue.Count);
        c.Client.InTransaction = true;
        try
        {
            for (int i = 0; i < queue.Count; i++)
            {
                (c.Spec, c.Args) = queue[i];
                if (AclRefusesQueued(c) is { } refusal)
                    c.Output.WriteError(refusal);
                else
                    NodeWorker.Dispatch(c);
            }
        }
        finally
        {
            c.Client.InTransaction = false;
            (c.Args, c.Spec) = (args, spec);
        }
    }

    private static void Discard(CommandContext c) => Discard(c.Node, c.Client, c.Output);

    private static void Discard(NodeServer node, ClientState client, Istore.Net.Resp.RespWriter output)
    {
        if (client.Transaction is null)
        {
            output.WriteError("ERR DISCARD without MULTI");
            return;
        }
        EndTransaction(node, client);
        output.WriteOk();
    }

    /// <summary>WATCH key…: remembers each key's expiry too, since reaching it before EXEC counts as a change.</summary>
    private static void Watch(CommandContext c)
    {
        if (c.Client.Transaction is not null)
        {
            c.Output.WriteError("ERR WATCH inside MULTI is not allowed");
            return;
        }
        using (c.Keyspace.Lock())
        {
            for (int i = 1; i < c.Count; i++)
            {
                c.Keyspace.TypeOf(c.Arg(i), out long expireAt);
                c.Node.Database.Watchers.Watch(c.Arg(i), c.Client.Watched, expireAt);
            }
        }
        c.Output.WriteOk();
    }

    private static void Unwatch(CommandContext c) => Unwatch(c.Node, c.Client, c.Output);

    private static void Unwatch(NodeServer node, ClientState client, Istore.Net.Resp.RespWriter output)
    {
        node.Database.Watchers.UnwatchAll(client.Watched);
        output.WriteOk();
    }
}
