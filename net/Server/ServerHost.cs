using System.Collections.Concurrent;
using System.Net.Sockets;

namespace Istore.Net.Server;

/// <summary>
/// The RESP server host shared by node, proxy and HA: a listening socket and N event loops that
/// accept from it (EPOLLEXCLUSIVE spreads the connections), plus the registry of live connections
/// that CLIENT LIST and CLIENT KILL read.
/// </summary>
public sealed class ServerHost : IDisposable
{
    private Socket _listener;
    private volatile int _listenFd;
    private readonly object _relistenLock = new();
    private readonly EventLoop[] _loops;
    private readonly ConcurrentDictionary<long, Connection> _connections = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _lastConnectionId;
    private long _totalConnections;
    private int _stopRequested;

    public ServerHost(ServerOptions options, IServerApplication application)
    {
        Options = options;
        _limits = options.Limits;
        Application = application;
        _listener = options.Listener ?? Listen(options);
        _listener.Blocking = false;
        _listenFd = (int)_listener.Handle;
        ClientMemory = new ClientMemory(this);
        _loops = new EventLoop[Math.Max(1, options.Threads)];
        for (int i = 0; i < _loops.Length; i++)
            _loops[i] = new EventLoop(this, i);
    }

    private static Socket Listen(ServerOptions options) => TcpListen.Open(options.EndPoint, options.Backlog);

    public ServerOptions Options { get; }

    internal IServerApplication Application { get; }

    internal int ListenFd => _listenFd;

    /// <summary>
    /// Listens on <paramref name="endpoint"/> instead (CONFIG SET port / bind), from any thread: the
    /// new socket is bound first, so a failure (the port is taken) throws and changes nothing;
    /// then each loop moves to it and the last one closes the old socket, as Redis closes its old
    /// listeners once the new ones listen. Established connections stay.
    /// </summary>
    public void Relisten(System.Net.IPEndPoint endpoint)
    {
        lock (_relistenLock)
        {
            var listener = TcpListen.Open(endpoint, Options.Backlog);
            listener.Blocking = false;
            var old = _listener;
            int oldFd = _listenFd, newFd = (int)listener.Handle;
            _listener = listener;
            _listenFd = newFd;
            int remaining = _loops.Length;
            foreach (var loop in _loops)
                loop.Post(() =>
                {
                    loop.MoveListener(oldFd, newFd);
                    if (Interlocked.Decrement(ref remaining) == 0)
                        old.Dispose();
                });
        }
    }

    private Resp.RespLimits _limits;

    /// <summary>The protocol limits, replaced whole when one changes at run time (each receive reads them afresh).</summary>
    internal Resp.RespLimits Limits => Volatile.Read(ref _limits);

    /// <summary>client-query-buffer-limit, changeable at run time.</summary>
    public long MaxQueryBuffer
    {
        get => Limits.MaxQueryBuffer;
        set => Volatile.Write(ref _limits, Limits with { MaxQueryBuffer = value });
    }

    /// <summary>client-output-buffer-limit, changeable at run time.</summary>
    public OutputBufferLimits OutputLimits { get; } = new();

    private long _outputLimitDisconnections;

    /// <summary>Clients closed for passing their output buffer limit (INFO's client_output_buffer_limit_disconnections).</summary>
    public long OutputLimitDisconnections => Interlocked.Read(ref _outputLimitDisconnections);

    /// <summary>Told of each client about to be closed for its output buffer limit (the application logs it).</summary>
    public Action<Connection>? OutputLimitBroken { get; set; }

    /// <summary>Counts a client closed for its output buffer limit (replicas, which leave the loops, count here too).</summary>
    public void CountOutputLimitDisconnection() => Interlocked.Increment(ref _outputLimitDisconnections);

    /// <summary>What the clients hold, and maxmemory-clients eviction.</summary>
    public ClientMemory ClientMemory { get; }

    /// <summary>Changeable at run time (CONFIG SET maxclients).</summary>
    public int MaxClients { get; set; } = int.MaxValue;

    public int ConnectionCount => _connections.Count;

    public long TotalConnectionsReceived => Interlocked.Read(ref _totalConnections);

