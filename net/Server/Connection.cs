using Istore.Net.Native;
using Istore.Net.Resp;

namespace Istore.Net.Server;

/// <summary>
/// One client connection, owned by one event loop: its socket, receive buffer, reply buffer and
/// the application's session state. Only the owning loop thread touches the buffers.
/// </summary>
public sealed class Connection
{
    private const int DefaultBufferSize = 16 * 1024;
    private readonly int _bufferSize;

    internal Connection(long id, int fd, string remoteAddress, EventLoop? loop, int bufferSize = DefaultBufferSize)
    {
        _bufferSize = bufferSize;
        Input = new byte[bufferSize];
        Output = new RespWriter(bufferSize);
        Id = id;
        Fd = fd;
        RemoteAddress = remoteAddress;
        Loop = loop;
        CreatedAtMs = Environment.TickCount64;
        LastInteractionMs = CreatedAtMs;
    }

    public long Id { get; }

    public int Fd { get; }

    /// <summary>"ip:port" of the peer.</summary>
    public string RemoteAddress { get; }

    /// <summary>The owning loop; null for a detached connection (benchmarks, tests).</summary>
    internal EventLoop? Loop { get; }

    public long CreatedAtMs { get; }

    public long LastInteractionMs { get; internal set; }

    public RespWriter Output { get; }

    /// <summary>The application's per-connection state (a node session, a proxy client…).</summary>
    public object? State { get; set; }

    /// <summary>Which output buffer limit applies (the application says: a subscriber is PubSub).</summary>
    public OutputClass OutputClass { get; set; }

    /// <summary>When the unsent replies went past the class's soft limit (0 while under it).</summary>
    internal long OverSoftLimitSinceMs;

    /// <summary>Set by a command (QUIT, a fatal error): close once the pending replies are sent.</summary>
    public bool CloseAfterReply { get; set; }

    public bool IsClosed { get; internal set; }

    /// <summary>Bytes received but not yet parsed into commands.</summary>
    public int PendingInputBytes => InputEnd - InputStart;

    /// <summary>
    /// Redis's qbuf: <see cref="PendingInputBytes"/>, less the headers of a command whose big
    /// argument is still arriving (Redis keeps such an argument alone in its query buffer).
    /// </summary>
    public int QueryBufferBytes => Math.Max(0, PendingInputBytes - PartialInput.AwaitedBigArgumentOffset);

    /// <summary>
    /// What this client holds (Redis's tot-mem): input received and not yet run, replies not yet
    /// sent, and <see cref="ApplicationMemory"/> — what grows without bound for a client that
    /// sends a huge command or stops reading. A big argument still arriving counts whole from its
    /// header on, as Redis allocates its query buffer then (and so this loop sizes the receive
    /// buffer): CLIENT LIST shows it at once, and maxmemory-clients may close the client before
    /// the bytes come. Other buffer room is not counted: it is at most twice what was held at a
    /// peak, and given back when the client idles (or at once past 1 MB). Read from other
    /// threads, racily (a report).
    /// </summary>
    public long MemoryUsage => (long)Math.Max(PendingInputBytes, PartialInput.AwaitedBigArgumentEnd) + Output.Length + ApplicationMemory;

    /// <summary>What the application keeps for this client (a transaction's queued commands, watched keys, subscriptions…), counted in <see cref="MemoryUsage"/>. Loop thread only.</summary>
    public long ApplicationMemory { get; set; }

    /// <summary>CLIENT NO-EVICT: maxmemory-clients never closes this client. Loop thread only.</summary>
    public bool NoEvict
    {
        get => _noEvict;
        set
        {
            EvictionRecheck |= _noEvict && !value;   // turned off: it may be the one to go now
            _noEvict = value;
        }
    }

    private bool _noEvict;

    /// <summary>The <see cref="MemoryUsage"/> last added to the host's <see cref="ClientMemory"/>.</summary>
    internal long CountedMemory;

    /// <summary>What eviction took this client to free (until its loop closes it); -1 once closed.</summary>
    internal long EvictionCharge;

    /// <summary>Set when the client became evictable: the next update checks the limit even if nothing grew.</summary>
    internal bool EvictionRecheck;

    /// <summary>
    /// Those bytes: while a command runs, its own frame first, then the pipelined requests behind it
    /// (an application may look ahead at them, e.g. to read a run of GETs at once). Valid until the command returns.
    /// </summary>
    public ReadOnlySpan<byte> PendingInput => Input.AsSpan(InputStart, InputEnd - InputStart);

    /// <summary>
    /// Parses the request <paramref name="offset"/> bytes into <see cref="PendingInput"/> without
    /// consuming it (an application looking ahead at a pipeline); its arguments are valid as long as
    /// <see cref="PendingInput"/> is.
    /// </summary>
    public ParseResult PeekRequest(int offset, CommandArgs into, RespLimits limits, out int consumed) =>
        RespRequestParser.TryParse(Input, InputStart + offset, InputEnd, into, limits, out consumed, out _);

