using System.IO.Hashing;
using System.Net.Sockets;
using System.Text;
using Istore.Net.Resp;
using Istore.Node.Engine;
using Istore.Node.Hosting;
using Istore.Node.Keyspace;

namespace Istore.Node.Replication;

/// <summary>
/// A replica's link to its master, on a thread of its own: connect, handshake (PING, AUTH with
/// masterauth, REPLCONF listening-port and capa psync2, PSYNC replid offset+1), then either
/// a full sync (receive the snapshot into a file while the old data is still served, verify it,
/// then load it with clients answered -LOADING) or a continuation, then apply the stream and
/// acknowledge the offset after every read that applied records and every 100 ms. Any failure
/// closes the link (<c>master_link_status:down</c>) and retries with backoff; a stream this node
/// could not apply makes the next attempt a full sync.
/// </summary>
public sealed class MasterLink
{
    private readonly NodeServer _node;
    private readonly ReplicationHub _hub;
    private readonly Database _db;
    private readonly Thread _thread;
    private readonly CancellationTokenSource _stop = new();
    private volatile Socket? _socket;
    private bool _forceFullSync;
    private long _lastIoTicks = Environment.TickCount64;
    private long _lastAckTicks;
    private long _ackedOffset;   // the applied offset the last acknowledgement carried
    private readonly RespWriter _ack = new(64);   // reused: an acknowledgement goes out after every read while the stream flows
    private volatile string? _closeReason;

    internal MasterLink(NodeServer node, ReplicationHub hub, string host, int port)
    {
        _node = node;
        _hub = hub;
        _db = node.Database;
        Host = host;
        Port = port;
        _thread = new Thread(Run) { Name = "istore-repl-link", IsBackground = true };
    }

    public string Host { get; }

    public int Port { get; }

    /// <summary>master_link_status: up once the stream flows.</summary>
    public bool Up { get; private set; }

    /// <summary>When the link last went down (or the link was made), for master_link_down_since_seconds.</summary>
    private long _downSinceTicks = Environment.TickCount64;

    public long SecondsSinceDown => (Environment.TickCount64 - Interlocked.Read(ref _downSinceTicks)) / 1000;

    /// <summary>master_sync_in_progress.</summary>
    public bool SyncInProgress { get; private set; }

    /// <summary>The state as ROLE reports it: connect, connecting, sync or connected.</summary>
    public string State { get; private set; } = "connect";

    public long SecondsSinceIo => (Environment.TickCount64 - Interlocked.Read(ref _lastIoTicks)) / 1000;

    /// <summary>Why the link last went down, for INFO (master_link_down_reason, ours); kept while it retries.</summary>
    public string? LastError { get; private set; }

    private string Master => $"{Host}:{Port}";

    internal void Start() => _thread.Start();

    internal void Stop()
    {
        _stop.Cancel();
        CloseSocket();
        if (Thread.CurrentThread != _thread && _thread.IsAlive)
            _thread.Join();
    }

    /// <summary>Housekeeping: a master silent for repl-timeout (SIGSTOP, a dead host) is given up.</summary>
    internal void Tick()
    {
        if (_socket is not null && Environment.TickCount64 - Interlocked.Read(ref _lastIoTicks) > _hub.Settings.TimeoutMs)
        {
            _closeReason = $"no data from the master for {_hub.Settings.TimeoutMs / 1000} s (repl-timeout)";
            CloseSocket();
        }
    }

    private void CloseSocket()
    {
        var socket = _socket;
        if (socket is null)
            return;
        try { socket.Shutdown(SocketShutdown.Both); } catch (SocketException) { } catch (ObjectDisposedException) { }
        socket.Dispose();
    }

