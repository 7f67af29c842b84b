using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using Istore.Net.Commands;
using Istore.Net.Resp;
using Istore.Net.Server;
using Istore.Node.Commands;
using Istore.Node.Keyspace;
using Istore.Node.Replication;

namespace Istore.Node.Hosting;

/// <summary>
/// Runs commands on one event loop: look the name up in the command table, check auth and arity,
/// call the handler. Owns the loop's keyspace session (and so its FASTER session).
/// </summary>
internal sealed class NodeWorker : ILoopWorker
{
    private readonly NodeServer _node;
    private readonly CommandContext _context;
    private readonly KeyspaceSession _keyspace;
    private readonly SemiSyncReplies _semiSync;
    private readonly UnwrittenReplies _unwritten;
    private readonly Migration.MigrationGate.WriterSlot _writerSlot;
    private readonly List<int> _keyIndexes = [];

    public NodeWorker(NodeServer node)
    {
        _node = node;
        _keyspace = new KeyspaceSession(node.Database);
        _keyspace.EnableSharedReads();
        _context = new CommandContext(node, _keyspace);
        _semiSync = new SemiSyncReplies(node);
        _unwritten = new UnwrittenReplies(node);
        if (node.Options.Threads > 1)
            _activity = node.Scripts.JoinLoop();
        node.Stats.AddLoop(_context.Stats);
        _writerSlot = node.Migrations.Register();
    }

    /// <summary>With several loops: marks this one inside a command, so a script starting elsewhere waits for it (see <see cref="Scripting.LoopActivity"/>).</summary>
    private readonly Scripting.LoopActivity? _activity;

    public void OnOpen(Connection connection) =>
        connection.State = new ClientState { User = _node.Acl.Default, Authenticated = _node.Acl.DefaultAuthenticates };

    public void Execute(Connection connection, CommandArgs args)
    {
        (_chainedStart, _inputClock) = (_inputClock, 0);
        int readAhead = ReadAheadLeftFor(connection);
        if (_activity is null)
        {
            ExecuteCommand(connection, args);
        }
        else
        {
            _activity.Enter();
            try
            {
                ExecuteCommand(connection, args);
            }
            finally
            {
                _activity.Exit();
            }
        }
        if (readAhead > 0 && _keyspace.ReadAheadLeft != readAhead - 1)
            _keyspace.DropReadAhead();   // the command was not the GET read ahead for (refused, held, or another command)
    }

    /// <summary>The connection whose pipelined GETs the keyspace read ahead (see <see cref="PipelinedGets"/>).</summary>
    private Connection? _readAheadFor;

    private readonly PipelinedGets _pipelinedGets = new();

    private readonly PipelinedFetches _pipelinedFetches = new();

    /// <summary>Results read ahead for this connection's next commands; any left for another connection are dropped first.</summary>
    private int ReadAheadLeftFor(Connection connection)
    {
        if (_readAheadFor is null)
            return 0;
        int left = _keyspace.ReadAheadLeft;
        if (left > 0 && _readAheadFor == connection)
            return left;
        DropReadAhead();
        return 0;
    }

    /// <summary>
    /// When the last command run from the current input ended (0: none, or the last one did not
    /// run): the next command of that input is timed from there, as only its parsing lies between,
    /// so a pipelined command costs one clock read instead of two (Redis reads two).
    /// </summary>
    private long _inputClock;

    /// <summary>The command being executed's start from <see cref="_inputClock"/> (0: read the clock), taken as it begins.</summary>
    private long _chainedStart;

    public void OnInput(Connection connection) => _inputClock = 0;

    /// <summary>A new batch of events: results read ahead in the last one are not used in this one.</summary>
    public void OnWake()
    {
        _pipelinedFetches.Forget();
        if (_readAheadFor is not null)
            DropReadAhead();
    }

    private void DropReadAhead()
    {
        _keyspace.DropReadAhead();
        _readAheadFor = null;
    }

    private void ExecuteCommand(Connection connection, CommandArgs args)
    {
        var client = (ClientState)connection.State!;
        if (client.Replies == ReplyMode.On)
            Execute(connection, client, args);
        else
            ExecuteSilenced(connection, client, args);
        connection.ApplicationMemory = client.MemoryOverhead;
    }

