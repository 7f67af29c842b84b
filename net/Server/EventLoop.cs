using System.Collections.Concurrent;
using System.Text;
using Istore.Net.Native;
using Istore.Net.Resp;

namespace Istore.Net.Server;

/// <summary>
/// One epoll event loop on its own thread, Redis-style: wait for ready sockets, read, parse and
/// run every complete command, let the application make the batch durable, then send each
/// connection's replies with one send. A connection whose replies do not fit the socket stops
/// being read until they drain (backpressure). Applications may watch sockets of their own on
/// the loop (<see cref="IEventLoop"/>), so a proxy's backend I/O runs on the same thread as its clients.
/// </summary>
internal sealed unsafe partial class EventLoop : IEventLoop, IDisposable
{
    private const ulong ListenTag = ulong.MaxValue;
    private const ulong WakeTag = ulong.MaxValue - 1;

    /// <summary>Application sockets get tags from here up; connection ids stay far below.</summary>
    private const ulong FirstWatchTag = 1UL << 62;

    /// <summary>
    /// Unsent replies a client may pile up before we stop reading its socket. Below it we keep
    /// reading, as Redis does, so a client that writes a whole pipeline before reading works;
    /// above it backpressure bounds the memory one client can take.
    /// </summary>
    private const int MaxUnsentBeforePause = 16 * 1024 * 1024;

    // Written by this loop's thread only; read by INFO from any thread (64-bit reads do not tear).
    private long _bytesIn;
    private long _bytesOut;

    private readonly ServerHost _host;
    private readonly int _index;
    private readonly int _epoll;
    private readonly int _wakeFd;
    private readonly Dictionary<long, Connection> _connections = [];
    private readonly List<Connection> _sendQueue = [];
    /// <summary>Connections whose send waits for the next iteration (<see cref="QueueSendSoon"/>): those that waited in this one, and those that wait from this one.</summary>
    private List<Connection> _sendSoonDue = [];
    private List<Connection> _sendSoonNext = [];
    private readonly List<Connection> _resumed = [];
    private readonly List<IBatchEndHandler> _batchEnd = [];
    private readonly Dictionary<ulong, ISocketHandler> _watches = [];
    private ulong _nextWatchTag = FirstWatchTag;
    private readonly ConcurrentQueue<Action> _posted = new();

    private CommandArgs _args = new();
    private readonly CommandArgs _busyArgs = new();
    private readonly Thread _thread;
    private ILoopWorker? _worker;
    private volatile bool _stopping;

    public EventLoop(ServerHost host, int index)
    {
        _host = host;
        _index = index;
        _epoll = Libc.epoll_create1(0);
        Libc.ThrowIfFailed(_epoll, "epoll_create1");
        _wakeFd = Libc.eventfd(0, Libc.EFD_NONBLOCK);
        Libc.ThrowIfFailed(_wakeFd, "eventfd");
        Register(_wakeFd, Libc.EPOLLIN, WakeTag, Libc.EPOLL_CTL_ADD);
        Register(host.ListenFd, Libc.EPOLLIN | Libc.EPOLLEXCLUSIVE, ListenTag, Libc.EPOLL_CTL_ADD);
        _thread = new Thread(Run) { Name = $"istore-loop-{index}", IsBackground = true };
    }

    public int ConnectionCount => _connections.Count;

    public void Start() => _thread.Start();

    /// <summary>Waits for the loop thread to end (returns at once if it never started).</summary>
    public void Join()
    {
        if ((_thread.ThreadState & ThreadState.Unstarted) == 0)
            _thread.Join();
    }

    /// <summary>Runs <paramref name="action"/> on this loop's thread (from any thread).</summary>
    public void Post(Action action)
    {
        _posted.Enqueue(action);
        ulong one = 1;
        Libc.write(_wakeFd, (byte*)&one, sizeof(ulong));
    }

    public void Stop() => Post(() => _stopping = true);

    /// <summary>Bytes received from and sent to this loop's clients since start.</summary>
    internal (long In, long Out) Traffic => (Volatile.Read(ref _bytesIn), Volatile.Read(ref _bytesOut));

