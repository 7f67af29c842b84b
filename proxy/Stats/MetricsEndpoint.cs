using System.Net;
using System.Net.Sockets;
using System.Text;
using Istore.Net.Server;

namespace Istore.Proxy.Stats;

/// <summary>
/// A minimal HTTP/1.0 responder for Prometheus scrapes: GET /metrics returns the text
/// exposition, anything else 404. One short connection per scrape, off the event loops.
/// </summary>
internal sealed class MetricsEndpoint : IDisposable
{
    private readonly Socket _listener;
    private readonly Func<string> _render;
    private readonly CancellationTokenSource _stop = new();
    private bool _handedOver;

    /// <summary>Serves on <paramref name="listener"/>: one bound by <see cref="Listen"/>, or one a predecessor handed over.</summary>
    public MetricsEndpoint(Socket listener, Func<string> render)
    {
        _render = render;
        _listener = listener;
        _ = Task.Run(AcceptLoopAsync);
    }

    public static Socket Listen(IPEndPoint endpoint) => TcpListen.Open(endpoint, 64);

    /// <summary>The listening socket's descriptor, to pass to a successor process.</summary>
    public int ListenerFd => (int)_listener.Handle;

    /// <summary>
    /// A successor serves this socket now: stop accepting, and never close it here (closing a
    /// socket with an accept pending may reset it for every process that shares it).
    /// </summary>
    public void HandOver()
    {
        _handedOver = true;
        _stop.Cancel();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var client = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
                _ = Task.Run(() => ServeAsync(client));
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stop.IsCancellationRequested)
                    return;
            }
        }
    }

    private async Task ServeAsync(Socket client)
    {
        using (client)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await using var stream = new NetworkStream(client, ownsSocket: false);
                var request = new byte[8192];
                int length = 0;
                while (length < request.Length && request.AsSpan(0, length).IndexOf("\r\n\r\n"u8) < 0)
                {
                    int n = await stream.ReadAsync(request.AsMemory(length), timeout.Token).ConfigureAwait(false);
                    if (n == 0)
                        break;
                    length += n;
                }
                var line = request.AsSpan(0, length);
                bool found = line.StartsWith("GET /metrics "u8) || line.StartsWith("GET /metrics?"u8);
                var body = Encoding.UTF8.GetBytes(found ? _render() : "not found\n");
                var head = Encoding.ASCII.GetBytes(
                    $"HTTP/1.0 {(found ? "200 OK" : "404 Not Found")}\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
                await stream.WriteAsync(head, timeout.Token).ConfigureAwait(false);
                await stream.WriteAsync(body, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
            {
                // A scraper that hangs up or stalls costs only its own connection.
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        if (!_handedOver)
            _listener.Dispose();
    }
}
