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
        using var load = await VerifiedLoad.StartAsync(cluster.Proxy, "smoke-up", 10);
        await Task.Delay(200);
        await cluster.Proxy.UpgradeAsync();
        await Task.Delay(200);
        Assert.Equal(0L, await load.StopAndVerifyAsync());
        await using var check = await cluster.ConnectAsync();
        Assert.Contains("takeovers:1", (await check.ReadValueAfterAsync("INFO", "server")).AsString());
    }
}
