using System.Diagnostics;
using Istore.Net.Commands;
using Istore.Net.Resp;
using Istore.Net.Server;
using Istore.Proxy.Backend;
using Istore.Proxy.Commands;
using Istore.Proxy.Pipeline;
using Istore.Proxy.Stats;

namespace Istore.Proxy.Hosting;

/// <summary>
/// The proxy on one event loop. Threading: each loop thread owns its client connections, its
/// backend connections (<see cref="BackendPool"/>, watched on the same epoll) and its counters,
/// so a request is parsed, routed, sent, answered and written back on one thread without locks.
/// Only the route table (an immutable snapshot swapped on reload) and each tenant's QPS bucket
/// and client count are shared between loops.
/// </summary>
internal sealed partial class ProxyWorker : ILoopWorker, IReplySink
{
    private readonly ProxyServer _server;
    private readonly LocalCommands _local;
    private readonly RespWriter _scratch = new(1024);
    private readonly Action _maintain;
    private BackendPool? _pool;
    private IEventLoop? _loop;
    private int _localReplyStart;
    private long _iterationTimestamp;
    private long _iterationMs;
    private byte[] _lastName = [];
    private CommandSpec? _lastSpec;

    public ProxyWorker(ProxyServer server)
    {
        _server = server;
        _local = new LocalCommands(server, this);
        _maintain = Maintain;
    }

    public StatsRecorder Stats { get; } = new();

    /// <summary>
    /// One timestamp per loop iteration rather than two per request (clock_gettime was ~3% of the
    /// proxy's CPU at -P 16): a latency runs from the iteration that read the request to the one
    /// that read its reply.
    /// </summary>
    private long Now => _iterationTimestamp != 0 ? _iterationTimestamp : _iterationTimestamp = Stopwatch.GetTimestamp();

    /// <summary><see cref="Environment.TickCount64"/> once per loop iteration too: backend timeouts count from it.</summary>
    private long NowMs => _iterationMs != 0 ? _iterationMs : _iterationMs = Environment.TickCount64;

    private static readonly double MicrosecondsPerTick = 1_000_000.0 / Stopwatch.Frequency;

    public void OnOpen(Connection connection)
    {
        if (_loop is null && connection.EventLoop is { } loop)
        {
            _loop = loop;
            _pool = new BackendPool(loop, this);
        }
        var session = new ClientSession(connection, this);
        connection.State = session;
        _sessions.Add(session);
    }

    public void OnClose(Connection connection)
    {
        var session = (ClientSession)connection.State!;
        session.Closed = true;
        session.Unbind();
        _sessions.Remove(session);
    }

    public void Execute(Connection connection, CommandArgs args)
    {
        var session = (ClientSession)connection.State!;
        if (session.Quitting)
            return;
        try
        {
            Run(session, args);
        }
        catch (Exception ex)
        {
            // A bug must cost this client, never the loop: its pipeline may hold a slot that will
            // never complete, so close it rather than leave it waiting.
            Log.CommandFailed(_server.Logger, args.ToString(0), ex);
            if (session.Queue.Count == 0)
                connection.Output.WriteError("ERR internal error: " + ex.Message);
            connection.CloseAfterReply = true;
        }
    }

    private void Run(ClientSession session, CommandArgs args)
    {
        var connection = session.Connection;
        long start = Now;
        var spec = Find(args[0]);
        if (session.Tenant is null)
        {
            _local.ExecuteBeforeAuth(session, spec, args);
            return;
        }
        var counters = session.Counters.For(spec);
        counters.Calls++;
        session.Counters.BytesIn += RequestSize(args);
        var route = session.Route(_server.Routes);
        if (route is null)
            ReplyError(session, counters, start, $"ERR tenant '{session.Tenant.Name}' no longer exists");
        else if (spec is null)
            ReplyError(session, counters, start, ProxyCommands.UnknownCommandError(args.ToString(0)));
        else if (!spec.AcceptsArgCount(args.Count) || !HasWholeKeyGroups(spec, args.Count))
            ReplyError(session, counters, start, CommandErrors.WrongArgs(spec.Name));
        else if (SubscribedContextRefusal(session, spec, args) is { } refusal)
            ReplyError(session, counters, start, refusal);
        else if (!session.Tenant.Bucket.TryTake())
        {
            session.Counters.Rejected++;
            ReplyError(session, counters, start, $"ERR max QPS exceeded for tenant '{route.Name}'");
        }
        else
            Route(session, route, spec, args, counters, start);
        if (session.Queue.Count >= route?.MaxInFlight)
            connection.HoldInput();   // backpressure: no more parsing until replies drain
    }

    /// <summary>The command table's entry for <paramref name="name"/>; the last one found is kept, since pipelines mostly repeat a command as spelled before.</summary>
    private CommandSpec? Find(ReadOnlySpan<byte> name)
    {
        if (name.SequenceEqual(_lastName))
            return _lastSpec;
        _lastSpec = CommandTable.Find(name);
        _lastName = name.Length <= 32 ? name.ToArray() : [];
        return _lastSpec;
    }