    public int InputCapacity => Input.Length;

    internal byte[] Input;
    internal readonly PartialRequest PartialInput = new();
    internal int InputStart;
    internal int InputEnd;
    internal bool WaitingForWritable;
    internal bool ReadingPaused;
    internal bool QueuedForSend;
    internal bool QueuedForSendSoon;
    internal bool QueuedForResume;

    /// <summary>The loop that owns this connection (null when detached), for applications that do I/O of their own.</summary>
    public IEventLoop? EventLoop => Loop;

    /// <summary>Set while the application holds this client's input: suspended and not read either (a proxy's in-flight limit).</summary>
    public bool InputHeld { get; private set; }

    /// <summary>
    /// Sends what the application wrote to <see cref="Output"/> outside <c>Execute</c> (a reply that
    /// came from elsewhere) at the end of this loop iteration. Loop thread only.
    /// </summary>
    public void SendOutput() => Loop?.QueueSend(this);

    /// <summary>
    /// <see cref="SendOutput"/> when more replies for this client are due any moment: the send
    /// may wait one loop iteration (at most a millisecond when idle) so that they go together,
    /// one send and one wake-up of the client instead of two. Loop thread only.
    /// </summary>
    public void SendOutputSoon() => Loop?.QueueSendSoon(this);

    /// <summary>
    /// Stops parsing, as <see cref="Suspend"/> does, and reading the socket, so the client's own
    /// sends back up (backpressure) instead of piling up here. Independent of a command's
    /// suspension: a client held for its replies (semi-synchronous writes) may also have a
    /// command waiting (a MIGRATE it pipelined after them). Loop thread only.
    /// </summary>
    public void HoldInput() => InputHeld = true;

    /// <summary>
    /// Ends <see cref="HoldInput"/>: a <see cref="Resume"/> that came meanwhile runs now (its reply
    /// after the ones written before this call), then reading and parsing resume at the end of this
    /// loop iteration unless a command still waits. Loop thread only.
    /// </summary>
    public void ReleaseInput()
    {
        if (!InputHeld)
            return;
        InputHeld = false;
        if (_resumeAfterInput is { } resume)
        {
            _resumeAfterInput = null;
            EndWait(resume);
            SendOutput();
        }
        if (!_waiting)
            Loop?.ContinueAtBatchEnd(this);
    }

    /// <summary>Set while the application holds this client's replies: they stay in <see cref="Output"/>, unsent (a node whose log cannot write them yet).</summary>
    public bool OutputHeld { get; private set; }

    /// <summary>Keeps <see cref="Output"/> from being sent until <see cref="ReleaseOutput"/>; replies written meanwhile queue behind, in order. Loop thread only.</summary>
    public void HoldOutput() => OutputHeld = true;

    /// <summary>Ends <see cref="HoldOutput"/>: what waited goes out at the end of this loop iteration. Loop thread only.</summary>
    public void ReleaseOutput()
    {
        OutputHeld = false;
        SendOutput();
    }

    /// <summary>
    /// Set while a command waits for something (a blocking pop), or the input is held: the loop
    /// parses no further commands from this client until <see cref="Resume"/> (and
    /// <see cref="ReleaseInput"/>), as Redis does for blocked clients.
    /// </summary>
    public bool IsSuspended => _waiting || InputHeld;

    private bool _waiting;

    /// <summary>A <see cref="Resume"/> that came while the input was held: it runs at <see cref="ReleaseInput"/>, so its reply cannot overtake the held ones.</summary>
    private Action<Connection>? _resumeAfterInput;

    /// <summary>Called by the running command on the loop thread: stop after it, keep the rest of the input.</summary>
    public void Suspend() => _waiting = true;

    /// <summary>
    /// Like <see cref="Suspend"/>, but the running command stays unconsumed and runs again on
    /// <see cref="Resume"/> (a write held by CLIENT PAUSE runs once the pause ends).
    /// </summary>
    public void SuspendToRetry()
    {
        _waiting = true;
        RetryCommand = true;
    }

    internal bool RetryCommand { get; set; }

    /// <summary>
    /// Runs <paramref name="action"/> on the owning loop's thread (from any thread) and then sends
    /// what it wrote — a reply to a blocked client, a pub/sub message. Does nothing once closed.
    /// A detached connection runs it at once.
    /// </summary>
    public void Deliver(Action<Connection> action)
    {
        var loop = Loop;
        if (loop is null)
        {
            action(this);
            return;
        }
        loop.Deliver(this, action);
    }

    /// <summary>
    /// On its loop's thread: what was delivered there so far goes out now, before the reply of the
    /// command about to run, rather than at the batch's end (invalidations of keys evicted before it).
    /// </summary>
    public void RunPendingDeliveries() => Loop?.RunOwnDeliveries(this);

