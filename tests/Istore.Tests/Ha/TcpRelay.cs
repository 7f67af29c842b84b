using System.Net;
using System.Net.Sockets;

namespace Istore.Tests.Ha;

/// <summary>
/// A loopback TCP relay in front of one server, for cutting one client off from it. After
/// <see cref="Partition"/> it forwards nothing either way yet keeps every connection open and
/// accepts new ones: what a network that drops packets looks like to the client (time-outs, not
/// refusals). Dispose closes everything.
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _sockets = [];
    private readonly Task _accepting;
    private volatile bool _partitioned;

    public TcpRelay(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public Uri Endpoint => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    public void Partition() => _partitioned = true;

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptSocketAsync(_stop.Token);
                Track(client);
                if (_partitioned)
                {
                    _ = PumpAsync(client, null);
                    continue;
                }
                var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                Track(server);
                await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
                _ = PumpAsync(client, server);
                _ = PumpAsync(server, client);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Copies <paramref name="from"/> to <paramref name="to"/> until either closes; drops the bytes while partitioned.</summary>
    private async Task PumpAsync(Socket from, Socket? to)
    {
        var buffer = new byte[16384];
        try
        {
            while (true)
            {
                int read = await from.ReceiveAsync(buffer, _stop.Token);
                if (read == 0)
                    break;
                if (!_partitioned && to is not null)
                    await to.SendAsync(buffer.AsMemory(0, read), _stop.Token);
            }
            if (!_partitioned)
                to?.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private void Track(Socket socket)
    {
        lock (_sockets)
            _sockets.Add(socket);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accepting;
        lock (_sockets)
        {
            foreach (var socket in _sockets)
                socket.Dispose();
        }
        _stop.Dispose();
    }
}
