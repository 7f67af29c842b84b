using System.Net;
using System.Net.Sockets;
using System.Text;
using Istore.Net.Resp;
using Istore.Net.Routes;
using Istore.Net.Server;
using Istore.Proxy.Pipeline;
using Istore.Proxy.Routing;

namespace Istore.Proxy.Backend;

/// <summary>
/// One long-lived, pipelined connection to a shard, owned by one event loop and shared by every
/// client of that loop and tenant. Commands are encoded into one buffer and sent once per loop
/// iteration; replies come back in order, so each matches the oldest pending request. When the
/// stream breaks (closed, a reply nobody asked for, invalid RESP) exactly the pending requests
/// fail with an error reply, and the next request reconnects after a backoff.
/// A timeout is not a break: only the requests that waited too long are answered with an error,
/// and the replies the backend still owes them are dropped when they come, so the requests behind
/// them (often other clients') still get theirs. Closing would fail those too, since RESP has no
/// way to skip a reply. Once every request left on the connection has timed out, nobody waits on
/// it: the next request reconnects instead of queueing behind a backend that may be stuck.
/// Each new connection starts with its handshake (AUTH for a backend with --requirepass, HELLO 3
/// for RESP3 clients) ahead of any request; a handshake's reply is dropped, and a refusal fails
/// the connection with the backend's error, so clients see why.
/// A subscriber link (one client's shard channels on one backend) is the same connection with an
/// <see cref="IPushSink"/>: messages it receives unasked go there, and so does a break, since the
/// backend forgot the subscriptions with the connection.
/// </summary>
internal sealed class BackendConnection : ISocketHandler, IBatchEndHandler, IDisposable
{
    private const int ReceiveChunk = 64 * 1024;
    private const int FirstBackoffMs = 50;
    private const int MaxBackoffMs = 2000;
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(3);

    private readonly IEventLoop _loop;
    private readonly IReplySink _sink;
    private readonly int _protocol;
    private readonly string? _password;
    private readonly IPushSink? _pushes;
    private readonly Queue<Pending> _pending = new();
    private readonly RespWriter _out = new(4096);
    private byte[] _in = new byte[ReceiveChunk];
    private readonly PartialReply _partial = new();
    private int _inStart;
    private int _inEnd;
    private Socket? _socket;
    private SocketWatch? _watch;
    private State _state;
    private long _retryAtMs;
    private int _backoffMs = FirstBackoffMs;
    private int _generation;
    /// <summary>Replies still owed to requests that timed out (they are the oldest, so the next ones to come).</summary>
    private int _dropReplies;
    private bool _flushQueued;
    /// <summary>Why the connection last went down, so that requests refused during the backoff say it too.</summary>
    private string _lastFailure = "";

    public BackendConnection(IEventLoop loop, IReplySink sink, Endpoint endpoint, int protocol, string? password, IPushSink? pushes = null)
    {
        _pushes = pushes;
        _loop = loop;
        _sink = sink;
        Endpoint = endpoint;
        _protocol = protocol;
        _password = password;
    }

    private enum State { Down, Connecting, Connected, Disposed }

    /// <summary>
    /// A request written to the backend and not answered yet. A handshake (AUTH, HELLO) and a
    /// command nobody waits for (a subscriber link's SUNSUBSCRIBE) have no slot, but a name: their
    /// reply is dropped, and a refusal or a timeout fails the connection.
    /// </summary>
    private readonly record struct Pending(RequestSlot? Slot, int Fragment, long SentAtMs, string? Handshake = null);

    public Endpoint Endpoint { get; }

    public int PendingCount => _pending.Count;

    /// <summary>
    /// The buffer to encode one command into, or null while the backend is down and its backoff
    /// has not passed (the caller answers with <see cref="UnavailableError"/>). Follow with <see cref="EndCommand"/>.
    /// </summary>
    public RespWriter? BeginCommand(long nowMs)
    {
        if (_dropReplies > 0 && _pending.Count == 0 && _state is State.Connected or State.Connecting)
        {
            Close("");   // holds no request: nobody gets an error
            _state = State.Down;
            _retryAtMs = nowMs;
        }
        if (_state == State.Down)
        {
            if (nowMs < _retryAtMs)
                return null;
            StartConnect();
        }
        return _state == State.Disposed ? null : _out;
    }

    public void EndCommand(RequestSlot slot, int fragment, long nowMs)
    {
        _pending.Enqueue(new Pending(slot, fragment, nowMs));
        QueueFlush();
    }