    /// <summary>
    /// Ends <see cref="Suspend"/> (from any thread): the loop runs the commands that waited, after
    /// <paramref name="action"/> — at <see cref="ReleaseInput"/> when the input is held then.
    /// </summary>
    public void Resume(Action<Connection>? action = null) => Deliver(c =>
    {
        if (c.InputHeld)
        {
            c._resumeAfterInput = action ?? (_ => { });
            return;
        }
        c.EndWait(action);
        c.Loop?.ContinueInput(c);
    });

    private void EndWait(Action<Connection>? action)
    {
        action?.Invoke(this);
        _waiting = false;
    }

    /// <summary>Set by <see cref="HandOff"/> or <see cref="Detach"/>: who takes the socket once the replies written so far are sent.</summary>
    internal Action<int, byte[]>? HandOffTo { get; private set; }

    /// <summary>
    /// Gives the socket to the application (a replica's stream, which needs blocking I/O on a
    /// thread of its own): the loop parses nothing more, sends what <see cref="Output"/> holds,
    /// forgets the connection (the worker's <c>OnClose</c> runs) and calls <paramref name="take"/>
    /// with a blocking socket and the input received but not yet parsed. Loop thread only.
    /// </summary>
    public void HandOff(Action<System.Net.Sockets.Socket, ReadOnlyMemory<byte>> take) => Detach((fd, unread) =>
    {
        // The loop's fd is O_NONBLOCK: clear that before .NET sees it (it reads the flag). A .NET socket that is
        // non-blocking underneath stays so for good, even set Blocking = true: each of its blocking calls that has
        // to wait is then emulated through the runtime's epoll thread and the thread pool.
        Libc.fcntl(fd, Libc.F_SETFL, Libc.fcntl(fd, Libc.F_GETFL, 0) & ~Libc.O_NONBLOCK);
        take(new System.Net.Sockets.Socket(new System.Net.Sockets.SafeSocketHandle(fd, ownsHandle: true)), unread);
    });

    /// <summary>
    /// Like <see cref="HandOff"/>, but <paramref name="take"/> gets the raw descriptor, which it
    /// now owns (to pass it to another process), and the input received but not yet parsed.
    /// </summary>
    public void Detach(Action<int, byte[]> take)
    {
        HandOffTo = take;
        _waiting = true;
        Loop?.QueueSend(this);
    }

    /// <summary>A <see cref="Detach"/> or <see cref="HandOff"/> waits for the written replies to be sent.</summary>
    public bool HandOffPending => HandOffTo is not null;

    /// <summary>Replies written but not yet accepted by the socket.</summary>
    public int PendingOutputBytes => Output.Length;

    /// <summary>Set by <see cref="Kill"/>: the connection is as good as gone, though its loop closes it later.</summary>
    public bool IsKilled { get; private set; }

    /// <summary>Asks the owning loop to close this connection (safe from any thread).</summary>
    public void Kill()
    {
        IsKilled = true;
        var loop = Loop;
        loop?.Post(() => loop.Close(this));
    }

    /// <summary>A connection with no socket, for driving a server's command path directly (benchmarks, tests).</summary>
    public static Connection CreateDetached(long id = 0) => new(id, -1, "detached:0", null);

    /// <summary>
    /// Makes room for at least <paramref name="wanted"/> more bytes, compacting then growing: by
    /// doubling, or to exactly that room when <paramref name="exact"/> (a big argument of known size,
    /// as Redis sizes its query buffer for one).
    /// </summary>
    internal bool EnsureInputSpace(int wanted, long limit, bool exact = false)
    {
        if (Input.Length - InputEnd >= wanted)
            return true;
        if (InputStart > 0)
        {
            Buffer.BlockCopy(Input, InputStart, Input, 0, InputEnd - InputStart);
            InputEnd -= InputStart;
            InputStart = 0;
            if (Input.Length - InputEnd >= wanted)
                return true;
        }
        long size = exact ? (long)InputEnd + wanted : Math.Max((long)Input.Length * 2, (long)InputEnd + wanted);
        if (size > limit || size > Array.MaxLength)
            return false;
        MemoryGiveBack.Dropped(Input.Length);
        Array.Resize(ref Input, (int)size);
        return true;
    }

    /// <summary>After a burst, give back a big receive buffer once it is empty (any grown one with <paramref name="idle"/>).</summary>
    internal void ShrinkInputIfIdle(bool idle = false)
    {
        if (InputStart == InputEnd)
        {
            InputStart = InputEnd = 0;
            if (Input.Length > (idle ? _bufferSize : 1024 * 1024))
            {
                MemoryGiveBack.Dropped(Input.Length);
                Input = new byte[_bufferSize];
            }
        }
    }
}
