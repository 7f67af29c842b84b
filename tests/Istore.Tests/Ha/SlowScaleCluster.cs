using System.Text.Json.Nodes;
using Istore.Tests.Infrastructure;
using static Istore.Tests.Ha.HaFailoverTests;

namespace Istore.Tests.Ha;

/// <summary>
/// Tenant t1 on two masters of their own with a spare registered for a third, HA moving keys at
/// 2,000 a second (a pass over ~6,700 moving keys of 20,000 lasts seconds), and a proxy: for
/// tests that break something in the middle of a scale step.
/// </summary>
public sealed class SlowScaleCluster : IAsyncDisposable
{
    public required List<NodeProcess> Nodes { get; init; }
    public required HaProcess Ha { get; init; }
    public required ProxyProcess Proxy { get; init; }
    public required LiveCluster Live { get; init; }

    public static async Task<SlowScaleCluster> StartAsync(string engine)
    {
        var nodes = new List<NodeProcess>();
        HaProcess? ha = null;
        ProxyProcess? proxy = null;
        try
        {
            for (int i = 0; i < 3; i++)
                nodes.Add(await NodeProcess.StartAsync(["--engine", engine]));
            int adminPort = NodeProcess.FreePort();
            ha = await HaProcess.StartAsync($$"""[{"name": "t1", "password": "p1", "shards": [{"master": "127.0.0.1:{{nodes[0].Port}}"}, {"master": "127.0.0.1:{{nodes[1].Port}}"}]}]""",
                1000, "--admin", $"127.0.0.1:{adminPort}", "--admin-token", "tok", "--scale-keys-per-sec", "2000");
            proxy = await ProxyProcess.StartWithHaAsync(ha.Address, "--ha-token", "tok");
            var (h, p) = (ha, proxy);   // what the lambdas capture: never null
            var live = new LiveCluster("t1", () => LiveCluster.ConnectAsync(p.Port, "t1", "p1"), () => LiveCluster.MastersOf(h.Topology()), LiveCluster.Admin($"http://127.0.0.1:{adminPort}/", "tok"));
            await WaitAsync(async () => (await live.Http.PostAsync($"api/v1/nodes?address=127.0.0.1:{nodes[2].Port}&engine={engine}", null)).IsSuccessStatusCode,
                TimeSpan.FromSeconds(10), "the spare node could not be registered");
            return new SlowScaleCluster { Nodes = nodes, Ha = ha, Proxy = proxy, Live = live };
        }
        catch
        {
            if (proxy is not null)
                await proxy.DisposeAsync();
            if (ha is not null)
                await ha.DisposeAsync();
            foreach (var node in nodes)
                await node.DisposeAsync();
            throw;
        }
    }

    /// <summary>POST scale to 3 shards, returning once HA's pass has moved 1,000 keys.</summary>
    public async Task ScaleOutUntilMidPassAsync()
    {
        var started = await Live.Http.PostAsync("api/v1/tenants/t1/scale", LiveCluster.Json("""{"shards": 3}"""));
        Assert.Equal(System.Net.HttpStatusCode.Accepted, started.StatusCode);
        await WaitAsync(async () => (long)JsonNode.Parse(await Live.Http.GetStringAsync("api/v1/tenants/t1/scale"))!["keysMoved"]! >= 1000,
            TimeSpan.FromSeconds(30), "the pass did not start");
    }

    public async ValueTask DisposeAsync()
    {
        await Proxy.DisposeAsync();
        await Ha.DisposeAsync();
        foreach (var node in Nodes)
            await node.DisposeAsync();
    }
}
