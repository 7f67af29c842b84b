using System.IO.Hashing;
using System.Net.Sockets;
using System.Text;
using Istore.Net.Resp;
using Istore.Net.Server;

namespace Istore.Node.Replication;

/// <summary>
/// The master's end of one replica: after PSYNC the replica's socket leaves the event loop for two
/// threads of its own. The sender writes the PSYNC answer, the snapshot of a full sync (framed
/// <c>;len\r\n</c> chunks, <c>;0\r\n</c>, the payload's XxHash64 in hex), then the stream from
/// the backlog as it grows, and a bare <c>\n</c> (outside the stream, not counted) after a second
/// of silence. The reader takes <c>REPLCONF ACK offset</c>. Once the stream flows, the thread that
/// appends to the backlog (an event loop flushing its batch) sends the new bytes itself when the
/// socket takes them at once, so a caught-up replica gets a write without a wake-up of the sender
/// (a semi-synchronous write waits for that round trip); the sender takes over what is left.
/// A replica that falls out of the backlog,
/// stalls a send, or stops acknowledging for <c>repl-timeout</c> is dropped; it reconnects by itself.
/// A legacy SYNC client (no PSYNC, no acknowledgements: Redis's test suites read the stream this
/// way) gets newlines while the snapshot is made, the snapshot as one bulk string, <c>SELECT 0</c>
/// as Redis opens a new replica's stream, then the stream with no keepalives in it.
/// </summary>
internal sealed class ReplicaFeed
{
    private readonly ReplicationHub _hub;
    private readonly Socket _socket;
    private readonly byte[] _unread;
    private readonly AutoResetEvent _wake = new(false);
    private readonly Func<FeedStart> _begin;
    /// <summary>A legacy SYNC client: the snapshot as one bulk string, no answer before it, no acknowledgements.</summary>
    private readonly bool _legacy;
    private SnapshotSpool.Reader? _snapshot;
    /// <summary>Held by whoever sends stream bytes (the sender thread, or an appender in <see cref="Wake"/>), so <see cref="_sent"/> moves in order.</summary>
    private readonly Lock _sendLock = new();
    private readonly byte[] _streamChunk = new byte[256 * 1024];
    /// <summary>Set once the snapshot is sent and the socket is non-blocking: appenders may send from then on.</summary>
    private volatile bool _streaming;
    private long _sent;
    private long _ackOffset;
    private long _receivedOffset;
    private long _ackTicks = Environment.TickCount64;
    private int _closing;
    private volatile bool _closed;

    /// <param name="begin">Run first on the sender thread (a full sync as files makes its snapshot there).</param>
    /// <param name="provisional">The offset this replica counts as sent until <paramref name="begin"/> says.</param>
    public ReplicaFeed(ReplicationHub hub, Socket socket, ReadOnlyMemory<byte> unread, string address, int listeningPort,
        Func<FeedStart> begin, long provisional, bool legacy)
    {
        _hub = hub;
        _socket = socket;
        _unread = unread.ToArray();
        Address = address;
        ListeningPort = listeningPort;
        _begin = begin;
        _sent = provisional;
        _legacy = legacy;
        State = "wait_bgsave";
    }

    public string Address { get; }

    public int ListeningPort { get; }

    /// <summary>wait_bgsave, send_bulk or online, as INFO replication shows.</summary>
    public string State { get; private set; }

    public bool Online => State == "online";

    /// <summary>A PSYNC replica acknowledges its offset; a legacy SYNC client never does, so it counts for neither WAIT nor min-replicas.</summary>
    public bool Acknowledges => !_legacy;

    /// <summary>What the replica has applied: WAIT counts it, INFO shows it.</summary>
    public long AckOffset => Interlocked.Read(ref _ackOffset);

    /// <summary>What the replica holds in whole records, applied or about to be: semi-synchronous writes count it.</summary>
    public long ReceivedOffset => Interlocked.Read(ref _receivedOffset);

    public long MillisecondsSinceAck => Environment.TickCount64 - Interlocked.Read(ref _ackTicks);

    public long SecondsSinceAck => MillisecondsSinceAck / 1000;

    public void Start()
    {
        _socket.NoDelay = true;
        _socket.SendTimeout = (int)Math.Min(int.MaxValue, _hub.Settings.TimeoutMs);
        new Thread(Send) { Name = "istore-repl-send", IsBackground = true }.Start();
        new Thread(Receive) { Name = "istore-repl-ack", IsBackground = true }.Start();
    }

    /// <summary>
    /// New stream bytes are in the backlog (called by the appender, in log order): sends them from
    /// here if the sender is idle and the socket takes them all, else wakes the sender.
    /// </summary>
    public void Wake()
    {
        if (_streaming && !_closed && _sendLock.TryEnter())
        {
            bool done;
            try
            {
                done = SendAvailable() == Sent;
            }
            finally
            {
                _sendLock.Exit();
            }
            if (done)
                return;
        }
        _wake.Set();
    }