    private void Run()
    {
        int backoffMs = 100;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                Session();
            }
            // An engine that cannot write (a full disk) fails the link too: retried with backoff, never a crash.
            catch (Exception ex) when (ex is SocketException or IOException or InvalidDataException or ObjectDisposedException or ReplicationRefusedException or EngineLimitException)
            {
                if (_stop.IsCancellationRequested)
                    break;
                LastError = _closeReason ?? ex.Message;
                _closeReason = null;
                if (ex is InvalidDataException)
                    _forceFullSync = true;
                _node.Logger.LinkFailed(Master, LastError, backoffMs);
            }
            finally
            {
                if (Up)
                    Interlocked.Exchange(ref _downSinceTicks, Environment.TickCount64);
                Up = false;
                SyncInProgress = false;
                _hub.Loading = false;
                State = "connect";
                CloseSocket();
                _socket = null;
            }
            if (_stop.Token.WaitHandle.WaitOne(backoffMs))
                break;
            backoffMs = Math.Min(backoffMs * 2, 5000);
        }
    }

    private void Session()
    {
        WriteLog();
        State = "connecting";
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        _socket = socket;
        using (var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(Math.Min(_hub.Settings.TimeoutMs, 10_000))))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _stop.Token))
        {
            try
            {
                BlockingConnect.Connect(socket, Host, Port, linked.Token);
            }
            catch (OperationCanceledException)
            {
                throw new ReplicationRefusedException($"could not connect to {Master} within the timeout");
            }
        }
        socket.ReceiveTimeout = (int)Math.Min(int.MaxValue, _hub.Settings.TimeoutMs);
        Touch();
        var reader = new LinkReader(socket, Touch);
        Handshake(socket, reader);
        var ids = _hub.Ids;
        // A node with no history yet (offset 0) asks for a full sync outright, as a new Redis replica does.
        bool fresh = _forceFullSync || ids.ReplId == ReplicationIds.NoId || _hub.Offset == 0;
        Send(socket, "PSYNC", fresh ? "?" : ids.ReplId, fresh ? "-1" : (_hub.Offset + 1).ToString());
        string answer = reader.ReadLine();
        if (answer.StartsWith("+FULLRESYNC ", StringComparison.Ordinal))
        {
            var parts = answer.Split(' ');
            if (parts.Length != 3 || parts[1].Length != 40 || !long.TryParse(parts[2], out long offset))
                throw new InvalidDataException("bad FULLRESYNC answer: " + answer);
            FullSync(reader, parts[1], offset);
        }
        else if (answer.StartsWith("+CONTINUE", StringComparison.Ordinal))
        {
            string id = answer.Length > 10 ? answer[10..].Trim() : ids.ReplId;
            if (id != ids.ReplId)
            {
                // The master took a new id (a failover): ours becomes the second, shared up to here.
                _hub.SetIds(new ReplicationIds(id, ids.ReplId, _hub.Offset + 1, WasReplica: true));
            }
            _node.Logger.LinkProgress(Master, $"continuing incrementally from offset {_hub.Offset}");
        }
        else
        {
            throw new ReplicationRefusedException("PSYNC refused: " + answer);
        }
        _forceFullSync = false;
        Stream(socket, reader);
    }

    private void Handshake(Socket socket, LinkReader reader)
    {
        Send(socket, "PING");
        string pong = reader.ReadLine();
        if (pong != "+PONG" && !pong.StartsWith("-NOAUTH", StringComparison.Ordinal))
            throw new ReplicationRefusedException("the master answered PING with " + pong);
        if (_hub.Settings.MasterAuth is { } password)
            Expect(socket, reader, "AUTH", password);
        else if (pong.StartsWith("-NOAUTH", StringComparison.Ordinal))
            throw new ReplicationRefusedException("the master needs a password: set masterauth");
        Expect(socket, reader, "REPLCONF", "listening-port", _node.Host.Port.ToString());
        // A disk replica also takes a disk master's dataset as files (same format only).
        if (_db.Engine is IFileSyncEngine files)
            Expect(socket, reader, "REPLCONF", "capa", "psync2", "capa", files.FileSyncCapability);
        else
            Expect(socket, reader, "REPLCONF", "capa", "psync2");
    }

    /// <summary>Receives the snapshot into a file (old data still served), checks it, then loads it in place of the old data.</summary>
    private void FullSync(LinkReader reader, string replid, long offset)
    {
        State = "sync";
        SyncInProgress = true;
        _node.Logger.LinkProgress(Master, $"full resync from offset {offset}: receiving the snapshot");
        string path = Path.Combine(_node.Options.Directory, "replication-incoming.snap");
        long bytes = 0;
        using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            var hash = new XxHash64();
            while (true)
            {
                string header = reader.ReadLine();
                if (header.Length < 2 || header[0] != ';' || !int.TryParse(header.AsSpan(1), out int length) || length < 0)
                    throw new InvalidDataException("bad snapshot chunk header: " + header);
                if (length == 0)
                    break;
                reader.CopyExactly(length, span =>
                {
                    file.Write(span);
                    hash.Append(span);
                });
                bytes += length;
            }
            string checksum = reader.ReadLine();
            if (checksum != hash.GetCurrentHashAsUInt64().ToString("x16"))
                throw new InvalidDataException($"the snapshot's checksum does not match ({bytes} bytes received)");
        }
        var payload = new Objects.MappedSnapshot(path);
        try
        {
            if (TakeFiles(payload, out var functions) is { } files)
                ReplaceWithFiles(files, functions, offset, replid);
            else
                Load(payload, offset, replid);
            _node.Logger.LinkProgress(Master, $"full resync done: {bytes} bytes loaded at offset {offset}");
        }
        finally
        {
            _hub.Loading = false;
            SyncInProgress = false;
            payload.Dispose();
            File.Delete(path);
            if (Directory.Exists(IncomingFiles))
                Directory.Delete(IncomingFiles, recursive: true);
        }
    }

    private string IncomingFiles => Path.Combine(_node.Options.Directory, "replication-incoming-files");

    /// <summary>
    /// A payload of files (a disk master's to a disk replica) is unpacked into a directory, its
    /// functions taken; null for a payload of keys, left at its start for <see cref="Load"/>.
    /// </summary>
    private IReadOnlyList<(string Part, string Path)>? TakeFiles(Objects.MappedSnapshot payload, out byte[] functions)
    {
        functions = [];
        if (_db.Engine is not IFileSyncEngine engine || payload.AtEnd)
            return null;
        var reader = payload.Next();
        if (reader.ReadByte() != DatasetEntries.FunctionsEntry)
            return null;
        functions = reader.ReadBytes().ToArray();
        if (reader.AtEnd || reader.ReadByte() != DatasetEntries.SstFilesEntry)
        {
            payload.Bound(0, payload.Length);
            return null;
        }
        payload.Advance(reader);
        if (Directory.Exists(IncomingFiles))
            Directory.Delete(IncomingFiles, recursive: true);
        Directory.CreateDirectory(IncomingFiles);
        var files = engine.UnpackFiles(payload, IncomingFiles);
        var end = payload.Next();
        if (end.ReadByte() != (byte)KeyType.None)
            throw new InvalidDataException("the snapshot's files are not followed by its end marker");
        payload.Advance(end);
        if (!payload.AtEnd)
            throw new InvalidDataException("the snapshot has bytes after its end marker");
        return files;
    }

    /// <summary>The master's files replace the dataset in one step: clients read the old data until then, and are never answered -LOADING.</summary>
    private void ReplaceWithFiles(IReadOnlyList<(string Part, string Path)> files, byte[] functions, long offset, string replid)
    {
        int generation = _hub.BeginUnpersistedHistory();
        using (var keyspace = new KeyspaceSession(_db, replaying: true))
        {
            using (_db.Lock.Hold())
            {
                if (Scripting.FunctionPersistence.Replace(_node.Scripts, _node.Options.Directory, functions) is { } error)
                    throw new InvalidDataException("the master's functions do not load here: " + error);
                _db.Log.Flush(fsync: false);
                _db.Log.ResetStream(offset);
                _hub.Backlog.Reset(offset);
                keyspace.ReplaceDataset(() => ((IFileSyncEngine)_db.Engine).ReplaceWithFiles(files));
            }
        }
        _hub.SetIds(new ReplicationIds(replid, ReplicationIds.NoId, -1, WasReplica: true));
        _db.Log.Flush(fsync: true);   // the last batch of the swap carries the offset: durable now
        _hub.HistoryPersistedAt(generation);
        _node.Logger.LinkProgress(Master, $"the master's dataset came as {files.Count} files, ingested");
    }

    /// <summary>Loads a payload of keys in place of the old data, clients answered -LOADING meanwhile.</summary>
    private void Load(Objects.MappedSnapshot payload, long offset, string replid)
    {
        _hub.Loading = true;
        // Until the load is complete and durable the data matches no history: a crash meanwhile restarts with a full sync.
        int generation = _hub.BeginUnpersistedHistory();
        using (var keyspace = new KeyspaceSession(_db, replaying: true))
        {
            using (_db.Lock.Hold())
            {
                keyspace.FlushAll();
                _db.Log.Flush(fsync: false);
                _db.Log.ResetStream(offset);
                _hub.Backlog.Reset(offset);
            }
        }
        long keys = DatasetLoader.Load(_db, payload, functions =>
        {
            if (Scripting.FunctionPersistence.Replace(_node.Scripts, _node.Options.Directory, functions) is { } error)
                throw new InvalidDataException("the master's functions do not load here: " + error);
        });
        _hub.SetIds(new ReplicationIds(replid, ReplicationIds.NoId, -1, WasReplica: true));
        if (_db.Engine is Engine.ISelfDurableEngine)
        {
            _db.Log.Flush(fsync: true);   // each loaded batch carries the offset: durable now
            _hub.HistoryPersistedAt(generation);
        }
        else
        {
            // The memory engine's log still holds the old data's records: a checkpoint at this
            // offset replaces them. It runs while the stream flows, rather than holding the link down.
            _hub.PersistHistory(generation);
        }
        _node.Logger.LinkProgress(Master, $"{keys} keys loaded");
    }

    private void Stream(Socket socket, LinkReader reader)
    {
        using var applier = new StreamApplier(_node);
        Up = true;
        LastError = null;
        State = "connected";
        _node.Logger.LinkProgress(Master, $"link up at offset {_hub.Offset}");
        var received = new ReceivedRecords();
        Acknowledge(socket);
        while (!_stop.IsCancellationRequested)
        {
            // What this process holds whole is what a promotion needs: semi-synchronous writes are
            // released by that, before the apply; WAIT (read-your-writes on the replica) by the apply.
            long applied = _hub.Offset;
            long ahead = received.Scan(reader.Buffer, reader.Start, reader.End);
            if (ahead > 0 || applied > _ackedOffset)
                AcknowledgeBeforeApplying(socket, applied + ahead);
            // Only a whole record takes the keyspace lock: keepalives or a record's first bytes must not wait behind
            // a busy script, or the records that follow them would not be acknowledged until it ends.
            int consumed = ahead > 0 ? applier.Apply(reader.Buffer, reader.Start, reader.End) : StreamApplier.Keepalives(reader.Buffer, reader.Start, reader.End);
            reader.Consume(consumed);
            received.Consumed(consumed, _hub.Offset - applied);
            if (consumed > 0 || Environment.TickCount64 - _lastAckTicks >= ReplicationSettings.AckIntervalMs)
            {
                // With more of the stream already waiting, the next round's acknowledgement carries this apply.
                if (socket.Available == 0)
                    Acknowledge(socket);
                WriteLog();
            }
            reader.Fill();
        }
    }

    /// <summary>
    /// Writes the applied records to the log. A log that cannot (a full disk) fails the link: the
    /// records stay buffered in order, nothing more is applied, and each retry of the link first
    /// retries the log, so the stream resumes from this offset once space returns.
    /// </summary>
    private void WriteLog()
    {
        if (!_db.Log.Flush(fsync: false))
            throw new IOException(_db.Log.Failure);
    }

    /// <summary>A link closing now (REPLICAOF NO ONE after the master died) still applies what it holds.</summary>
    private void AcknowledgeBeforeApplying(Socket socket, long received)
    {
        try
        {
            Acknowledge(socket, received);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The next read reports the closed link, once these records are applied.
        }
    }

    /// <summary>
    /// REPLCONF ACK with the applied offset and, when the stream holds whole records not applied yet,
    /// RECEIVED with the offset they reach (a Redis master reads ACK's offset and ignores what follows).
    /// </summary>
    private void Acknowledge(Socket socket, long received = 0)
    {
        long applied = _hub.Offset;
        bool ahead = received > applied;
        _lastAckTicks = Environment.TickCount64;
        _ackedOffset = applied;
        _ack.Clear();
        _ack.WriteArrayHeader(ahead ? 5 : 3);
        _ack.WriteBulkString("REPLCONF"u8);
        _ack.WriteBulkString("ACK"u8);
        _ack.WriteBulkString(applied);
        if (ahead)
        {
            _ack.WriteBulkString("RECEIVED"u8);
            _ack.WriteBulkString(received);
        }
        socket.Send(_ack.WrittenSpan);
    }

    private void Touch() => Interlocked.Exchange(ref _lastIoTicks, Environment.TickCount64);

    private static void Expect(Socket socket, LinkReader reader, params string[] command)
    {
        Send(socket, command);
        string reply = reader.ReadLine();
        if (!reply.StartsWith('+'))
            throw new ReplicationRefusedException($"the master answered {command[0]} {(command.Length > 1 ? command[1] : "")} with {reply}");
    }

    private static void Send(Socket socket, params string[] command)
    {
        var encoded = new System.Buffers.ArrayBufferWriter<byte>();
        Istore.Net.Client.RespCommandEncoder.Write(encoded, command);
        socket.Send(encoded.WrittenSpan);
    }
}

