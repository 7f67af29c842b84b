using System.Net;
using System.Net.Sockets;
using System.Text;
using Istore.Net.Resp;

namespace Istore.Tests.Infrastructure;

/// <summary>A raw RESP socket for tests where exact bytes matter: send anything, read whole reply frames back as text.</summary>
public sealed class RawConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private byte[] _buffer = new byte[64 * 1024];
    private int _length;

    private RawConnection(Socket socket) => _socket = socket;

    public static async Task<RawConnection> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, port);
        return new RawConnection(socket);
    }

    public async Task SendAsync(string text) => await SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] bytes)
    {
        int sent = 0;
        while (sent < bytes.Length)
            sent += await _socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None);
    }

    /// <summary>Sends a command as a RESP array of bulk strings.</summary>
    public Task SendCommandAsync(params string[] args) => SendAsync(RespEncoding.CommandText(Encoding.UTF8, args));

    /// <summary>Sends a command and returns its reply frame exactly as received.</summary>
    public async Task<string> CommandAsync(params string[] args)
    {
        await SendCommandAsync(args);
        return await ReadFrameAsync();
    }

    /// <summary>Reads one complete reply frame (any RESP2/RESP3 type) and returns its bytes as text.</summary>
    public async Task<string> ReadFrameAsync(TimeSpan? timeout = null) => Encoding.UTF8.GetString(await ReadFrameBytesAsync(timeout));

    public async Task<RespValue> ReadValueAsync(TimeSpan? timeout = null) => RespValue.Parse(await ReadFrameBytesAsync(timeout));

    public async Task<byte[]> ReadFrameBytesAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            if (_length > 0)
            {
                var result = RespFrameScanner.TryScan(_buffer.AsSpan(0, _length), out int frameLength, out string? error);
                if (result == ParseResult.ProtocolError)
                    throw new InvalidDataException("server sent invalid RESP: " + error);
                if (result == ParseResult.Complete)
                {
                    var frame = _buffer[..frameLength];
                    Buffer.BlockCopy(_buffer, frameLength, _buffer, 0, _length - frameLength);
                    _length -= frameLength;
                    return frame;
                }
            }
            if (_length == _buffer.Length)
                Array.Resize(ref _buffer, _buffer.Length * 2);
            int read;
            try
            {
                read = await _socket.ReceiveAsync(_buffer.AsMemory(_length), SocketFlags.None, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("no complete reply within the timeout");
            }
            if (read == 0)
                throw new IOException("connection closed by the server");
            _length += read;
        }
    }

    /// <summary>True when the server closes the connection (reading what is left) within the timeout.</summary>
    public async Task<bool> IsClosedByServerAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(5));
        var scratch = new byte[4096];
        try
        {
            while (true)
            {
                if (await _socket.ReceiveAsync(scratch, SocketFlags.None, cts.Token) == 0)
                    return true;
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}

public static class RawConnectionExtensions
{
    /// <summary>Sends a command and parses its reply.</summary>
    public static async Task<RespValue> ReadValueAfterAsync(this RawConnection c, params string[] args)
    {
        await c.SendCommandAsync(args);
        return await c.ReadValueAsync();
    }
}