    public void Close(string why)
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
            return;
        _closed = true;
        _hub.Logger.ReplicaDropped(Address, ListeningPort, why);
        try { _socket.Shutdown(SocketShutdown.Both); } catch (SocketException) { } catch (ObjectDisposedException) { }
        _socket.Dispose();
        _wake.Set();
        _hub.Remove(this);
    }

    private void Send()
    {
        try
        {
            var start = _begin();
            _snapshot = start.Snapshot;
            Volatile.Write(ref _sent, start.From);
            if (_legacy)
            {
                SendLegacySnapshot(_snapshot!);
            }
            else
            {
                _socket.Send(Encoding.ASCII.GetBytes(start.Answer));
                if (_snapshot is not null)
                    SendSnapshot(_snapshot);
            }
            State = "online";
            _hub.Logger.ReplicaOnline(Address, ListeningPort, _sent);
            SendStream();
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or IOException)
        {
            Close(ex.Message);
        }
        finally
        {
            _snapshot?.Dispose();
        }
    }

    private void SendSnapshot(SnapshotSpool.Reader snapshot)
    {
        State = "send_bulk";
        var hash = new XxHash64();
        var chunk = new byte[256 * 1024];
        int n;
        while (!_closed && (n = snapshot.Read(chunk)) > 0)
        {
            hash.Append(chunk.AsSpan(0, n));
            _socket.Send(Encoding.ASCII.GetBytes($";{n}\r\n"));
            _socket.Send(chunk, 0, n, SocketFlags.None);
        }
        snapshot.Dispose();
        _socket.Send(Encoding.ASCII.GetBytes($";0\r\n{hash.GetCurrentHashAsUInt64():x16}\r\n"));
        Interlocked.Exchange(ref _ackTicks, Environment.TickCount64);   // the replica loads now: its silence is not a stall yet
    }

    /// <summary>SYNC's payload: its length must come first, so the snapshot is complete before it goes (a newline a second meanwhile, as Redis sends during its BGSAVE).</summary>
    private void SendLegacySnapshot(SnapshotSpool.Reader snapshot)
    {
        long length;
        while (!snapshot.TryGetLength(1000, out length))
        {
            if (_closed)
                return;
            _socket.Send("\n"u8);
        }
        State = "send_bulk";
        _socket.Send(Encoding.ASCII.GetBytes($"${length}\r\n"));
        var chunk = new byte[256 * 1024];
        int n;
        while (!_closed && (n = snapshot.Read(chunk)) > 0)
            _socket.Send(chunk, 0, n, SocketFlags.None);
        snapshot.Dispose();
        _socket.Send("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n"u8);
    }

    /// <summary>
    /// The stream from the backlog as it grows. The socket is non-blocking from here on: a send
    /// that would block waits for the socket to drain outside the send lock, so an appender never
    /// waits on a slow replica (it leaves the bytes to this thread).
    /// </summary>
    private void SendStream()
    {
        _socket.Blocking = false;
        _streaming = true;
        while (!_closed)
        {
            int state;
            lock (_sendLock)
                state = SendAvailable();
            if (state == FellOut)
            {
                Close($"it fell out of the backlog at offset {Volatile.Read(ref _sent)} (repl-backlog-size {_hub.Backlog.Capacity})");
                return;
            }
            if (state == Broken)
            {
                Close("sending to the replica failed: " + _sendError);
                return;
            }
            if (state == Full)
            {
                if (!_socket.Poll(TimeSpan.FromMilliseconds(_hub.Settings.TimeoutMs), SelectMode.SelectWrite) && !_closed)
                    throw new IOException($"a send did not complete within repl-timeout ({_hub.Settings.TimeoutMs / 1000} s)");
                continue;
            }
            if (_wake.WaitOne(1000) || _closed || !Acknowledges)
                continue;
            lock (_sendLock)
            {
                if (Volatile.Read(ref _sent) == _hub.Backlog.EndOffset)
                    SendKeepalive();
            }
        }
    }

    private const int Sent = 0, Full = 1, Broken = 2, FellOut = 3;

    private SocketError _sendError;

    /// <summary>
    /// Sends what the backlog holds past <see cref="_sent"/> as far as the socket takes it (caller
    /// holds the send lock): <see cref="Sent"/> (all of it, or the feed is closed), <see cref="Full"/>,
    /// <see cref="Broken"/> (<see cref="_sendError"/>) or <see cref="FellOut"/> of the backlog. It
    /// closes nothing itself: an appender calls it holding the log's lock, which closing must not take.
    /// </summary>
    private int SendAvailable()
    {
        var backlog = _hub.Backlog;
        while (!_closed)
        {
            long from = Volatile.Read(ref _sent);
            int n = backlog.Read(from, _streamChunk);
            if (n <= 0)
                return n < 0 ? FellOut : Sent;
            int sent;
            try
            {
                sent = _socket.Send(_streamChunk, 0, n, SocketFlags.None, out _sendError);
            }
            catch (ObjectDisposedException)
            {
                return Sent;   // closed meanwhile
            }
            if (_sendError is not (SocketError.Success or SocketError.WouldBlock))
                return Broken;
            Volatile.Write(ref _sent, from + Math.Max(sent, 0));
            if (sent < n)
                return Full;
        }
        return Sent;
    }

    /// <summary>A bare newline between records (caller holds the send lock); a socket too full to take one byte needs no keepalive.</summary>
    private void SendKeepalive()
    {
        _socket.Send("\n"u8, SocketFlags.None, out var error);   // on the sender thread: a disposed socket ends it as before
        if (error is not (SocketError.Success or SocketError.WouldBlock))
            Close("sending to the replica failed: " + error);
    }

    private void Receive()
    {
        var args = new CommandArgs();
        var limits = RespLimits.Default;
        byte[] buffer = new byte[Math.Max(4096, _unread.Length * 2)];
        _unread.CopyTo(buffer, 0);
        int start = 0, end = _unread.Length;
        try
        {
            while (!_closed)
            {
                while (start < end)
                {
                    var result = RespRequestParser.TryParse(buffer, start, end, args, limits, out int consumed, out string? error);
                    if (result == ParseResult.Incomplete)
                        break;
                    if (result == ParseResult.ProtocolError)
                    {
                        Close("protocol error from the replica: " + error);
                        return;
                    }
                    start += consumed;
                    OnCommand(args);
                }
                if (start == end)
                    start = end = 0;
                else if (end == buffer.Length)
                {
                    Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                    end -= start;
                    start = 0;
                }
                // The socket turns non-blocking once the stream flows (for the appenders' sends): wait for input then.
                int read = _socket.Receive(buffer, end, buffer.Length - end, SocketFlags.None, out var receiveError);
                if (receiveError == SocketError.WouldBlock)
                {
                    _socket.Poll(TimeSpan.FromSeconds(1), SelectMode.SelectRead);
                    continue;
                }
                if (receiveError != SocketError.Success)
                    throw new SocketException((int)receiveError);
                if (read == 0)
                {
                    Close("the replica closed the connection");
                    return;
                }
                end += read;
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            Close(ex.Message);
        }
    }

    /// <summary>REPLCONF ACK offset [RECEIVED offset]; anything else from a replica is ignored, as Redis does.</summary>
    private void OnCommand(CommandArgs args)
    {
        if (args.Count >= 3 && System.Text.Ascii.EqualsIgnoreCase(args[0], "REPLCONF"u8) && System.Text.Ascii.EqualsIgnoreCase(args[1], "ACK"u8)
            && RedisNumber.TryParseInt64(args[2], out long offset))
        {
            Interlocked.Exchange(ref _ackTicks, Environment.TickCount64);
            Raise(ref _ackOffset, offset);
            long received = offset;
            if (args.Count >= 5 && System.Text.Ascii.EqualsIgnoreCase(args[3], "RECEIVED"u8) && RedisNumber.TryParseInt64(args[4], out long held))
                received = Math.Max(offset, held);
            Raise(ref _receivedOffset, received);
            _hub.Acknowledged();
        }
    }

    /// <summary>Only this feed's ACK thread writes its offsets: a read, then a write, is enough.</summary>
    private static void Raise(ref long offset, long to)
    {
        if (to > Interlocked.Read(ref offset))
            Interlocked.Exchange(ref offset, to);
    }

    /// <summary>Housekeeping: a replica that has not acknowledged for repl-timeout is gone (SIGSTOP, a dead host).</summary>
    public void CheckTimeout()
    {
        if (Acknowledges && State != "send_bulk" && MillisecondsSinceAck > _hub.Settings.TimeoutMs)
            Close($"no acknowledgement for {MillisecondsSinceAck} ms (repl-timeout {_hub.Settings.TimeoutMs / 1000} s)");
    }

    /// <summary>When <see cref="CheckOutputLimit"/> first saw this replica past the soft limit (0 while under it).</summary>
    private long _overSoftLimitSinceMs;

    /// <summary>
    /// A replica's output buffer is the stream it has not been sent yet: the shared backlog holds it,
    /// so it costs no memory of its own, but the replica class of client-output-buffer-limit still
    /// drops a replica that far behind, as Redis does (from the hub's tick, as the sender may be stuck in a send).
    /// </summary>
    public void CheckOutputLimit()
    {
        long behind = _hub.Backlog.EndOffset - Volatile.Read(ref _sent);
        if (!OutputBufferLimits.IsBroken(_hub.Host.OutputLimits[OutputClass.Replica], behind, ref _overSoftLimitSinceMs, Environment.TickCount64))
            return;
        _hub.Host.CountOutputLimitDisconnection();
        Close($"it is {behind} bytes behind, past client-output-buffer-limit's replica class");
    }
}