    /// <summary>On the loop thread: a resumed connection runs the commands that arrived while it was suspended.</summary>
    internal void ContinueInput(Connection c)
    {
        if (!c.IsClosed && !c.WaitingForWritable)
            ProcessInput(c);
    }

    private void Run()
    {
        _worker = _host.Application.CreateWorker(_index);
        var events = stackalloc Libc.EpollEvent[256];
        try
        {
            while (!_stopping)
            {
                // Deliveries queued after this batch's end ran (by a resumed pipeline, say) go at once;
                // a reply held back for its batch's other replies waits at most a millisecond for them.
                int n = Libc.epoll_wait(_epoll, events, 256, _ownDeliveries.Count > 0 ? 0 : _sendSoonDue.Count > 0 ? 1 : 100);
                if (n < 0 && Libc.Errno != Libc.EINTR)
                    Libc.ThrowIfFailed(n, "epoll_wait");
                _worker.OnWake();
                // Work posted from other threads first: a delivery posted before a client's next
                // command arrived (an invalidation of a key housekeeping evicted) goes before its reply.
                for (int i = 0; i < n; i++)
                    if (events[i].Data == WakeTag)
                        Dispatch(events[i]);
                for (int i = 0; i < n; i++)
                    if (events[i].Data != WakeTag)
                        Dispatch(events[i]);
                FlushBatch();
                ShrinkIdleBuffers();
            }
        }
        catch (Exception ex)
        {
            _host.ReportLoopFailure(ex);
        }
        finally
        {
            foreach (var c in _connections.Values.ToArray())
                Close(c);
            _worker.Dispose();
        }
    }

    private void Dispatch(Libc.EpollEvent ev)
    {
        if (ev.Data == ListenTag)
        {
            AcceptAll();
            return;
        }
        if (ev.Data == WakeTag)
        {
            ulong value;
            Libc.read(_wakeFd, (byte*)&value, sizeof(ulong));
            while (_posted.TryDequeue(out var action))
                action();
            return;
        }
        if (ev.Data >= FirstWatchTag)
        {
            if (_watches.TryGetValue(ev.Data, out var handler))
                handler.OnReady((ev.Events & (Libc.EPOLLIN | Libc.EPOLLERR | Libc.EPOLLHUP | Libc.EPOLLRDHUP)) != 0,
                    (ev.Events & Libc.EPOLLOUT) != 0);
            return;
        }
        if (!_connections.TryGetValue((long)ev.Data, out var c))
            return;
        if ((ev.Events & Libc.EPOLLOUT) != 0)
            TrySend(c);
        if ((ev.Events & (Libc.EPOLLIN | Libc.EPOLLERR | Libc.EPOLLHUP | Libc.EPOLLRDHUP)) != 0 && !c.IsClosed)
            Receive(c);
    }

    private void AcceptAll()
    {
        var addr = stackalloc byte[128];
        while (true)
        {
            int len = 128;
            int fd = Libc.accept4(_host.ListenFd, addr, &len, Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC);
            if (fd < 0)
                return;   // EAGAIN: another loop took it, or the queue is empty
            if (_host.ConnectionCount >= _host.MaxClients)
            {
                var msg = "-ERR max number of clients reached\r\n"u8;
                fixed (byte* p = msg) Libc.send(fd, p, msg.Length, Libc.MSG_NOSIGNAL);
                Libc.close(fd);
                continue;
            }
            int one = 1;
            Libc.setsockopt(fd, Libc.IPPROTO_TCP, Libc.TCP_NODELAY, &one, sizeof(int));
            var c = new Connection(_host.NextConnectionId(), fd, SocketAddress.Format(addr, len), this, _host.Options.ConnectionBufferSize);
            _connections[c.Id] = c;
            _host.Track(c);
            Register(fd, Libc.EPOLLIN | Libc.EPOLLRDHUP, (ulong)c.Id, Libc.EPOLL_CTL_ADD);
            _worker!.OnOpen(c);
        }
    }

