using Istore.Tests.Infrastructure;

namespace Istore.Tests.Proxy;

/// <summary>
/// <see cref="VerifiedClient"/>s through a proxy, each running batches on its own until
/// <see cref="StopAndVerifyAsync"/>, which also checks every client's counter.
/// </summary>
internal sealed class VerifiedLoad : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _running;
    private readonly int _port;
    private readonly (string Name, string Password) _tenant;

    private VerifiedLoad(VerifiedClient[] clients, int port, (string, string) tenant)
    {
        Clients = clients;
        _port = port;
        _tenant = tenant;
        _running = clients.Select(c => c.RunUntilAsync(_stop.Token)).ToList();
    }

    public VerifiedClient[] Clients { get; }

    /// <summary>The first failure of any client so far (a wrong reply, a disconnect), or null.</summary>
    public string? Failure => _running.FirstOrDefault(t => t.IsFaulted)?.Exception?.ToString();

    /// <summary>Clients of the test proxy clusters' tenant t1.</summary>
    public static Task<VerifiedLoad> StartAsync(ProxyProcess proxy, string prefix, int count) => StartAsync(proxy.Port, ("t1", "p1"), prefix, count);

    public static async Task<VerifiedLoad> StartAsync(int port, (string Name, string Password) tenant, string prefix, int count) =>
        new(await Task.WhenAll(Enumerable.Range(0, count).Select(i => VerifiedClient.ConnectAsync(port, tenant, $"{prefix}{i}", i))), port, tenant);

    /// <summary>Stops the clients (throwing the first failure: a wrong reply, a disconnect) and returns how many acknowledged INCRs the counters miss or have too many.</summary>
    public async Task<long> StopAndVerifyAsync()
    {
        _stop.Cancel();
        await Task.WhenAll(_running);
        await using var check = await RawConnection.ConnectAsync(_port);
        if (await check.CommandAsync("AUTH", _tenant.Name, _tenant.Password) != "+OK\r\n")
            throw new InvalidOperationException("AUTH failed");
        long wrong = 0;
        foreach (var c in Clients)
        {
            wrong += await c.CounterErrorAsync(check);
            await c.DisposeAsync();
        }
        return wrong;
    }

    public void Dispose() => _stop.Dispose();
}