    /// <summary>Ends a command whose reply nobody waits for (see <see cref="Pending"/>).</summary>
    public void EndUnansweredCommand(string name, long nowMs)
    {
        _pending.Enqueue(new Pending(null, 0, nowMs, name));
        QueueFlush();
    }

    public byte[] UnavailableError => Encoding.UTF8.GetBytes($"-ERR backend {Endpoint} unavailable ({_lastFailure.ReplaceLineEndings(" ")}), reconnecting\r\n");

    /// <summary>
    /// Answers each request that has waited longer than <paramref name="timeoutMs"/> with an error
    /// and drops its reply when it comes; a handshake that has waited that long fails the connection.
    /// </summary>
    public void CheckTimeout(long nowMs, int timeoutMs)
    {
        byte[]? error = null;
        while (timeoutMs > 0 && _pending.TryPeek(out var oldest) && nowMs - oldest.SentAtMs > timeoutMs)
        {
            if (oldest.Handshake is not null)
            {
                Fail($"did not answer {oldest.Handshake} within {timeoutMs} ms");
                return;
            }
            _pending.Dequeue();
            _dropReplies++;
            error ??= Encoding.UTF8.GetBytes($"-ERR backend {Endpoint} timed out after {timeoutMs} ms; the request may or may not have been applied\r\n");
            _sink.Deliver(oldest.Slot!, oldest.Fragment, error);
        }
    }

    private void QueueFlush()
    {
        if (_flushQueued || _state != State.Connected)
            return;
        _flushQueued = true;
        _loop.AtBatchEnd(this);
    }

    private void StartConnect()
    {
        _state = State.Connecting;
        int generation = ++_generation;
        if (_password is not null)
        {
            _out.WriteArrayHeader(2);
            _out.WriteBulkString("AUTH"u8);
            _out.WriteBulkString(Encoding.UTF8.GetBytes(_password));
            _pending.Enqueue(new Pending(null, 0, Environment.TickCount64, "AUTH"));
        }
        if (_protocol == 3)
        {
            // Replies on this connection must be RESP3 like its clients'.
            _out.WriteArrayHeader(2);
            _out.WriteBulkString("HELLO"u8);
            _out.WriteBulkString("3"u8);
            _pending.Enqueue(new Pending(null, 0, Environment.TickCount64, "HELLO 3"));
        }
        var endpoint = Endpoint;
        _ = Task.Run(() =>
        {
            try
            {
                var socket = Connect(endpoint);
                _loop.Post(() => OnConnected(generation, socket, null));
            }
            catch (Exception ex) when (ex is SocketException or TimeoutException)
            {
                _loop.Post(() => OnConnected(generation, null, ex.Message));
            }
        });
    }

