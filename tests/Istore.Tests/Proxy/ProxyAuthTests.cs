using Istore.Tests.Infrastructure;

namespace Istore.Tests.Proxy;

/// <summary>AUTH and HELLO bind a connection to one tenant; nothing else runs before.</summary>
public class ProxyAuthTests(ProxyAuthTests.Cluster cluster) : IClassFixture<ProxyAuthTests.Cluster>
{
    public sealed class Cluster : ProxyCluster
    {
        protected override int ShardCount => 2;

        protected override int SpareCount => 2;

        protected override string MoreTenants => """{"name": "small", "password": "ps", "limits": {"maxClients": 2}, "shards": [{"master": "127.0.0.1:{spare1}"}]},""";
    }

    [Fact]
    public async Task Commands_before_auth_get_noauth()
    {
        await using var c = await cluster.Proxy.ConnectAsync();
        Assert.Equal("-NOAUTH Authentication required.\r\n", await c.CommandAsync("GET", "a"));
        Assert.Equal("-NOAUTH Authentication required.\r\n", await c.CommandAsync("PING"));
        Assert.Equal("-NOAUTH Authentication required.\r\n", await c.CommandAsync("NOSUCHCOMMAND"));
        Assert.StartsWith("-WRONGPASS", await c.CommandAsync("AUTH", "t1", "p2"));
        Assert.StartsWith("-WRONGPASS", await c.CommandAsync("AUTH", "nobody"));
        Assert.StartsWith("-ERR wrong number of arguments", await c.CommandAsync("AUTH"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("AUTH", "t1", "p1"));
        Assert.Equal("+PONG\r\n", await c.CommandAsync("PING"));
    }

    [Fact]
    public async Task Auth_with_a_password_alone_finds_the_tenant()
    {
        await using var c = await cluster.Proxy.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync("AUTH", "p2"));
        var info = InfoText.Fields((await c.ReadValueAfterAsync("INFO")).AsString()!);
        Assert.Equal("t2", info["tenant"]);
        Assert.Equal("+OK\r\n", await c.CommandAsync("AUTH", "default", "p1"));
        Assert.Equal("t1", InfoText.Fields((await c.ReadValueAfterAsync("INFO", "server")).AsString()!)["tenant"]);
    }

    [Fact]
    public async Task Hello_3_auth_binds_the_tenant_and_speaks_resp3()
    {
        await using var c = await cluster.Proxy.ConnectAsync();
        Assert.StartsWith("-NOAUTH HELLO must be called", await c.CommandAsync("HELLO", "3"));
        Assert.StartsWith("-NOPROTO", await c.CommandAsync("HELLO", "4", "AUTH", "t1", "p1"));
        var hello = await c.ReadValueAfterAsync("HELLO", "3", "AUTH", "t1", "p1", "SETNAME", "me");
        Assert.Equal(3, hello.Pairs.Single(p => p.Key.AsString() == "proto").Value.AsInteger());
        Assert.Equal("istore-proxy", hello.Pairs.Single(p => p.Key.AsString() == "server").Value.AsString());
        Assert.Equal("_\r\n", await c.CommandAsync("GET", "hello3:missing"));   // RESP3 null from the backend
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "hello3:k", "v"));
        Assert.Equal("*2\r\n$1\r\nv\r\n_\r\n", await c.CommandAsync("MGET", "hello3:k", "hello3:missing"));
        Assert.Equal("$2\r\nme\r\n", await c.CommandAsync("CLIENT", "GETNAME"));
    }

    [Fact]
    public async Task A_tenant_at_max_clients_refuses_another_until_one_leaves()
    {
        var first = await cluster.Proxy.ConnectAsync("small", "ps");
        await using var second = await cluster.Proxy.ConnectAsync("small", "ps");
        await using var third = await cluster.Proxy.ConnectAsync();
        Assert.StartsWith("-ERR max number of clients reached for tenant 'small'", await third.CommandAsync("AUTH", "small", "ps"));
        Assert.Equal("+OK\r\n", await third.CommandAsync("AUTH", "t1", "p1"));   // other tenants are not affected
        await first.DisposeAsync();
        await using var fourth = await cluster.Proxy.ConnectAsync();
        for (int attempt = 0; ; attempt++)
        {
            var reply = await fourth.CommandAsync("AUTH", "small", "ps");
            if (reply == "+OK\r\n")
                break;
            Assert.True(attempt < 50, "the closed client's place was never freed: " + reply);
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task Info_and_metrics_show_only_the_callers_tenant()
    {
        await using var t1 = await cluster.ConnectAsync("t1", "p1");
        await using var t2 = await cluster.ConnectAsync("t2", "p2");
        for (int i = 0; i < 5; i++)
            await t2.CommandAsync("GET", "stats:t2only");
        var t1Stats = (await t1.ReadValueAfterAsync("INFO", "commandstats")).AsString()!;
        var t2Stats = (await t2.ReadValueAfterAsync("INFO", "commandstats")).AsString()!;
        Assert.Contains("cmdstat_get:calls=", t2Stats);
        Assert.DoesNotContain("stats:t2only", t1Stats + t2Stats);
        var t2Calls = InfoText.Fields(t2Stats)["cmdstat_get"];
        Assert.StartsWith("calls=", t2Calls);
        Assert.True(long.Parse(t2Calls.Split(',')[0]["calls=".Length..]) >= 5);
        var metrics = await cluster.Proxy.GetMetricsAsync();
        Assert.Contains("istore_proxy_commands_total{tenant=\"t2\",command=\"get\"}", metrics);
        Assert.Contains("istore_proxy_command_latency_quantile_seconds{tenant=\"t2\",command=\"get\",quantile=\"0.99\"}", metrics);
        Assert.Contains("istore_proxy_connected_clients{tenant=\"t1\"}", metrics);
    }

    [Fact]
    public async Task Metrics_count_latencies_in_histogram_buckets()
    {
        await using var c = await cluster.ConnectAsync("t2", "p2");
        for (int i = 0; i < 7; i++)
            await c.CommandAsync("INCR", "hist:k");
        var lines = (await cluster.Proxy.GetMetricsAsync()).Split('\n');
        const string series = "istore_proxy_command_latency_seconds";
        const string labels = "tenant=\"t2\",command=\"incr\"";
        Assert.Contains($"# TYPE {series} histogram", lines);
        double Value(string line) => double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var buckets = lines.Where(l => l.StartsWith($"{series}_bucket{{{labels},le=")).ToArray();
        Assert.Equal(17, buckets.Length);
        Assert.Contains("le=\"0.0001\"", buckets[0]);
        Assert.Contains("le=\"+Inf\"", buckets[^1]);
        var counts = buckets.Select(Value).ToArray();
        Assert.Equal(counts.Order(), counts);   // cumulative
        Assert.Equal(7, counts[^1]);
        Assert.Equal(7, Value(lines.Single(l => l.StartsWith($"{series}_count{{{labels}}} "))));
        double sum = Value(lines.Single(l => l.StartsWith($"{series}_sum{{{labels}}} ")));
        Assert.InRange(sum, 0, 7 * 10.0);
        Assert.DoesNotContain(lines, l => l.StartsWith($"{series}{{"));   // no quantile series under the histogram's name
    }
}
