using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Istore.Net.Resp;

namespace Istore.Net.Client;

/// <summary>
/// A small pipelined RESP client over one TCP connection (proxy backends, HA probes,
/// replication, tests, benchmarks). Any number of commands may be in flight: they are written
/// in call order and matched to replies in FIFO order. Error replies are values
/// (<see cref="RespValue.IsError"/>), not exceptions. When the connection breaks (closed by the
/// peer, a send fails, a malformed reply) every pending command faults with an
/// <see cref="IOException"/>, and so does every later call.
/// </summary>
public sealed class RespClient : IDisposable, IAsyncDisposable
{
    private const int ReceiveChunk = 64 * 1024;
    private const int KeptBufferSize = 1024 * 1024;

    private readonly Socket _socket;
    private readonly object _sendLock = new();
    private readonly ConcurrentQueue<TaskCompletionSource<RespValue>> _pending = new();
    private readonly Channel<RespValue> _unsolicited = Channel.CreateUnbounded<RespValue>();
    /// <summary>The receive loop's place in a reply still arriving (only the receive loop touches it).</summary>
    private readonly PartialReply _partialReply = new();
    private readonly Task _receiveLoop;

    // Commands are encoded into _outgoing under _sendLock; one flush task at a time swaps it with
    // _sending and writes it out, so concurrent callers' commands coalesce into few sends.
    private ArrayBufferWriter<byte> _outgoing = new(4096);
    private ArrayBufferWriter<byte> _sending = new(4096);
    private TaskCompletionSource? _outgoingSent;
    private bool _flushing;
    private volatile Exception? _failure;

    private RespClient(Socket socket, string endpoint)
    {
        _socket = socket;
        Endpoint = endpoint;
        _receiveLoop = Task.Run(ReceiveLoopAsync);
    }

    /// <summary>"host:port" as given to <see cref="ConnectAsync"/>.</summary>
    public string Endpoint { get; }

    public bool IsConnected => _failure == null;

    /// <summary>Commands sent whose reply has not arrived yet.</summary>
    public int PendingCount => _pending.Count;