    /// <summary>
    /// A non-blocking connect() and poll() rather than ConnectAsync: a socket that ran an async
    /// operation stays registered with .NET's own epoll thread, which then wakes (and wakes a
    /// thread-pool worker) on every reply the event loop reads from it — about 15% of the proxy's
    /// CPU at -P 16.
    /// </summary>
    private static Socket Connect(Endpoint endpoint)
    {
        IPAddress[] addresses = IPAddress.TryParse(endpoint.Host, out var ip) ? [ip] : Dns.GetHostAddresses(endpoint.Host);
        Exception failure = new SocketException((int)SocketError.HostNotFound);
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, Blocking = false };
            try
            {
                try
                {
                    socket.Connect(address, endpoint.Port);
                }
                catch (SocketException ex) when (ex.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
                {
                    if (!socket.Poll(ConnectTimeout, SelectMode.SelectWrite))
                        throw new TimeoutException($"no connection within {ConnectTimeout.TotalSeconds:0} s");
                    var error = (SocketError)(int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)!;
                    if (error != SocketError.Success)
                        throw new SocketException((int)error);
                }
                return socket;
            }
            catch (Exception ex) when (ex is SocketException or TimeoutException)
            {
                socket.Dispose();
                failure = ex;
            }
        }
        throw failure;
    }

    private void OnConnected(int generation, Socket? socket, string? error)
    {
        if (generation != _generation || _state != State.Connecting)
        {
            socket?.Dispose();
            return;
        }
        if (socket is null)
        {
            Fail("connect failed: " + error);
            return;
        }
        _socket = socket;
        _watch = _loop.Watch((int)socket.Handle, this);
        _state = State.Connected;
        _backoffMs = FirstBackoffMs;
        QueueFlush();
    }

    public void OnBatchEnd()
    {
        _flushQueued = false;
        if (_state == State.Connected)
            Send();
    }

    public void OnReady(bool readable, bool writable)
    {
        if (writable && _state == State.Connected)
            Send();
        if (readable && _state == State.Connected)
            Receive();
    }

    private void Send()
    {
        while (_out.Length > 0)
        {
            int n = _socket!.Send(_out.WrittenSpan, SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock)
            {
                _watch!.WantWritable(true);
                return;
            }
            if (error != SocketError.Success)
            {
                Fail("send failed: " + error);
                return;
            }
            _out.Consume(n);
        }
        _watch!.WantWritable(false);
    }

    private void Receive()
    {
        while (_state == State.Connected)
        {
            MakeRoom();
            int room = _in.Length - _inEnd;
            int n = _socket!.Receive(_in.AsSpan(_inEnd), SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock)
                return;
            if (error != SocketError.Success || n == 0)
            {
                Fail(n == 0 && error == SocketError.Success ? "closed the connection" : "receive failed: " + error);
                return;
            }
            _inEnd += n;
            DeliverReplies();
            if (n < room)
                return;   // drained: the loop's (level-triggered) epoll says when more comes, without a recv that finds nothing
        }
    }

    private void DeliverReplies()
    {
        while (_inStart < _inEnd && _state == State.Connected)
        {
            var frame = _in.AsSpan(_inStart, _inEnd - _inStart);
            var result = RespFrameScanner.TryScan(frame, _partial, out int length, out string? error);
            if (result == ParseResult.Incomplete)
                return;
            if (result == ParseResult.ProtocolError)
            {
                Fail("sent invalid RESP: " + error);
                return;
            }
            if (_pushes is not null && _pushes.TakeUnsolicited(this, frame[..length]))
            {
                _inStart += length;
                continue;
            }
            if (_dropReplies > 0)
            {
                _dropReplies--;
                _inStart += length;
                continue;
            }
            if (!_pending.TryDequeue(out var pending))
            {
                Fail("sent a reply nobody asked for");
                return;
            }
            _inStart += length;
            if (pending.Slot is not null)
                _sink.Deliver(pending.Slot, pending.Fragment, frame[..length]);
            else if (frame[0] is (byte)'-' or (byte)'!')
            {
                Fail($"refused {pending.Handshake}: {RespValue.Parse(frame[..length]).AsString()}");
                return;
            }
        }
    }

    /// <summary>Keeps a partial reply at the front of the buffer, growing it when one reply is bigger.</summary>
    private void MakeRoom()
    {
        if (_inStart == _inEnd)
        {
            _inStart = _inEnd = 0;
            if (_in.Length > 4 * ReceiveChunk)
                _in = new byte[ReceiveChunk];
        }
        if (_in.Length - _inEnd >= ReceiveChunk / 4)
            return;
        int length = _inEnd - _inStart;
        var target = length > _in.Length / 2 ? new byte[_in.Length * 2] : _in;
        Buffer.BlockCopy(_in, _inStart, target, 0, length);
        (_in, _inStart, _inEnd) = (target, 0, length);
    }

    /// <summary>Closes the socket and answers every pending request with an error; the next request reconnects after the backoff.</summary>
    private void Fail(string reason)
    {
        if (_state == State.Disposed)
            return;
        _state = State.Down;
        _lastFailure = reason;
        _retryAtMs = Environment.TickCount64 + _backoffMs;
        _backoffMs = Math.Min(_backoffMs * 2, MaxBackoffMs);
        Close($"ERR backend {Endpoint} {reason}");
        _pushes?.LinkDown(this, reason);
    }

    /// <summary>Drops the socket and buffers; every pending request gets <paramref name="error"/> as its reply.</summary>
    private void Close(string error)
    {
        _generation++;
        _dropReplies = 0;
        _watch?.Dispose();
        _watch = null;
        _socket?.Dispose();
        _socket = null;
        _out.Clear();
        _inStart = _inEnd = 0;
        _partial.Clear();
        var reply = Encoding.UTF8.GetBytes("-" + error.ReplaceLineEndings(" ") + "\r\n");
        while (_pending.TryDequeue(out var pending))
            if (pending.Slot is not null)
                _sink.Deliver(pending.Slot, pending.Fragment, reply);
    }

    public void Dispose() => Abandon($"ERR backend {Endpoint} connection closed by the proxy");

    /// <summary>Closes for good; every pending request gets <paramref name="error"/> now.</summary>
    public void Abandon(string error)
    {
        if (_state == State.Disposed)
            return;
        _state = State.Disposed;
        _lastFailure = "closed by the proxy";
        Close(error);
    }
}
