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
/// of silence. The reader takes <c>REPLCONF ACK offset</c>. A replica that falls out of the backlog,
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
    private long _sent;
    private long _ackOffset;
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

    public long AckOffset => Interlocked.Read(ref _ackOffset);

    public long MillisecondsSinceAck => Environment.TickCount64 - Interlocked.Read(ref _ackTicks);

    public long SecondsSinceAck => MillisecondsSinceAck / 1000;

    public void Start()
    {
        _socket.NoDelay = true;
        _socket.SendTimeout = (int)Math.Min(int.MaxValue, _hub.Settings.TimeoutMs);
        new Thread(Send) { Name = "istore-repl-send", IsBackground = true }.Start();
        new Thread(Receive) { Name = "istore-repl-ack", IsBackground = true }.Start();
    }

    /// <summary>New stream bytes are in the backlog.</summary>
    public void Wake() => _wake.Set();

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

    private void SendStream()
    {
        var buffer = new byte[256 * 1024];
        var backlog = _hub.Backlog;
        while (!_closed)
        {
            int n = backlog.Read(_sent, buffer);
            if (n < 0)
            {
                Close($"it fell out of the backlog at offset {_sent} (repl-backlog-size {backlog.Capacity})");
                return;
            }
            if (n > 0)
            {
                _socket.Send(buffer, 0, n, SocketFlags.None);
                Volatile.Write(ref _sent, _sent + n);
                continue;
            }
            if (!_wake.WaitOne(1000) && !_closed && Acknowledges)
                _socket.Send("\n"u8);
        }
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
                int read = _socket.Receive(buffer, end, buffer.Length - end, SocketFlags.None);
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

    /// <summary>REPLCONF ACK offset; anything else from a replica is ignored, as Redis does.</summary>
    private void OnCommand(CommandArgs args)
    {
        if (args.Count >= 3 && System.Text.Ascii.EqualsIgnoreCase(args[0], "REPLCONF"u8) && System.Text.Ascii.EqualsIgnoreCase(args[1], "ACK"u8)
            && RedisNumber.TryParseInt64(args[2], out long offset))
        {
            Interlocked.Exchange(ref _ackTicks, Environment.TickCount64);
            if (offset > Interlocked.Read(ref _ackOffset))
                Interlocked.Exchange(ref _ackOffset, offset);
            _hub.Acknowledged();
        }
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
