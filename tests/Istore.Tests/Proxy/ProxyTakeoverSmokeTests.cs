using Istore.Tests.Infrastructure;

namespace Istore.Tests.Proxy;

/// <summary>
/// One upgrade of the proxy binary under load. With ISTORE_PROXY_BINARY set, as CI does after
/// publishing, this is the AOT smoke test of takeover: SCM_RIGHTS and the state format in the
/// published istore-proxy.
/// </summary>
public class ProxyTakeoverSmokeTests(UpgradableProxyCluster cluster) : IClassFixture<UpgradableProxyCluster>
{
    [Fact]
    public async Task Upgrades_once_under_load_without_an_error()
    {
        var clients = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => VerifiedClient.ConnectAsync(cluster.Proxy, $"smoke-up{i}", i)));
        using var stop = new CancellationTokenSource();
        var load = clients.Select(c => c.RunUntilAsync(stop.Token)).ToList();
        await Task.Delay(200);
        await cluster.Proxy.UpgradeAsync();
        await Task.Delay(200);
        stop.Cancel();
        await Task.WhenAll(load);
        await using var check = await cluster.ConnectAsync();
        foreach (var c in clients)
        {
            await c.AssertCounterAsync(check);
            await c.DisposeAsync();
        }
        Assert.Contains("takeovers:1", (await check.ReadValueAfterAsync("INFO", "server")).AsString());
    }
}
