using Istore.Tests.Infrastructure;
using Xunit.Abstractions;
using static Istore.Tests.Ha.HaFailoverTests;

namespace Istore.Tests.Ha;

/// <summary>istore-ha's planned switchover, name service, own restarts and admin port.</summary>
public sealed class HaOperationsTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("memory")]
    [InlineData("disk")]
    public async Task A_planned_switchover_under_load_costs_a_pause_and_no_error_and_no_write(string engine)
    {
        await using var cluster = await HaCluster.StartAsync(engine, replicas: 1, nodeArgs: ["--sync-replicas", "1"]);
        var old = cluster.CurrentMaster();
        await using var writer = new AcknowledgedWriter(cluster.Proxy.Port, "switch");
        await writer.WaitForAcknowledgedAsync(200, TimeSpan.FromSeconds(20));
        Assert.Equal("+OK\r\n", await cluster.Ha.CommandAsync("FAILOVER", "t1", "0"));
        var promoted = cluster.CurrentMaster();
        Assert.NotEqual(old, promoted);
        Assert.Equal(2, cluster.RouteVersion());
        int before = writer.Acknowledged.Count;
        await WaitAsync(() => writer.Acknowledged.Count > before + 200, TimeSpan.FromSeconds(10), "writes did not go on");
        await writer.StopAsync();
        Assert.Equal("slave", (await ReplicationGroup.InfoAsync(old))["role"]);
        await cluster.WaitShardInSyncAsync();
        long lost = await writer.CountLostAsync(cluster.Proxy.Port);
        output.WriteLine($"{engine}: pause {writer.LongestGapMs} ms, {writer.Acknowledged.Count} acknowledged, {lost} lost, errors: {string.Join(" | ", writer.Errors.Take(5))}");
        Assert.Empty(writer.Errors);
        Assert.Equal(0, lost);
        Assert.InRange(writer.LongestGapMs, 0, 3000);
    }

    [Fact]
    public async Task Switchover_refuses_what_it_cannot_do_and_changes_nothing()
    {
        await using var cluster = await HaCluster.StartAsync("memory", replicas: 1);
        Assert.StartsWith("-ERR unknown tenant 'nope'", await cluster.Ha.CommandAsync("FAILOVER", "nope", "0"));
        Assert.StartsWith("-ERR tenant 't1' has no shard 3", await cluster.Ha.CommandAsync("FAILOVER", "t1", "3"));
        Assert.StartsWith("-ERR shard must be an integer", await cluster.Ha.CommandAsync("FAILOVER", "t1", "x"));
        Assert.StartsWith("-ERR 127.0.0.1:1 is not a replica of t1/0", await cluster.Ha.CommandAsync("FAILOVER", "t1", "0", "127.0.0.1:1"));
        Assert.StartsWith("-ERR wrong number of arguments", await cluster.Ha.CommandAsync("FAILOVER", "t1"));
        cluster.Shard.Replicas[0].Kill();
        Assert.StartsWith("-ERR no replica of t1/0 answers", await cluster.Ha.CommandAsync("FAILOVER", "t1", "0"));
        Assert.Equal(1, cluster.RouteVersion());
        Assert.Equal(cluster.Shard.Master, cluster.CurrentMaster());
        Assert.Equal("+OK\r\n", await ReplicationGroup.CommandAsync(cluster.Shard.Master, "SET", "still", "writable"));
    }

    [Fact]
    public async Task A_killed_proxy_leaves_the_name_service_within_downAfterMs_and_returns_when_restarted()
    {
        await using var cluster = await HaCluster.StartAsync("memory", replicas: 0, downAfterMs: 500);
        await using var second = await ProxyProcess.StartWithHaAsync(cluster.Ha.Address);
        await WaitAsync(async () => await cluster.Ha.CommandAsync("PROXIES", "t1") == Proxies(cluster.Proxy, second), TimeSpan.FromSeconds(5), "both proxies never listed");
        long killedAt = Environment.TickCount64;
        second.Kill();
        await WaitAsync(async () => await cluster.Ha.CommandAsync("PROXIES", "t1") == Proxies(cluster.Proxy), TimeSpan.FromSeconds(5), "the killed proxy stayed listed");
        long ejectedAfter = Environment.TickCount64 - killedAt;
        output.WriteLine($"ejected {ejectedAfter} ms after the kill");
        // downAfterMs plus one probe's timeout, and the polling of this test on a busy 2-core CI machine (seen: 1,336 ms).
        Assert.InRange(ejectedAfter, 0, 500 + 1000);
        Assert.Equal("1", (await cluster.Ha.InfoAsync())["proxies_ejected"]);
        await second.RestartAsync();
        await WaitAsync(async () => await cluster.Ha.CommandAsync("PROXIES", "t1") == Proxies(cluster.Proxy, second), TimeSpan.FromSeconds(5), "the restarted proxy did not return");
        Assert.StartsWith("-ERR unknown tenant 'nope'", await cluster.Ha.CommandAsync("PROXIES", "nope"));
    }

    private static string Proxies(params ProxyProcess[] proxies)
    {
        var addresses = proxies.Select(p => p.Address).Order(StringComparer.Ordinal).ToList();
        return $"*{addresses.Count}\r\n" + string.Concat(addresses.Select(a => $"${a.Length}\r\n{a}\r\n"));
    }

    [Fact]
    public async Task Proxies_serve_on_while_HA_is_down_and_HA_restarts_from_its_file()
    {
        await using var cluster = await HaCluster.StartAsync("memory", replicas: 1, downAfterMs: 500);
        Assert.Equal("+OK\r\n", await cluster.Ha.CommandAsync("FAILOVER", "t1", "0"));
        var master = cluster.CurrentMaster();
        cluster.Ha.Kill();
        await using (var writer = new AcknowledgedWriter(cluster.Proxy.Port, "headless"))
        {
            await writer.WaitForAcknowledgedAsync(100, TimeSpan.FromSeconds(10));
            await writer.StopAsync();
            Assert.Empty(writer.Errors);
        }
        await cluster.Ha.RestartAsync();
        Assert.Equal("2", (await cluster.Ha.InfoAsync())["route_version"]);
        Assert.Equal(master, cluster.CurrentMaster());
        // The proxy found HA again: a failover now still reaches it.
        await cluster.Proxy.WaitForOutputAsync("Following HA", TimeSpan.FromSeconds(10), occurrences: 2);
        master.Kill();
        await cluster.WaitForNewMasterAsync(master, TimeSpan.FromSeconds(10));
        await using var after = new AcknowledgedWriter(cluster.Proxy.Port, "after");
        await after.WaitForAcknowledgedAsync(10, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task The_admin_token_guards_the_HA_port_and_proxies_use_it()
    {
        await using var cluster = await HaCluster.StartAsync("memory", replicas: 0, haArgs: ["--admin-token", "tok"]);
        Assert.Equal("-NOAUTH Authentication required.\r\n", await cluster.Ha.CommandAsync("PROXIES", "t1"));
        await using var c = await RawConnection.ConnectAsync(cluster.Ha.Port);
        Assert.StartsWith("-WRONGPASS", await c.CommandAsync("AUTH", "bad"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("AUTH", "tok"));
        await WaitAsync(async () => await c.CommandAsync("PROXIES", "t1") == $"*1\r\n${cluster.Proxy.Address.Length}\r\n{cluster.Proxy.Address}\r\n",
            TimeSpan.FromSeconds(5), "the proxy (subscribed with the token) is not listed");
        Assert.StartsWith("-ERR unknown command 'NOPE'", await c.CommandAsync("NOPE"));
        Assert.StartsWith("-ERR syntax", await c.CommandAsync("ROUTES", "SUBSCRIBE"));
    }
}