    /// <summary>
    /// Reads what the socket has and runs the commands in it. A read that filled the buffer and
    /// left a big argument waiting reads once more at once, into a buffer sized for it: the rest
    /// is most likely there already.
    /// </summary>
    private void Receive(Connection c)
    {
        for (int reads = 0; reads < 2; reads++)
        {
            int wanted = _host.Options.ConnectionBufferSize;
            bool bigCommand = c.PartialInput.AwaitedBigArgumentEnd > 0;
            int awaited = c.InputStart + c.PartialInput.AwaitedBigArgumentEnd - c.InputEnd;
            // The rest of a big argument gets exactly its room, even its last few bytes: doubling
            // a buffer sized for 600 KB to make 16 KB of room would pass a 1 MB query buffer limit.
            if (!(awaited > 0 ? c.EnsureInputSpace(awaited, _host.Limits.MaxQueryBuffer, exact: true)
                    : c.EnsureInputSpace(wanted, _host.Limits.MaxQueryBuffer)))
            {
                c.Output.WriteError("ERR Protocol error: client query buffer limit exceeded");
                CloseAfterSend(c);
                return;
            }
            int room = c.Input.Length - c.InputEnd;
            nint n;
            fixed (byte* p = &c.Input[c.InputEnd])
                n = Libc.recv(c.Fd, p, room, 0);
            if (n <= 0)
            {
                if (n == 0 || (Libc.Errno != Libc.EAGAIN && Libc.Errno != Libc.EINTR))
                    Close(c);
                return;
            }
            _bytesIn += n;
            c.InputEnd += (int)n;
            c.LastInteractionMs = Environment.TickCount64;
            if (bigCommand)
                UpdateMemory(c);   // a command with a big argument counts before it runs, as Redis counts its arguments: maxmemory-clients may evict its client first
            ProcessInput(c);
            if (n < room || c.PartialInput.AwaitedBigArgumentEnd == 0 || c.IsClosed || c.IsKilled || c.ReadingPaused || c.CloseAfterReply)
                return;
        }
    }

    /// <summary>Runs every complete command in the receive buffer; stops at a partial frame.</summary>
    private void ProcessInput(Connection c)
    {
        _worker!.OnInput(c);
        while (c.InputStart < c.InputEnd && !c.CloseAfterReply && !c.IsSuspended && !c.IsKilled)
        {
            var result = RespRequestParser.TryParse(c.Input, c.InputStart, c.InputEnd, _args, _host.Limits,
                out int consumed, out string? error, c.PartialInput);
            if (result == ParseResult.Incomplete)
                break;
            if (result == ParseResult.ProtocolError)
            {
                c.Output.WriteError("ERR " + error);
                CloseAfterSend(c);
                return;
            }
            if (_args.Count > 0)
                _worker!.Execute(c, _args);
            if (c.RetryCommand)
            {
                c.RetryCommand = false;   // parsed again on Resume
                break;
            }
            c.InputStart += consumed;
        }
        ShrinkInput(c);
        QueueSend(c);
        if (!c.QueuedForSend)
            UpdateMemory(c);   // input left waiting (a command still arriving) and nothing to send, which would count it
        SetInterest(c, c.WaitingForWritable);   // replies grew while the socket is full, or the application held input: pause reading?
    }

    private void CloseAfterSend(Connection c)
    {
        c.CloseAfterReply = true;
        QueueSend(c);
    }

    internal void QueueSend(Connection c)
    {
        if (!c.QueuedForSend && (c.Output.Length > 0 || c.CloseAfterReply || c.HandOffTo is not null))
        {
            c.QueuedForSend = true;
            _sendQueue.Add(c);
        }
        CheckOutputLimit(c);
        if (c.WaitingForWritable || c.OutputHeld)
            UpdateMemory(c);   // these replies stay: no send counts them this iteration
    }