    /// <summary>MSET-like commands take keys in groups (key value): a dangling key is an arity error.</summary>
    private static bool HasWholeKeyGroups(CommandSpec spec, int argCount) =>
        spec.LastKey >= 0 || spec.Step <= 1 || (argCount - spec.FirstKey) % spec.Step == 0;

    /// <summary>A reply from a backend (or the error standing for it): join fragments, then complete the slot in order.</summary>
    public void Deliver(RequestSlot slot, int fragment, ReadOnlySpan<byte> reply)
    {
        var session = slot.Owner;
        if (session.Closed || ResendToNewMaster(slot, reply) || RerouteRefusedByGuard(slot, reply))
            return;
        if (slot.Recall is { } recall)
        {
            DeliverRecallStep(slot, recall, fragment, reply);
            return;
        }
        if (slot.Join is { } join)
        {
            if (!join.Add(fragment, reply))
                return;
            _scratch.Clear();
            _scratch.Protocol = session.Protocol;
            try
            {
                join.Write(_scratch);
            }
            catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or IndexOutOfRangeException)
            {
                _scratch.Clear();
                _scratch.WriteError("ERR unexpected reply from a backend: " + ex.Message);
            }
            reply = _scratch.WrittenSpan;
            if (slot.AfterMoves is { } held)
            {
                RouteAfterMoves(slot, held, reply);
                return;
            }
        }
        Complete(session, slot, reply);
    }

    private void Complete(ClientSession session, RequestSlot slot, ReadOnlySpan<byte> reply)
    {
        Record(session, slot.Counters, reply, slot.StartTimestamp);
        session.Queue.Complete(slot, reply, session.Connection.Output);
        AfterReply(session);
    }

    private void AfterReply(ClientSession session)
    {
        var connection = session.Connection;
        // A pipeline's replies from the other shards are usually a loop iteration behind: one send for them all.
        if (session.Queue.Count > 0)
            connection.SendOutputSoon();
        else
            connection.SendOutput();
        if (session.Quitting)
        {
            if (session.Queue.Count == 0)
                connection.CloseAfterReply = true;
        }
        else if (session.Moving)
            MoveIfClean(session);
        else if (connection.InputHeld && session.Queue.Count < (session.Route(_server.Routes)?.MaxInFlight ?? 1))
            connection.ReleaseInput();
    }

    /// <summary>
    /// Where a reply made by the proxy goes: straight to the output when nothing is pending,
    /// else into a slot behind the pending ones. Finish with <see cref="EndLocalReply"/>.
    /// </summary>
    internal RespWriter BeginLocalReply(ClientSession session)
    {
        if (session.Queue.Count == 0)
        {
            _localReplyStart = session.Connection.Output.Length;
            return session.Connection.Output;
        }
        _scratch.Clear();
        _scratch.Protocol = session.Protocol;
        return _scratch;
    }

    internal void EndLocalReply(ClientSession session, RespWriter writer, CommandCounters? counters, long start)
    {
        var output = session.Connection.Output;
        var reply = writer == _scratch ? _scratch.WrittenSpan : output.WrittenSpan[_localReplyStart..];
        Record(session, counters, reply, start);
        if (writer == _scratch)
            session.Queue.Complete(session.Queue.Enqueue(), reply, output);
        AfterReply(session);
    }

    internal void ReplyError(ClientSession session, CommandCounters? counters, long start, string message)
    {
        if (_reserved is { } reserved)
        {
            _reserved = null;
            _scratch.Clear();
            _scratch.Protocol = session.Protocol;
            _scratch.WriteError(message);
            Complete(session, reserved, _scratch.WrittenSpan);
            return;
        }
        var writer = BeginLocalReply(session);
        writer.WriteError(message);
        EndLocalReply(session, writer, counters, start);
    }

    private void Record(ClientSession session, CommandCounters? counters, ReadOnlySpan<byte> reply, long start)
    {
        if (counters is null || session.Tenant is null)
            return;
        session.Counters.BytesOut += reply.Length;
        if (!reply.IsEmpty && reply[0] is (byte)'-' or (byte)'!')
            counters.Errors++;
        counters.Latency.Record((long)((Now - start) * MicrosecondsPerTick));
    }

    /// <summary>The command's size as RESP on the wire (inline commands are counted as if sent as RESP).</summary>
    private static long RequestSize(CommandArgs args)
    {
        if (!args.Frame.IsEmpty)
            return args.Frame.Length;
        long size = 3 + Digits(args.Count);
        for (int i = 0; i < args.Count; i++)
        {
            int length = args.Slice(i).Length;
            size += 5 + Digits(length) + length;
        }
        return size;
    }

    private static int Digits(int value) => value < 10 ? 1 : value < 100 ? 2 : value < 1000 ? 3 : (int)Math.Floor(Math.Log10(value)) + 1;

    /// <summary>Called by the server's timer from any thread: maintenance runs on this loop's thread.</summary>
    internal void RequestMaintenance() => _loop?.Post(_maintain);

    private void Maintain()
    {
        _pool?.Maintain(_server.Routes, Environment.TickCount64);
        CheckSubscribedRoutes();
    }

    public void OnWake() => _iterationTimestamp = _iterationMs = 0;

    public void BeforeSend()
    {
    }

    public void Dispose() => _pool?.Dispose();
}
