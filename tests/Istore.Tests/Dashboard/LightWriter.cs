using Istore.Net.Client;

namespace Istore.Tests.Dashboard;

/// <summary>
/// A light, steady load through the proxy as one tenant (a SET and a GET every few ms on one
/// connection) so the dashboard has traffic to show; reconnects after errors, stops on dispose.
/// </summary>
public sealed class LightWriter : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;
    private long _done;
    private long _errors;

    public LightWriter(int proxyPort, string tenant, string password)
    {
        _run = Task.Run(() => RunAsync(proxyPort, tenant, password));
    }

    public long Done => Interlocked.Read(ref _done);

    public long Errors => Interlocked.Read(ref _errors);

    private async Task RunAsync(int port, string tenant, string password)
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await using var client = await RespClient.ConnectAsync("127.0.0.1", port, _stop.Token);
                if ((await client.ExecuteAsync("AUTH", tenant, password)).IsError)
                    throw new IOException("AUTH refused");
                for (long i = 0; !_stop.IsCancellationRequested; i++)
                {
                    var key = "dashboard:" + (i % 1000);
                    var set = await client.ExecuteAsync("SET", key, i.ToString());
                    var get = await client.ExecuteAsync("GET", key);
                    if (set.IsError || get.IsError)
                        Interlocked.Increment(ref _errors);
                    else
                        Interlocked.Add(ref _done, 2);
                    await Task.Delay(5, _stop.Token);
                }
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or OperationCanceledException or ObjectDisposedException)
            {
                if (_stop.IsCancellationRequested)
                    return;
                Interlocked.Increment(ref _errors);
                await Task.Delay(100);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _run;
        _stop.Dispose();
    }
}