    /// <summary>
    /// Like <see cref="QueueSend"/>, but the send may wait for the end of the next iteration, so
    /// that replies the application expects any moment (a pipeline's answers from another
    /// backend) leave in the same send instead of one more. Never longer: a reply waits at most
    /// one iteration.
    /// </summary>
    internal void QueueSendSoon(Connection c)
    {
        if (!c.QueuedForSend && !c.QueuedForSendSoon && c.Output.Length > 0)
        {
            c.QueuedForSendSoon = true;
            _sendSoonNext.Add(c);
        }
        CheckOutputLimit(c);
        if (c.WaitingForWritable || c.OutputHeld)
            UpdateMemory(c);   // these replies stay: no send counts them this iteration
    }

    /// <summary>
    /// Counts what the client holds once the loop has done what it could with it: after a send,
    /// or when its replies or input must wait. A client that is answered at once holds nothing
    /// then, so the count is not touched for it (maxmemory-clients may evict someone for a growth).
    /// </summary>
    private void UpdateMemory(Connection c)
    {
        if (!c.IsClosed)
            _host.ClientMemory.Update(c);
    }

    /// <summary>
    /// Closes a client whose unsent replies broke its class's client-output-buffer-limit, as Redis
    /// does, dropping them: the replies of a client that does not read would otherwise grow without bound.
    /// </summary>
    private void CheckOutputLimit(Connection c)
    {
        var limit = _host.OutputLimits[c.OutputClass];
        if (limit.IsOff || c.IsClosed
            || !OutputBufferLimits.IsBroken(limit, c.Output.Length, ref c.OverSoftLimitSinceMs, Environment.TickCount64))
            return;
        _host.CountOutputLimitDisconnection();
        _host.OutputLimitBroken?.Invoke(c);
        c.Output.Clear();
        Close(c);
    }

    /// <summary>
    /// End of an iteration: deliveries made on this thread and input released by the application run, application sockets send
    /// what the batch queued, the application makes the batch durable, then replies go out.
    /// </summary>
    private void FlushBatch()
    {
        RunOwnDeliveries();
        for (int i = 0; i < _resumed.Count; i++)
        {
            var c = _resumed[i];
            c.QueuedForResume = false;
            if (!c.InputHeld)
                ContinueInput(c);
        }
        _resumed.Clear();
        for (int i = 0; i < _batchEnd.Count; i++)
            _batchEnd[i].OnBatchEnd();
        _batchEnd.Clear();
        if (_sendQueue.Count > 0 || _sendSoonDue.Count > 0)
        {
            _worker!.BeforeSend();
            foreach (var c in _sendQueue)
            {
                c.QueuedForSend = false;
                if (!c.IsClosed && !c.WaitingForWritable)
                    TrySend(c);
            }
            _sendQueue.Clear();
            foreach (var c in _sendSoonDue)
            {
                c.QueuedForSendSoon = false;
                if (!c.IsClosed && !c.WaitingForWritable && c.Output.Length > 0)
                    TrySend(c);
            }
            _sendSoonDue.Clear();
        }
        (_sendSoonDue, _sendSoonNext) = (_sendSoonNext, _sendSoonDue);
    }

    private void TrySend(Connection c)
    {
        if (c.OutputHeld)
        {
            UpdateMemory(c);
            return;
        }
        var output = c.Output;
        while (output.Length > 0)
        {
            nint n;
            fixed (byte* p = output.WrittenSpan)
                n = Libc.send(c.Fd, p, output.Length, Libc.MSG_NOSIGNAL);
            if (n < 0)
            {
                if (Libc.Errno == Libc.EAGAIN)
                {
                    SetInterest(c, waitingForWritable: true);
                    UpdateMemory(c);
                    return;
                }
                if (Libc.Errno == Libc.EINTR)
                    continue;
                Close(c);
                return;
            }
            _bytesOut += n;
            output.Consume((int)n);
        }
        UpdateMemory(c);
        if (c.CloseAfterReply)
        {
            Close(c);
            return;
        }
        if (c.HandOffTo is { } take)
        {
            HandOff(c, take);
            return;
        }
        if (c.WaitingForWritable)
        {
            SetInterest(c, waitingForWritable: false);
            ProcessInput(c);   // input that arrived while reading was paused
        }
    }