    /// <summary>CLIENT REPLY OFF or SKIP: the command runs, its reply is dropped (pushes — messages, (un)subscribe confirmations — still go out, as in Redis).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ExecuteSilenced(Connection connection, ClientState client, CommandArgs args)
    {
        var mode = client.Replies;
        int start = connection.Output.Length;
        Execute(connection, client, args);
        bool pushes = CommandTable.Find(args[0]) is { } spec && PubSubCommands.RepliesArePushes(spec);
        if (client.Replies != ReplyMode.On && !pushes)   // CLIENT REPLY ON answers even the command SKIP was for, as Redis
            connection.Output.Truncate(start);
        if (mode == ReplyMode.Skip && client.Replies == ReplyMode.Skip)
            client.Replies = ReplyMode.On;
    }

    private void Execute(Connection connection, ClientState client, CommandArgs args)
    {
        var output = connection.Output;
        var spec = CommandTable.Find(args[0]);
        if (spec is null)
        {
            Reject(client, output, UnknownCommand(args), null);
            return;
        }
        client.LastCommand = spec.Name;
        if (!client.Authenticated && (spec.Flags & CommandFlags.NoAuth) == 0 && _node.Acl.DefaultRequiresAuth)
        {
            Reject(client, output, Errors.NoAuth, spec);
            return;
        }
        if (!spec.AcceptsArgCount(args.Count))
        {
            Reject(client, output, CommandErrors.WrongArgs(spec.Name), spec);
            return;
        }
        _pipelinedFetches.BeforeRequest(_keyspace, connection, spec, args);
        // One volatile read for the default user's +@all ~* &*: the checks below only for restricted users.
        if (!client.User.Rules.Unrestricted && AclRefuses(connection, client, spec, args) is { } denied)
        {
            Reject(client, output, denied, spec);
            return;
        }
        if (_node.Scripts.Running is { } script)
        {
            if (TransactionQueue.RunsWhileBusy(spec))
            {
                TransactionCommands.RunWhileBusy(_node, client, spec, output);
                return;
            }
            if (!Scripting.BusyScript.Admit(_node.Scripts, script, spec, args, output, out string? busy))
            {
                if (busy is not null)
                    Reject(client, output, busy, spec);
                return;
            }
        }
        if (ReplicationRefusal(spec, client) is { } refusal)
        {
            Reject(client, output, refusal, spec);
            return;
        }
        if (_node.Guard is { } guard && guard.Refuses(spec, args))
        {
            if (!_node.Pause.TryHoldAny(connection))
                Reject(client, output, guard.Refusal, spec);
            return;
        }
        if (client.IsSubscribed && !output.IsResp3 && !SubscribedContext.Allows(spec))
        {
            Reject(client, output, SubscribedContext.Refusal(spec, args), spec);
            return;
        }
        // As Redis's performEvictions: any command evicts while the data is over maxmemory; only those that may add data are refused.
        if (_node.Database.OverMemoryLimit)
        {
            _chainedStart = 0;   // evicting is not the command's time
            bool fits = _keyspace.FreeMemory(ForegroundEvictionMs);
            // Invalidations of the keys evicted go before this command's reply, as Redis's trackingHandlePendingKeyInvalidations.
            connection.RunPendingDeliveries();
            if (!fits && RefusedOverMaxMemory(spec, args, client))
            {
                Reject(client, output, Errors.OutOfMemory, spec);
                return;
            }
        }
        if (client.Transaction is { } transaction && !TransactionQueue.RunsImmediately(spec))
        {
            if ((spec.Flags & CommandFlags.NoMulti) != 0)
            {
                Reject(client, output, "ERR Command not allowed inside a transaction", spec);
                return;
            }
            transaction.Add(spec, args);
            output.WriteRaw("+QUEUED\r\n"u8);
            return;
        }
        if (_node.Pause.TryHold(spec, connection))
            return;
        _context.Args = args;
        _context.Spec = spec;
        _context.Connection = connection;
        _context.Client = client;
        _keyspace.Current = connection;
        _keyspace.NoTouch = client.NoTouch && spec != TouchSpec;   // CLIENT NO-TOUCH: TOUCH itself still touches
        // A tracking client must not be served a value read before its GET registers the key (an invalidation could fall between).
        if (spec == GetSpec && client.Tracking is null && _keyspace.CanReadAhead && _keyspace.ReadAheadLeft == 0
            && _pipelinedGets.ReadAhead(_keyspace, connection, args))
            _readAheadFor = connection;
        if (!PassesMigrationGate(spec))
        {
            Run(_context);
            return;
        }
        _writerSlot.Enter();
        try
        {
            if (!_node.Migrations.Active)
            {
                Run(_context);
                return;
            }
            _chainedStart = 0;   // waiting for the lock is not the command's time
            using (_node.Database.Lock.Hold())
            {
                if (_node.Migrations.Blocks(spec, args, client, _keyIndexes))
                    _node.Migrations.Hold(connection);
                else
                    Run(_context);
            }
        }
        finally
        {
            _writerSlot.Exit();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private string? AclRefuses(Connection connection, ClientState client, CommandSpec spec, CommandArgs args)
    {
        if (Acl.AclCheck.Check(client.User.Rules, spec, args, 0, _keyIndexes, out int at) is not { } denial)
            return null;
        Acl.AclConnections.Log(_node, connection, client, denial, client.Transaction is null ? "toplevel" : "multi", spec, args, 0, at);
        return Acl.AclCheck.Refusal(denial, spec, args);
    }

    /// <summary>
    /// Redis's reject_cmd_on_oom: a command that may add data; inside MULTI any command but EXEC,
    /// DISCARD, QUIT and RESET (queueing takes memory too); EXEC when a queued command may add data.
    /// </summary>
    private static bool RefusedOverMaxMemory(CommandSpec spec, CommandArgs args, ClientState client)
    {
        if ((spec.Flags & CommandFlags.DenyOom) != 0 || spec.SubcommandHas(args, CommandFlags.DenyOom))
            return true;
        if (client.Transaction is not { } queued)
            return false;
        if (spec == ExecSpec)
            return (queued.Flags & CommandFlags.DenyOom) != 0;
        return spec.Name is not ("DISCARD" or "QUIT" or "RESET");
    }

    /// <summary>How long a command may spend evicting before it runs; the next commands and housekeeping continue what is left.</summary>
    private const long ForegroundEvictionMs = 5;

    private static readonly CommandSpec TouchSpec = CommandTable.Find("TOUCH")!;

    private static readonly CommandSpec GetSpec = CommandTable.Find("GET")!;

    private static readonly CommandSpec PingSpec = CommandTable.Find("PING")!;

    private static readonly CommandSpec ExecSpec = CommandTable.Find("EXEC")!;

    /// <summary>Writes (EXEC included) must not touch keys MIGRATE has in flight; MIGRATE guards its own keys.</summary>
    private static bool PassesMigrationGate(CommandSpec spec) =>
        ((spec.Flags & CommandFlags.Write) != 0 || spec.Name == "EXEC") && spec.Name != "MIGRATE";

    private void Run(CommandContext context)
    {
        if (_node.Replication.Settings.SyncReplicas > 0 && SemiSyncReplies.Applies(context.Spec))
            _semiSync.Run(context);
        else
            _inputClock = Dispatch(context, _chainedStart != 0 ? _chainedStart : Stopwatch.GetTimestamp());
        if (_keyspace.Logged)
            NoteLogged(context);
    }

    /// <summary>A write's records wait for the batch's flush (a read's expiry DEL does not hold its reply).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void NoteLogged(CommandContext context)
    {
        _keyspace.Logged = false;
        if (SemiSyncReplies.Applies(context.Spec))
            _unwritten.Wrote(context.Connection);
    }

    /// <summary>
    /// What replication and the log say about running a command here: a replica refuses writes (READONLY),
    /// everything but stale-safe commands while it loads a snapshot (LOADING) or, with
    /// replica-serve-stale-data off, while its link is down (MASTERDOWN); a master refuses
    /// writes while it has fewer good replicas than min-replicas-to-write (NOREPLICAS); while the
    /// log cannot write, writes and PING are refused (MISCONF, as Redis: PING so that monitoring notices).
    /// </summary>
    private string? ReplicationRefusal(CommandSpec spec, ClientState client)
    {
        var replication = _node.Replication;
        if (replication.Loading && (spec.Flags & CommandFlags.Loading) == 0)
            return "LOADING Redis is loading the dataset in memory";
        // EXEC is refused as the commands it would run would be (Redis's mstate flags).
        var queued = spec == ExecSpec ? client.Transaction : null;
        bool stale = (spec.Flags & CommandFlags.Stale) != 0 && (queued?.AllStale ?? true);
        if (!stale && replication.Link is { Up: false } && !replication.Settings.ServeStaleData)
            return "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.";
        bool write = ((spec.Flags | (queued?.Flags ?? 0)) & CommandFlags.Write) != 0;
        if (!write && spec != PingSpec)
            return null;
        if (_node.Database.Log.Failure is { } failure)
            return "MISCONF " + failure;
        if (!write)
            return null;
        if (replication.IsReplica)
            return "READONLY You can't write against a read only replica.";
        if (replication.TooFewReplicas)
            return "NOREPLICAS Not enough good replicas to write.";
        return null;
    }

    /// <summary>Runs the handler of <c>c.Spec</c> (a command now, or one queued command of an EXEC).</summary>
    internal static void Dispatch(CommandContext c) => Dispatch(c, Stopwatch.GetTimestamp());

    /// <summary>
    /// Runs the handler of <c>c.Spec</c>, timed from <paramref name="started"/>; returns when it
    /// ended. A script's calls chain these (each starts when the previous ended), one clock read a call.
    /// </summary>
    internal static long Dispatch(CommandContext c, long started)
    {
        bool timed = Database.BeginCommandTime(started);
        try
        {
            return RunHandler(c, started);
        }
        finally
        {
            if (timed)
                Database.EndCommandTime();
        }
    }

    private static long RunHandler(CommandContext c, long started)
    {
        var node = c.Node;
        var output = c.Output;
        int replyStart = output.Length;
        c.StartedTicks = started;
        c.AnsweredLater = false;
        c.ErrorCountedEarlier = false;
        c.Keyspace.CommandStarts();
        bool monitored = node.Monitors.Active;
        if (monitored && IsScript(c.Spec))
            node.Monitors.Feed(c, fromScript: false);   // before its calls, as Redis shows a script
        try
        {
            if ((c.Spec.Flags & CommandFlags.Write) != 0)
                c.Keyspace.FetchKeys(c.Spec, c.Args);
            node.Handlers[c.Spec](c);
        }
        catch (Exception) when (c.Keyspace.NoteFailure())
        {
            // never runs: the filter marks the command failed before its write scope unwinds
        }
        catch (Engine.EngineLimitException ex)
        {
            output.Truncate(replyStart);
            output.WriteError(ex.Message);
        }
        catch (Exception ex)
        {
            // A handler bug must cost one reply, never the connection or the process.
            output.Truncate(replyStart);
            output.WriteError("ERR internal error: " + ex.Message);
            Log.CommandFailed(node.Logger, c.Spec.Name, ex);
        }
        long ended = Stopwatch.GetTimestamp();
        long elapsed = ended - started;
        if (c.Client.Tracking is { } tracking)
            ClientTrackingCommand.AfterCommand(c, tracking);
        if (!c.Client.InTransaction)
            node.Database.Tracking.FlushBroadcast();   // a whole EXEC's keys go out together
        var stats = c.Stats;
        int index = c.Spec.Index;
        if (!c.AnsweredLater)   // counted once answered (BlockedCallStats)
        {
            stats.Calls[index]++;
            stats.Ticks[index] += elapsed;
            if (c.Spec.IsContainer)
                RecordSubcommandLatency(c, stats, output.WrittenSpan[replyStart..], elapsed);
            else
                stats.Latency.Record(c.Spec, elapsed);
        }
        if (output.Length > replyStart && output.WrittenSpan[replyStart] == (byte)'-')
            CountFailure(c, stats, output.WrittenSpan[replyStart..]);
        if (elapsed >= node.Diagnostics.SlowTicks && !c.AnsweredLater)
            node.Diagnostics.NoteSlow(c, elapsed);
        if (monitored && (c.Spec.Flags & CommandFlags.Admin) == 0 && !IsScript(c.Spec))
            node.Monitors.Feed(c, fromScript: c.ScriptCommand is not null);   // admin commands are never shown, as Redis
        return ended;
    }

    private static bool IsScript(CommandSpec spec) => spec.Name is "EVAL" or "EVALSHA" or "EVAL_RO" or "EVALSHA_RO" or "FCALL" or "FCALL_RO";

    /// <summary>By the subcommand's full name, as Redis (LATENCY HISTOGRAM, INFO commandstats); a subcommand that does not exist is not one.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void RecordSubcommandLatency(CommandContext c, Admin.LoopStats stats, ReadOnlySpan<byte> reply, long elapsed)
    {
        if (c.Count <= 1 || reply.StartsWith("-ERR unknown subcommand"u8))
            return;
        string name = c.Spec.Name.ToLowerInvariant() + "|" + c.ArgString(1).ToLowerInvariant();
        stats.Latency.RecordSubcommand(name, elapsed);
        stats.CountSubcommand(name, elapsed, failed: reply.Length > 0 && reply[0] == (byte)'-');
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void CountFailure(CommandContext c, Admin.LoopStats stats, ReadOnlySpan<byte> reply)
    {
        stats.Failed[c.Spec.Index]++;
        if (c.ErrorCountedEarlier)
            return;
        stats.CountError(reply);
        Interlocked.Increment(ref c.Node.Stats.ErrorReplies);
    }

    /// <summary>Refuses a command before it runs, as Redis's rejectCommand: that dooms the transaction it was sent in; a refused EXEC ends it (EXECABORT).</summary>
    private void Reject(ClientState client, RespWriter output, string error, CommandSpec? spec)
    {
        if (client.Transaction is { } transaction)
        {
            if (spec == ExecSpec)
            {
                TransactionCommands.EndTransaction(_node, client);
                error = "EXECABORT Transaction discarded because of: " + error;
            }
            else
                transaction.Abort();
        }
        if (spec is null) _context.Stats.RejectedUnknown++;
        else _context.Stats.Rejected[spec.Index]++;
        _context.Stats.CountError(System.Text.Encoding.UTF8.GetBytes("-" + error));
        Interlocked.Increment(ref _node.Stats.ErrorReplies);
        output.WriteError(error);
    }

    /// <summary>Redis's wording: the name and the first arguments, each quoted and cut at 128 bytes.</summary>
    private static string UnknownCommand(CommandArgs args)
    {
        var text = new StringBuilder("ERR unknown command '").Append(CommandErrors.Truncate(args.ToString(0))).Append("', with args beginning with: ");
        for (int i = 1; i < args.Count && text.Length < 1024; i++)
            text.Append('\'').Append(CommandErrors.Truncate(args.ToString(i))).Append("' ");
        return text.ToString();
    }

    public void OnClose(Connection connection)
    {
        _node.Database.BlockedClients.Cancel(connection);
        if (connection.State is not ClientState client)
            return;
        TransactionCommands.EndTransaction(_node, client);
        if (client.Tracking is { } tracking)
            _node.Database.Tracking.Disable(tracking);
        if (client.Monitoring)
            _node.Monitors.Remove(connection);
        PubSubCommands.UnsubscribeAll(_node, client);
    }

    /// <summary>The batch ran: put its log records in the OS (and on disk under appendfsync always) before any reply leaves.</summary>
    public void BeforeSend()
    {
        _unwritten.Flush();
        _semiSync.HoldReplies();
        _keyspace.Value.GiveBack();   // the replies hold copies: a large string read this batch may go once its key does
    }

    /// <summary>
    /// A busy script serves the other clients: the records before it (its own stay unflushable
    /// until it ends) go to the OS first; the script's caller keeps any held writes for the batch's end.
    /// </summary>
    public void BeforeSendWhileBusy(Connection running)
    {
        _node.Database.Log.Flush(fsync: false);
        _semiSync.HoldReplies(except: running);
    }

    public void Dispose() => _keyspace.Dispose();
}
