using System.Text;
using Istore.Tests.Infrastructure;

namespace Istore.Tests.Proxy;

/// <summary>A dead, stalled or missing backend fails exactly its in-flight requests; the proxy recovers when it returns.</summary>
public class ProxyBackendFailureTests(ProxyBackendFailureTests.Cluster cluster) : IClassFixture<ProxyBackendFailureTests.Cluster>
{
    public sealed class Cluster : ProxyCluster
    {
        protected override string TenantOneExtras => """ "limits": {"backendTimeoutMs": 2000}, """;

        protected override string MoreTenants => $$"""{"name": "nowhere", "password": "pn", "shards": [{"master": "127.0.0.1:{{NodeProcess.FreePort()}}"}]},""";
    }

    [Fact]
    public async Task A_backend_killed_mid_pipeline_fails_only_its_requests_and_recovers_after_restart()
    {
        await using var c = await cluster.ConnectAsync();
        var victim = cluster.Nodes[2];
        const int count = 3000;
        var keys = Enumerable.Range(0, count).Select(i => $"kill:{i}").ToArray();
        // Stop the shard so its requests are surely in flight, then kill it.
        ProxyProcess.SendSignal(victim.Pid, "STOP");
        var pipeline = new StringBuilder();
        foreach (var key in keys)
            pipeline.Append(RespEncoding.CommandText(Encoding.UTF8, "SET", key, "v"));
        await c.SendAsync(pipeline.ToString());
        await Task.Delay(300);
        victim.Kill();
        foreach (var key in keys)
        {
            var reply = await c.ReadFrameAsync();
            if (ExpectedRoute.Shard(key, 3) == 2)
                Assert.StartsWith($"-ERR backend 127.0.0.1:{victim.Port}", reply);
            else
                Assert.Equal("+OK\r\n", reply);
        }
        string onVictim = keys.First(k => ExpectedRoute.Shard(k, 3) == 2);
        Assert.StartsWith("-ERR backend", await c.CommandAsync("GET", onVictim));   // down: answered at once, not hung

        await victim.RestartAsync();
        for (int attempt = 0; ; attempt++)
        {
            var reply = await c.CommandAsync("SET", onVictim, "back");
            if (reply == "+OK\r\n")
                break;
            Assert.True(attempt < 100, "the proxy never reconnected: " + reply);
            await Task.Delay(50);
        }
        Assert.Equal("$4\r\nback\r\n", await c.CommandAsync("GET", onVictim));
    }

    [Fact]
    public async Task A_stalled_backend_times_out_and_its_slots_are_freed()
    {
        await using var c = await cluster.ConnectAsync();
        var stalled = cluster.Nodes[1];
        string key = Enumerable.Range(0, 100).Select(i => $"slow:{i}").First(k => ExpectedRoute.Shard(k, 3) == 1);
        string other = Enumerable.Range(0, 100).Select(i => $"slow:{i}").First(k => ExpectedRoute.Shard(k, 3) != 1);
        ProxyProcess.SendSignal(stalled.Pid, "STOP");
        try
        {
            await c.SendCommandAsync("GET", key);
            await c.SendCommandAsync("SET", other, "1");
            var started = DateTime.UtcNow;
            Assert.StartsWith($"-ERR backend 127.0.0.1:{stalled.Port} timed out", await c.ReadFrameAsync(TimeSpan.FromSeconds(8)));
            Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromMilliseconds(1500), TimeSpan.FromSeconds(5));
            Assert.Equal("+OK\r\n", await c.ReadFrameAsync());
        }
        finally
        {
            ProxyProcess.SendSignal(stalled.Pid, "CONT");
        }
        for (int attempt = 0; ; attempt++)
        {
            var reply = await c.CommandAsync("GET", key);
            if (!reply.StartsWith('-'))
                break;
            Assert.True(attempt < 100, "the shard never came back: " + reply);
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task A_timeout_fails_only_the_requests_that_waited_too_long()
    {
        await using var c = await cluster.ConnectAsync();
        var stalled = cluster.Nodes[0];
        var keys = Enumerable.Range(0, 100).Select(i => $"late:{i}").Where(k => ExpectedRoute.Shard(k, 3) == 0).Take(2).ToArray();
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", keys[0], "first"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", keys[1], "second"));
        ProxyProcess.SendSignal(stalled.Pid, "STOP");
        try
        {
            // Both requests share the shard's backend connection; the second is sent halfway through the first's
            // timeout, so after the first fails the node has a whole second to answer the second on a loaded machine.
            await c.SendCommandAsync("GET", keys[0]);
            await Task.Delay(1000);
            await c.SendCommandAsync("GET", keys[1]);
            Assert.StartsWith($"-ERR backend 127.0.0.1:{stalled.Port} timed out after 2000 ms", await c.ReadFrameAsync(TimeSpan.FromSeconds(5)));
        }
        finally
        {
            ProxyProcess.SendSignal(stalled.Pid, "CONT");
        }
        // The first request's late reply is dropped; the second gets its own.
        Assert.Equal("$6\r\nsecond\r\n", await c.ReadFrameAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal("$5\r\nfirst\r\n", await c.CommandAsync("GET", keys[0]));
    }

    [Fact]
    public async Task A_backend_nobody_listens_on_answers_with_an_error()
    {
        await using var c = await cluster.Proxy.ConnectAsync("nowhere", "pn");
        Assert.StartsWith("-ERR backend 127.0.0.1:", await c.CommandAsync("GET", "x"));
        Assert.StartsWith("-ERR backend 127.0.0.1:", await c.CommandAsync("MGET", "x", "y", "z"));
        Assert.Equal("+PONG\r\n", await c.CommandAsync("PING"));
    }
}