    /// <summary>
    /// What epoll watches for a connection: writability while replies are stuck in a full socket,
    /// and readability unless the stuck replies passed <see cref="MaxUnsentBeforePause"/> or the
    /// application holds the input.
    /// </summary>
    private void SetInterest(Connection c, bool waitingForWritable)
    {
        bool pause = (waitingForWritable && c.Output.Length >= MaxUnsentBeforePause) || c.InputHeld;
        if (c.WaitingForWritable == waitingForWritable && c.ReadingPaused == pause)
            return;
        c.WaitingForWritable = waitingForWritable;
        c.ReadingPaused = pause;
        uint events = (waitingForWritable ? Libc.EPOLLOUT : 0) | (pause ? 0 : Libc.EPOLLIN | Libc.EPOLLRDHUP);
        Register(c.Fd, events, (ulong)c.Id, Libc.EPOLL_CTL_MOD);
    }

    /// <summary>Forgets a connection without closing its socket, which goes to <paramref name="take"/> (see <see cref="Connection.Detach"/>).</summary>
    private void HandOff(Connection c, Action<int, byte[]> take)
    {
        c.IsClosed = true;
        Libc.epoll_ctl(_epoll, Libc.EPOLL_CTL_DEL, c.Fd, null);
        _connections.Remove(c.Id);
        _host.Untrack(c);
        _host.ClientMemory.Forget(c);
        MemoryGiveBack.Dropped(c.Input.Length);
        MemoryGiveBack.Dropped(c.Output.Capacity);
        _worker?.OnClose(c);
        take(c.Fd, c.Input.AsSpan(c.InputStart, c.InputEnd - c.InputStart).ToArray());
    }

    /// <summary>
    /// Serves a connection another process (or a failed hand-over) gave us: its socket, its id,
    /// the input it had received but not parsed; <paramref name="restore"/> sets the
    /// application's session state before that input runs.
    /// </summary>
    internal void Adopt(int fd, long id, string remoteAddress, byte[] input, Action<Connection> restore)
    {
        Libc.fcntl(fd, Libc.F_SETFL, Libc.fcntl(fd, Libc.F_GETFL, 0) | Libc.O_NONBLOCK);
        var c = new Connection(id, fd, remoteAddress, this, _host.Options.ConnectionBufferSize);
        c.EnsureInputSpace(input.Length, long.MaxValue);
        input.CopyTo(c.Input, 0);
        c.InputEnd = input.Length;
        _connections[c.Id] = c;
        _host.Track(c);
        Register(fd, Libc.EPOLLIN | Libc.EPOLLRDHUP, (ulong)c.Id, Libc.EPOLL_CTL_ADD);
        _worker!.OnOpen(c);
        restore(c);
        UpdateMemory(c);
        ProcessInput(c);
    }

    /// <summary>Whether this loop takes connections from the listening socket (registered with epoll).</summary>
    private bool _accepting = true;

    /// <summary>The host listens on a new socket: take connections from it instead of the old one.</summary>
    internal void MoveListener(int oldFd, int newFd)
    {
        if (!_accepting)
            return;
        Libc.epoll_ctl(_epoll, Libc.EPOLL_CTL_DEL, oldFd, null);
        Register(newFd, Libc.EPOLLIN | Libc.EPOLLEXCLUSIVE, ListenTag, Libc.EPOLL_CTL_ADD);
    }

    /// <summary>Stops or resumes taking connections from the listening socket (another process may take them meanwhile).</summary>
    internal void SetAccepting(bool accepting)
    {
        _accepting = accepting;
        if (accepting)
            Register(_host.ListenFd, Libc.EPOLLIN | Libc.EPOLLEXCLUSIVE, ListenTag, Libc.EPOLL_CTL_ADD);
        else
            Libc.epoll_ctl(_epoll, Libc.EPOLL_CTL_DEL, _host.ListenFd, null);
    }

