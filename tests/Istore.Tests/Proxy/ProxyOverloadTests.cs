using System.Text;
using Istore.Tests.Infrastructure;

namespace Istore.Tests.Proxy;

/// <summary>Per-tenant QPS limit and in-flight limit (backpressure), without touching other tenants.</summary>
public class ProxyOverloadTests(ProxyOverloadTests.Cluster cluster) : IClassFixture<ProxyOverloadTests.Cluster>
{
    public sealed class Cluster : ProxyCluster
    {
        protected override int ShardCount => 2;

        protected override int SpareCount => 4;

        protected override string TenantOneExtras => """ "limits": {"maxInFlight": 4}, """;

        protected override string MoreTenants =>
            """
            {"name": "limited", "password": "pl", "limits": {"qps": 50}, "shards": [{"master": "127.0.0.1:{spare1}"}]},
            {"name": "serial", "password": "ps", "flags": {"pipelining": false}, "shards": [{"master": "127.0.0.1:{spare2}"}, {"master": "127.0.0.1:{spare3}"}]},
            """;
    }

    [Fact]
    public async Task Commands_over_the_qps_limit_are_refused_at_once()
    {
        await using var limited = await cluster.Proxy.ConnectAsync("limited", "pl");
        await using var other = await cluster.ConnectAsync("t2", "p2");
        var pipeline = new StringBuilder();
        for (int i = 0; i < 300; i++)
            pipeline.Append(RespEncoding.CommandText(Encoding.UTF8, "GET", "qps:k"));
        await limited.SendAsync(pipeline.ToString());
        int ok = 0, refused = 0;
        for (int i = 0; i < 300; i++)
        {
            var reply = await limited.ReadFrameAsync();
            if (reply == "$-1\r\n") ok++;
            else if (reply.StartsWith("-ERR max QPS exceeded for tenant 'limited'")) refused++;
        }
        Assert.Equal(300, ok + refused);
        Assert.InRange(ok, 40, 120);
        // Another tenant is not limited.
        await other.SendAsync(pipeline.ToString());
        for (int i = 0; i < 300; i++)
            Assert.Equal("$-1\r\n", await other.ReadFrameAsync());
        // Read the count from /metrics: an INFO on the limited tenant would itself need a token.
        var line = (await cluster.Proxy.GetMetricsAsync()).Split('\n').Single(l => l.StartsWith("istore_proxy_rejected_total{tenant=\"limited\"}"));
        Assert.True(long.Parse(line.Split(' ')[1]) >= refused);
    }

    [Fact]
    public async Task Past_max_in_flight_the_proxy_stops_reading_the_client()
    {
        await using var c = await cluster.ConnectAsync();
        await using var observer = await cluster.ConnectAsync();
        long before = Processed(await observer.ReadValueAfterAsync("INFO", "commandstats"));
        var stalled = cluster.Nodes[0];
        string key = Enumerable.Range(0, 100).Select(i => $"bp:{i}").First(k => ExpectedRoute.Shard(k, 2) == 0);
        ProxyProcess.SendSignal(stalled.Pid, "STOP");
        try
        {
            var pipeline = new StringBuilder();
            for (int i = 0; i < 100; i++)
                pipeline.Append(RespEncoding.CommandText(Encoding.UTF8, "GET", key));
            await c.SendAsync(pipeline.ToString());
            await Task.Delay(300);
            // Only maxInFlight (4) of the 100 GETs were parsed; the rest wait in the socket.
            long parsed = Processed(await observer.ReadValueAfterAsync("INFO", "commandstats")) - before;
            Assert.Equal(4, parsed);
        }
        finally
        {
            ProxyProcess.SendSignal(stalled.Pid, "CONT");
        }
        for (int i = 0; i < 100; i++)
            Assert.Equal("$-1\r\n", await c.ReadFrameAsync());
    }

    [Fact]
    public async Task A_tenant_without_pipelining_still_answers_a_pipeline_in_order()
    {
        await using var c = await cluster.Proxy.ConnectAsync("serial", "ps");
        await c.SendAsync(ProxyPipelineTests.Pipeline("serial", 400));
        await ProxyPipelineTests.AssertRepliesInOrder(c, "serial", 400);
    }

    /// <summary>GET calls so far in the tenant's commandstats.</summary>
    private static long Processed(Istore.Net.Resp.RespValue info) =>
        InfoText.Fields(info.AsString()!).TryGetValue("cmdstat_get", out var stat) ? long.Parse(stat.Split(',')[0]["calls=".Length..]) : 0;
}
