using System.Net.Sockets;
using System.Runtime.InteropServices;
using Istore.Net.Resp;

namespace Istore.Node.Migration;

/// <summary>Where a MIGRATE goes, how it authenticates, and the replication ids of the source (this node) when it serialized the keys.</summary>
internal sealed record MigrateTarget(string Host, int Port, long Db, int TimeoutMs, byte[]? Username, byte[]? Password, string SourceReplId, string SourceReplId2)
{
    public string Name => $"{Host}:{Port}";
}

/// <summary>
/// What the target said: which RESTOREs it acknowledged, and the error to reply (a target's
/// error as Redis words it, or -IOERR), null when all went well.
/// </summary>
internal sealed record MigrateOutcome(bool[] Acknowledged, string? Error);

/// <summary>
/// One MIGRATE exchange: [AUTH] [SELECT db], the source's replication ids (REPLCONF, see
/// <see cref="SupersededSources"/>; a peer that does not know them, Redis, answers an error that is
/// ignored) and the batch's RESTOREs in one write, then one reply line per command (each answers
/// +OK or -error). Retries once on a fresh
/// connection when a cached one fails before any reply (the target may have closed it while
/// idle), as Redis does; a timeout is never retried.
/// </summary>
internal static class MigrateRoundTrip
{
    public const string ConnectError = "IOERR error or timeout connecting to the client";
    public const string WriteError = "IOERR error or timeout writing to target instance";
    public const string ReadError = "IOERR error or timeout reading to target instance";

    public static async Task<MigrateOutcome> RunAsync(MigrateTargets targets, MigrateTarget target, RespWriter restores, int keyCount)
    {
        var acknowledged = new bool[keyCount];
        for (int attempt = 0; ; attempt++)
        {
            using var timeout = new CancellationTokenSource(target.TimeoutMs);
            var connection = targets.TakeIdle(target.Name);
            if (connection is null)
            {
                try
                {
                    connection = await MigrateTargets.ConnectAsync(target.Name, target.Host, target.Port, timeout.Token);
                }
                catch (Exception ex) when (ex is SocketException or OperationCanceledException or IOException or ArgumentException)
                {
                    return new(acknowledged, ConnectError);
                }
            }
            var (error, retry) = await ExchangeAsync(connection, target, restores, acknowledged, timeout.Token);
            if (retry && attempt == 0)
            {
                connection.Dispose();
                continue;
            }
            if (error is null || !error.StartsWith("IOERR", StringComparison.Ordinal))
                targets.Return(connection);
            else
                connection.Dispose();
            return new(acknowledged, error);
        }
    }

    /// <returns>The error to reply (null: success) and whether a retry on a new connection may fix it.</returns>
    private static async Task<(string? Error, bool Retry)> ExchangeAsync(TargetConnection connection, MigrateTarget target, RespWriter restores,
        bool[] acknowledged, CancellationToken cancel)
    {
        var preamble = new RespWriter(256);
        bool auth = target.Password is not null;
        if (auth)
        {
            preamble.WriteArrayHeader(target.Username is null ? 2 : 3);
            preamble.WriteBulkString("AUTH"u8);
            if (target.Username is not null)
                preamble.WriteBulkString(target.Username);
            preamble.WriteBulkString(target.Password);
        }
        bool select = connection.LastDb != target.Db;
        if (select)
        {
            preamble.WriteArrayHeader(2);
            preamble.WriteBulkString("SELECT"u8);
            preamble.WriteBulkString(target.Db);
        }
        preamble.WriteArrayHeader(5);
        preamble.WriteBulkString("REPLCONF"u8);
        preamble.WriteBulkString("SOURCE-REPLID"u8);
        preamble.WriteBulkString(System.Text.Encoding.ASCII.GetBytes(target.SourceReplId));
        preamble.WriteBulkString("SOURCE-REPLID2"u8);
        preamble.WriteBulkString(System.Text.Encoding.ASCII.GetBytes(target.SourceReplId2));
        try
        {
            await SendAsync(connection.Socket, [Segment(preamble), Segment(restores)], cancel);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            return (WriteError, connection.Reused && ex is not OperationCanceledException);
        }
        var replies = new ReplyLines(connection);
        string? preambleError = null, firstError = null;
        int identity = (auth ? 1 : 0) + (select ? 1 : 0);
        int expected = identity + 1 + acknowledged.Length;
        for (int i = 0; i < expected; i++)
        {
            string? line;
            try
            {
                line = await replies.NextErrorAsync(cancel);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or IOException or ObjectDisposedException)
            {
                connection.LastDb = -1;
                return (firstError is null ? ReadError : TargetError(firstError), i == 0 && connection.Reused && ex is not OperationCanceledException);
            }
            if (i == identity && line is not null && !line.StartsWith(SupersededSources.Code, StringComparison.Ordinal))
                continue;
            int key = i - identity - 1;
            if (key < 0)
                preambleError ??= line;
            else if (line is null && preambleError is null)
                acknowledged[key] = true;
            firstError ??= preambleError ?? line;
        }
        if (firstError is not null)
        {
            connection.LastDb = -1;
            return (TargetError(firstError), false);
        }
        connection.LastDb = target.Db;
        return (null, false);
    }

    private static string TargetError(string error) => "ERR Target instance replied with error: " + error;

    private static ArraySegment<byte> Segment(RespWriter writer) =>
        MemoryMarshal.TryGetArray(writer.WrittenMemory, out var segment) ? segment : throw new InvalidOperationException("a RespWriter is array-backed");

    private static async Task SendAsync(Socket socket, ArraySegment<byte>[] parts, CancellationToken cancel)
    {
        foreach (var part in parts)
        {
            var remaining = part.AsMemory();
            while (!remaining.IsEmpty)
            {
                int sent = await socket.SendAsync(remaining, SocketFlags.None, cancel);
                remaining = remaining[sent..];
            }
        }
    }

    /// <summary>Reads reply lines from a target; each is +… or -… (the caller sends nothing that answers otherwise).</summary>
    private sealed class ReplyLines(TargetConnection connection)
    {
        private readonly byte[] _buffer = connection.ReplyBuffer;
        private int _start, _end;

        /// <summary>The next line's error text (without the '-'), or null for a success line.</summary>
        public async ValueTask<string?> NextErrorAsync(CancellationToken cancel)
        {
            while (true)
            {
                int newline = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8);
                if (newline >= 0)
                {
                    var line = _buffer.AsSpan(_start, newline);
                    _start += newline + 2;
                    return line.Length > 0 && line[0] == (byte)'-' ? System.Text.Encoding.UTF8.GetString(line[1..]) : null;
                }
                if (_start > 0)
                {
                    _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                    _end -= _start;
                    _start = 0;
                }
                if (_end == _buffer.Length)
                    throw new IOException("a reply line longer than the buffer");
                int read = await connection.Socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancel);
                if (read == 0)
                    throw new IOException("the target closed the connection");
                _end += read;
            }
        }
    }
}
