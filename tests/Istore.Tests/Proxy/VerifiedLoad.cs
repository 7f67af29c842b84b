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

    private VerifiedLoad(VerifiedClient[] clients)
    {
        Clients = clients;
        _running = clients.Select(c => c.RunUntilAsync(_stop.Token)).ToList();
    }

    public VerifiedClient[] Clients { get; }

    /// <summary>The first failure of any client so far (a wrong reply, a disconnect), or null.</summary>
    public string? Failure => _running.FirstOrDefault(t => t.IsFaulted)?.Exception?.ToString();

    public static async Task<VerifiedLoad> StartAsync(ProxyProcess proxy, string prefix, int count) =>
        new(await Task.WhenAll(Enumerable.Range(0, count).Select(i => VerifiedClient.ConnectAsync(proxy, $"{prefix}{i}", i))));

    public async Task StopAndVerifyAsync(ProxyProcess proxy)
    {
        _stop.Cancel();
        await Task.WhenAll(_running);
        await using var check = await proxy.ConnectAsync("t1", "p1");
        foreach (var c in Clients)
        {
            await c.AssertCounterAsync(check);
            await c.DisposeAsync();
        }
    }

    public void Dispose() => _stop.Dispose();
}