    public void Close(Connection c)
    {
        if (c.IsClosed)
            return;
        c.IsClosed = true;
        Libc.epoll_ctl(_epoll, Libc.EPOLL_CTL_DEL, c.Fd, null);
        Libc.close(c.Fd);
        _connections.Remove(c.Id);
        _host.Untrack(c);
        _host.ClientMemory.Forget(c);
        _worker?.OnClose(c);
    }

    /// <summary>Parsing resumes at the end of this iteration (the application released the input).</summary>
    internal void ContinueAtBatchEnd(Connection c)
    {
        if (c.QueuedForResume)
            return;
        c.QueuedForResume = true;
        _resumed.Add(c);
    }

    public SocketWatch Watch(int fd, ISocketHandler handler)
    {
        var watch = new SocketWatch(this, fd, _nextWatchTag++);
        Register(fd, Libc.EPOLLIN | Libc.EPOLLRDHUP, watch.Tag, Libc.EPOLL_CTL_ADD);
        _watches[watch.Tag] = handler;
        return watch;
    }

    internal void ModifyWatch(SocketWatch watch, bool writable) =>
        Register(watch.Fd, Libc.EPOLLIN | Libc.EPOLLRDHUP | (writable ? Libc.EPOLLOUT : 0), watch.Tag, Libc.EPOLL_CTL_MOD);

    internal void Unwatch(SocketWatch watch)
    {
        _watches.Remove(watch.Tag);
        Libc.epoll_ctl(_epoll, Libc.EPOLL_CTL_DEL, watch.Fd, null);
    }

    public void AtBatchEnd(IBatchEndHandler handler) => _batchEnd.Add(handler);

    public void ProcessEventsWhileBusy(Connection running)
    {
        var events = stackalloc Libc.EpollEvent[64];
        int n = Libc.epoll_wait(_epoll, events, 64, 0);
        var outer = _args;
        _args = _busyArgs;   // the long command's arguments are still in use
        try
        {
            for (int i = 0; i < n; i++)
            {
                var ev = events[i];
                if (ev.Data == ListenTag)
                {
                    AcceptAll();
                    continue;
                }
                // Wake-ups and application sockets wait for the loop (epoll is level-triggered: they come back).
                if (ev.Data >= FirstWatchTag || ev.Data == WakeTag || !_connections.TryGetValue((long)ev.Data, out var c) || c == running)
                    continue;
                if ((ev.Events & (Libc.EPOLLIN | Libc.EPOLLERR | Libc.EPOLLHUP | Libc.EPOLLRDHUP)) == 0 || c.IsClosed)
                    continue;
                Receive(c);
            }
        }
        finally
        {
            _args = outer;
        }
        SendWhileBusy(running);
    }

    /// <summary>
    /// Makes what is queued durable, then sends every queued reply but the long command's own —
    /// those queued in its batch before it started too, as Redis's beforeSleep does while a script
    /// is busy: a client whose earlier reply stayed unsent would otherwise wait for the script it
    /// cannot kill. <paramref name="running"/> and a connection being handed off stay queued for the batch's end.
    /// </summary>
    private void SendWhileBusy(Connection running)
    {
        if (_sendQueue.Count == 0 || (_sendQueue.Count == 1 && _sendQueue[0] == running))
            return;
        _worker!.BeforeSendWhileBusy(running);
        int kept = 0;
        for (int i = 0; i < _sendQueue.Count; i++)
        {
            var c = _sendQueue[i];
            if (c == running || c.HandOffTo is not null)
            {
                _sendQueue[kept++] = c;
                continue;
            }
            c.QueuedForSend = false;
            if (!c.IsClosed && !c.WaitingForWritable)
                TrySend(c);
        }
        _sendQueue.RemoveRange(kept, _sendQueue.Count - kept);
    }

    private void Register(int fd, uint events, ulong data, int op)
    {
        var ev = new Libc.EpollEvent { Events = events, Data = data };
        Libc.ThrowIfFailed(Libc.epoll_ctl(_epoll, op, fd, &ev), "epoll_ctl");
    }

    public void Dispose()
    {
        Libc.close(_wakeFd);
        Libc.close(_epoll);
    }
}