    public static async Task<RespClient> ConnectAsync(string host, int port, CancellationToken ct = default)
    {
        var addresses = IPAddress.TryParse(host, out var ip) ? [ip] : await Dns.GetHostAddressesAsync(host, ct).ConfigureAwait(false);
        Exception? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), ct).ConfigureAwait(false);
                return new RespClient(socket, $"{host}:{port}");
            }
            catch (Exception ex)
            {
                socket.Dispose();
                if (ex is not SocketException)
                    throw;
                last = ex;
            }
        }
        throw last ?? new SocketException((int)SocketError.HostNotFound);
    }

    /// <summary>Sends a command (UTF-8 arguments) and returns its reply.</summary>
    public Task<RespValue> ExecuteAsync(params string[] args) => ExecuteAsync(args, CancellationToken.None);

    /// <summary>Sends a command with binary arguments (a <c>byte[]</c> converts implicitly) and returns its reply.</summary>
    public Task<RespValue> ExecuteAsync(params ReadOnlyMemory<byte>[] args) => ExecuteAsync(args, CancellationToken.None);

    /// <summary>
    /// Sends a command; cancelling only stops waiting (the command may still run, and its reply is
    /// then discarded to keep the FIFO matching right).
    /// </summary>
    public Task<RespValue> ExecuteAsync(string[] args, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfZero(args.Length);
        foreach (var arg in args)
            ArgumentNullException.ThrowIfNull(arg, nameof(args));
        return Enqueue(args, static (w, a) => RespCommandEncoder.Write(w, a), 1, false, ct, out _)?[0]
            ?? Task.FromException<RespValue>(ClosedException());
    }

    public Task<RespValue> ExecuteAsync(ReadOnlyMemory<byte>[] args, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfZero(args.Length);
        return Enqueue(args, static (w, a) => RespCommandEncoder.Write(w, a), 1, false, ct, out _)?[0]
            ?? Task.FromException<RespValue>(ClosedException());
    }

    /// <summary>
    /// Sends exact bytes (partial commands, inline commands, garbage) in order with the other
    /// commands, and returns the next <paramref name="expectedReplies"/> replies once they arrived
    /// (an empty array once the bytes were written). Replies nobody expects go to
    /// <see cref="ReceiveUnsolicitedAsync"/> only when no command is waiting, so the count must be exact.
    /// </summary>
    public async Task<RespValue[]> SendRawAsync(ReadOnlyMemory<byte> bytes, int expectedReplies = 0, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(expectedReplies);
        var replies = Enqueue(bytes, static (w, b) => w.Write(b.Span), expectedReplies, true, ct, out var sent)
            ?? throw ClosedException();
        await sent.WaitAsync(ct).ConfigureAwait(false);
        return await Task.WhenAll(replies).ConfigureAwait(false);
    }

    /// <summary>
    /// The next value no command was waiting for: RESP3 pushes (always delivered here), pub/sub
    /// messages, replies to raw bytes sent without expecting them.
    /// </summary>
    public async Task<RespValue> ReceiveUnsolicitedAsync(CancellationToken ct = default)
    {
        try
        {
            return await _unsolicited.Reader.ReadAsync(ct).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw ClosedException();
        }
    }

    /// <summary>
    /// Encodes under the send lock so wire order, FIFO order and the failure check agree. Returns
    /// the reply tasks, or null once the connection is closed; <paramref name="sent"/> completes
    /// when the bytes are written (only tracked when asked for: it costs a waiter per batch).
    /// </summary>
    private Task<RespValue>[]? Enqueue<TState>(TState state, Action<ArrayBufferWriter<byte>, TState> encode, int replies,
        bool trackSent, CancellationToken ct, out Task sent)
    {
        var tasks = new Task<RespValue>[replies];
        sent = Task.CompletedTask;
        bool startFlush;
        lock (_sendLock)
        {
            if (_failure != null)
                return null;
            try
            {
                encode(_outgoing, state);
            }
            catch (Exception ex)
            {
                // Part of the command may be in the buffer: the stream cannot be trusted any more.
                Fail(new IOException($"Connection to {Endpoint} dropped: a command could not be encoded", ex));
                throw;
            }
            if (trackSent)
                sent = (_outgoingSent ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            for (int i = 0; i < replies; i++)
            {
                var tcs = new TaskCompletionSource<RespValue>(TaskCreationOptions.RunContinuationsAsynchronously);
                _pending.Enqueue(tcs);
                tasks[i] = ct.CanBeCanceled ? tcs.Task.WaitAsync(ct) : tcs.Task;
            }
            startFlush = !_flushing;
            _flushing = true;
        }
        if (startFlush)
            _ = Task.Run(FlushLoopAsync);   // off the caller's thread, so more commands join the batch
        return tasks;
    }

    private async Task FlushLoopAsync()
    {
        while (true)
        {
            ArrayBufferWriter<byte> batch;
            TaskCompletionSource? sent;
            lock (_sendLock)
            {
                if (_failure != null || _outgoing.WrittenCount == 0)
                {
                    _outgoingSent?.TrySetResult();   // an empty raw send: nothing to wait for
                    _outgoingSent = null;
                    _flushing = false;
                    return;
                }
                batch = _outgoing;
                _outgoing = _sending;
                _sending = batch;
                sent = _outgoingSent;
                _outgoingSent = null;
            }
            try
            {
                for (var data = batch.WrittenMemory; !data.IsEmpty;)
                    data = data[await _socket.SendAsync(data, SocketFlags.None).ConfigureAwait(false)..];
                sent?.TrySetResult();
            }
            catch (Exception ex)
            {
                var failure = AsConnectionError(ex, "send failed");
                sent?.TrySetException(failure);
                Fail(failure);
            }
            if (batch.Capacity > KeptBufferSize)
                _sending = new ArrayBufferWriter<byte>(4096);   // do not pin the buffer of one huge command
            else
                batch.ResetWrittenCount();
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[ReceiveChunk];
        int start = 0, end = 0;
        try
        {
            while (true)
            {
                start = DeliverReplies(buffer, start, end);
                if (start == end)
                {
                    start = end = 0;
                    if (buffer.Length > KeptBufferSize)
                        buffer = new byte[ReceiveChunk];
                }
                else if (buffer.Length - end < ReceiveChunk / 4)
                {
                    // A partial reply at the end: move it to the front, and grow if it still does not fit.
                    int length = end - start;
                    var target = length > buffer.Length / 2 ? new byte[Math.Min((long)buffer.Length * 2, Array.MaxLength)] : buffer;
                    Buffer.BlockCopy(buffer, start, target, 0, length);
                    (buffer, start, end) = (target, 0, length);
                }
                int n = await _socket.ReceiveAsync(buffer.AsMemory(end), SocketFlags.None).ConfigureAwait(false);
                if (n == 0)
                    throw new IOException($"Connection to {Endpoint} was closed by the server");
                end += n;
            }
        }
        catch (Exception ex)
        {
            Fail(AsConnectionError(ex, "receive failed"));
        }
    }

    /// <summary>Hands every complete reply in <c>buffer[start..end)</c> to its command; returns where the rest starts.</summary>
    private int DeliverReplies(byte[] buffer, int start, int end)
    {
        while (start < end)
        {
            var result = RespValueReader.TryRead(buffer.AsSpan(start, end - start), out var value, out int consumed, out string? error, _partialReply);
            if (result == ParseResult.Incomplete)
                break;
            if (result == ParseResult.ProtocolError)
                throw new IOException($"Invalid reply from {Endpoint}: {error}");
            start += consumed;
            // RESP3 pushes are out of band: they never answer a command.
            if (value!.Type == RespType.Push || !_pending.TryDequeue(out var tcs))
                _unsolicited.Writer.TryWrite(value);
            else
                tcs.TrySetResult(value);
        }
        return start;
    }

    /// <summary>Breaks the connection for good: the first failure wins and every waiter gets it.</summary>
    private void Fail(Exception failure)
    {
        TaskCompletionSource? sent;
        lock (_sendLock)
        {
            if (_failure != null)
                return;
            _failure = failure;   // set under the lock: no command can be queued after the drain below
            sent = _outgoingSent;
            _outgoingSent = null;
        }
        sent?.TrySetException(failure);
        _socket.Dispose();
        while (_pending.TryDequeue(out var tcs))
            tcs.TrySetException(failure);
        _unsolicited.Writer.TryComplete(failure);
    }

    private Exception AsConnectionError(Exception ex, string what) => ex switch
    {
        _ when _failure != null => _failure,   // our own Fail (or Dispose) closed the socket
        IOException => ex,
        _ => new IOException($"Connection to {Endpoint} {what}: {ex.Message}", ex),
    };

    private Exception ClosedException() => _failure is ObjectDisposedException
        ? new ObjectDisposedException(nameof(RespClient))
        : new IOException($"Connection to {Endpoint} is closed: {_failure?.Message}", _failure);

    public void Dispose() => Fail(new ObjectDisposedException(nameof(RespClient), "The client was disposed"));

    public async ValueTask DisposeAsync()
    {
        Dispose();
        await _receiveLoop.ConfigureAwait(false);
    }
}
