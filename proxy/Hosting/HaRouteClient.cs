using Istore.Net.Client;
using Istore.Net.Resp;
using Istore.Net.Routes;
using Microsoft.Extensions.Logging;

namespace Istore.Proxy.Hosting;

/// <summary>
/// Takes the routes from HA: subscribes on one HA process (ROUTES SUBSCRIBE with this proxy's
/// address and metrics port, which also registers it for the name service and monitoring), applies every table pushed and
/// acknowledges its version. When that HA fails, or says nothing for three heartbeats, the next
/// one in the list is tried; meanwhile the proxy keeps serving with its last table.
/// </summary>
internal sealed class HaRouteClient(ProxyServer server, IReadOnlyList<Endpoint> has, string listen, int metricsPort, string? token, ILogger logger) : IDisposable
{
    private const int SilenceMs = 3000;
    private const int RetryMs = 200;

    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _firstTable = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the first table was applied.</summary>
    public Task FirstTable => _firstTable.Task;

    public void Start() => _ = Task.Run(RunAsync);

    private async Task RunAsync()
    {
        for (int next = 0; !_stop.IsCancellationRequested; next = (next + 1) % has.Count)
        {
            var ha = has[next];
            try
            {
                await FollowAsync(ha).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or TimeoutException or System.Net.Sockets.SocketException or OperationCanceledException or InvalidDataException)
            {
                if (_stop.IsCancellationRequested)
                    return;
                Log.HaLost(logger, ha.ToString(), ex.Message);
            }
            try
            {
                await Task.Delay(RetryMs, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task FollowAsync(Endpoint ha)
    {
        using var connect = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        connect.CancelAfter(SilenceMs);
        await using var client = await RespClient.ConnectAsync(ha.Host, ha.Port, connect.Token).ConfigureAwait(false);
        if (token is not null)
            Expect(await client.ExecuteAsync(["AUTH", token], connect.Token).ConfigureAwait(false), "AUTH");
        // The metrics port lets HA read every tenant's statistics without holding a client slot of any tenant.
        string[] subscribe = metricsPort > 0 ? ["ROUTES", "SUBSCRIBE", listen, "METRICS", metricsPort.ToString()] : ["ROUTES", "SUBSCRIBE", listen];
        Expect(await client.ExecuteAsync(subscribe, connect.Token).ConfigureAwait(false), "ROUTES SUBSCRIBE");
        Log.HaFollowing(logger, ha.ToString());
        while (true)
        {
            using var silence = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            silence.CancelAfter(SilenceMs);
            RespValue push;
            try
            {
                push = await client.ReceiveUnsolicitedAsync(silence.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
            {
                throw new TimeoutException($"no heartbeat for {SilenceMs} ms");
            }
            if (push.IsAggregate && push.Count == 3 && push[0].AsString() == "routes")
            {
                server.ApplyPushedRoutes(push[1].AsInteger(), push[2].AsString() ?? "", ha.ToString());
                _firstTable.TrySetResult();
                _ = client.ExecuteAsync("ROUTES", "ACK", server.Routes.Version.ToString());
            }
        }
    }

    private static void Expect(RespValue reply, string what)
    {
        if (reply.IsError)
            throw new InvalidDataException($"{what} answered {reply.AsString()}");
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }
}