    /// <summary>Bytes received from clients, over every loop (INFO's total_net_input_bytes).</summary>
    public long BytesReceived => _loops.Sum(l => l.Traffic.In);

    /// <summary>Bytes sent to clients, over every loop (INFO's total_net_output_bytes).</summary>
    public long BytesSent => _loops.Sum(l => l.Traffic.Out);

    /// <summary>The port actually bound (useful with port 0).</summary>
    public int Port => EndPoint.Port;

    /// <summary>The address and port listened on.</summary>
    public System.Net.IPEndPoint EndPoint => (System.Net.IPEndPoint)_listener.LocalEndPoint!;

    /// <summary>Completes when every loop has stopped; faults if a loop died.</summary>
    public Task Stopped => _stopped.Task;

    /// <summary>Open connections by id; a killed one is left out at once (as Redis frees it at once), though its loop closes it later.</summary>
    public IEnumerable<Connection> Connections => _connections.Values.Where(c => !c.IsKilled).OrderBy(c => c.Id);

    public void Start()
    {
        MaxClients = Options.MaxClients;
        foreach (var loop in _loops)
            loop.Start();
        _ = Task.Run(() =>
        {
            foreach (var loop in _loops)
                loop.Join();
            _stopped.TrySetResult();
        });
    }

    /// <summary>Stops accepting and closes every connection (from any thread, including a loop's).</summary>
    public void Stop()
    {
        if (Interlocked.Exchange(ref _stopRequested, 1) == 0)
            foreach (var loop in _loops)
                loop.Stop();
    }

    public bool TryGetConnection(long id, out Connection connection) => _connections.TryGetValue(id, out connection!);

    internal long NextConnectionId() => Interlocked.Increment(ref _lastConnectionId);

    /// <summary>The id the last connection got; a successor process continues after it.</summary>
    public long LastConnectionId => Interlocked.Read(ref _lastConnectionId);

    /// <summary>New connections get ids above <paramref name="id"/> (adopted ones keep theirs). Before <see cref="Start"/>.</summary>
    public void ContinueIdsAfter(long id) => _lastConnectionId = Math.Max(_lastConnectionId, id);

    /// <summary>The listening socket's descriptor, to pass to a successor process.</summary>
    public int ListenerFd => ListenFd;

    /// <summary>
    /// Stops (or resumes) accepting on every loop and returns once each has; connections waiting
    /// in the backlog stay there for whoever else holds the socket. Not from a loop thread.
    /// </summary>
    public void SetAccepting(bool accepting) => OnEveryLoop(loop => loop.SetAccepting(accepting));

    /// <summary>
    /// Returns once every loop has finished what it was doing (a hand-off under way has given its
    /// socket away). Not from a loop thread.
    /// </summary>
    public void WaitForLoops() => OnEveryLoop(_ => { });

    private void OnEveryLoop(Action<EventLoop> action)
    {
        using var done = new CountdownEvent(_loops.Length);
        foreach (var loop in _loops)
            loop.Post(() =>
            {
                action(loop);
                done.Signal();
            });
        done.Wait();
    }

    /// <summary>
    /// Serves a connection handed over by another process (from any thread): it keeps its id;
    /// <paramref name="restore"/> runs on its loop before the <paramref name="input"/> it had
    /// received but not parsed. The loop owns <paramref name="fd"/> from now on.
    /// </summary>
    public void Adopt(int fd, long id, string remoteAddress, byte[] input, Action<Connection> restore)
    {
        var loop = _loops[(int)((ulong)id % (ulong)_loops.Length)];
        loop.Post(() => loop.Adopt(fd, id, remoteAddress, input, restore));
    }

    internal void Track(Connection c)
    {
        _connections[c.Id] = c;
        Interlocked.Increment(ref _totalConnections);
    }

    internal void Untrack(Connection c) => _connections.TryRemove(c.Id, out _);

    internal void ReportLoopFailure(Exception ex)
    {
        _stopped.TrySetException(ex);
        Stop();
    }

    public void Dispose()
    {
        Stop();
        foreach (var loop in _loops)
        {
            loop.Join();
            loop.Dispose();
        }
        _listener.Dispose();
    }
}