/// <summary>The master refused this replica or answered out of protocol: retry later.</summary>
internal sealed class ReplicationRefusedException(string message) : Exception(message);

/// <summary>Buffered reads from the master: lines, exact byte counts, and the raw buffer the stream is applied from.</summary>
internal sealed class LinkReader(Socket socket, Action touched)
{
    public byte[] Buffer { get; private set; } = new byte[1 << 20];
    public int Start { get; private set; }
    public int End { get; private set; }

    public void Consume(int count) => Start += count;

    /// <summary>Reads more bytes (blocking), compacting or growing the buffer first.</summary>
    public void Fill()
    {
        if (Start == End)
            Start = End = 0;
        else if (End == Buffer.Length)
        {
            if (Start == 0)
            {
                var bigger = new byte[Buffer.Length * 2];
                Buffer.AsSpan(0, End).CopyTo(bigger);
                Buffer = bigger;
            }
            else
            {
                Buffer.AsSpan(Start, End - Start).CopyTo(Buffer);
                End -= Start;
                Start = 0;
            }
        }
        int read = socket.Receive(Buffer, End, Buffer.Length - End, SocketFlags.None);
        if (read == 0)
            throw new IOException("the master closed the connection");
        End += read;
        touched();
    }

    /// <summary>A line without its CRLF; bare newlines (the master's keepalives) before it are skipped.</summary>
    public string ReadLine()
    {
        while (true)
        {
            while (Start < End && Buffer[Start] == (byte)'\n')
                Start++;
            int newline = Buffer.AsSpan(Start, End - Start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                int length = newline > 0 && Buffer[Start + newline - 1] == (byte)'\r' ? newline - 1 : newline;
                string line = Encoding.UTF8.GetString(Buffer, Start, length);
                Start += newline + 1;
                return line;
            }
            if (End - Start > 64 * 1024)
                throw new InvalidDataException("the master sent a line longer than 64 KB");
            Fill();
        }
    }

    /// <summary>Hands exactly <paramref name="count"/> bytes to <paramref name="sink"/>, in pieces as they arrive.</summary>
    public void CopyExactly(int count, SpanAction sink)
    {
        while (count > 0)
        {
            if (Start == End)
                Fill();
            int n = Math.Min(count, End - Start);
            sink(Buffer.AsSpan(Start, n));
            Start += n;
            count -= n;
        }
    }

    public delegate void SpanAction(ReadOnlySpan<byte> span);
}
