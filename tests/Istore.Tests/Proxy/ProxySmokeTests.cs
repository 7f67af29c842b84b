using Istore.Tests.Infrastructure;

namespace Istore.Tests.Proxy;

/// <summary>
/// The proxy binary end to end in one pass. With ISTORE_PROXY_BINARY (and ISTORE_NODE_BINARY) set,
/// as CI does after publishing, this is the AOT smoke test of the published istore-proxy.
/// </summary>
public class ProxySmokeTests(ProxyCluster cluster) : IClassFixture<ProxyCluster>
{
    [Fact]
    public async Task Routes_splits_pipelines_reports_and_reloads()
    {
        await using var c = await cluster.ConnectAsync();
        var keys = Enumerable.Range(0, 30).Select(i => $"smoke:{i}").ToArray();
        Assert.Equal("+OK\r\n", await c.CommandAsync(["MSET", .. keys.SelectMany(k => new[] { k, k })]));
        Assert.Equal(keys, (await c.ReadValueAfterAsync(["MGET", .. keys])).AsStringArray());
        Assert.Equal(":30\r\n", await c.CommandAsync("DBSIZE"));
        await c.SendAsync(ProxyPipelineTests.Pipeline("smokepipe", 2000));
        await ProxyPipelineTests.AssertRepliesInOrder(c, "smokepipe", 2000);
        Assert.Contains("tenant:t1", (await c.ReadValueAfterAsync("INFO")).AsString());
        Assert.Contains("istore_proxy_commands_total{tenant=\"t1\",command=\"mset\"} 1", await cluster.Proxy.GetMetricsAsync());

        int reloads = cluster.Proxy.Output.Split("Configuration reloaded").Length - 1;
        cluster.Proxy.WriteConfig(2, cluster.TenantsJson());
        cluster.Proxy.Signal("HUP");
        await cluster.Proxy.WaitForOutputAsync("Configuration reloaded", TimeSpan.FromSeconds(10), reloads + 1);
        Assert.Equal("$7\r\nsmoke:0\r\n", await c.CommandAsync("GET", "smoke:0"));
    }
}
