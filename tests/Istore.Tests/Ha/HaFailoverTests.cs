using Istore.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Istore.Tests.Ha;

/// <summary>
/// istore-ha over a real shard and proxy: a killed or frozen master is failed over to its most
/// advanced replica, proxies get the new routes, nothing acknowledged with --sync-replicas 1 is
/// lost, and a returning master is demoted.
/// </summary>
public sealed class HaFailoverTests(ITestOutputHelper output)
{
    private static readonly string[] SemiSync = ["--sync-replicas", "1", "--sync-replicas-timeout", "5000"];

    [Theory]
    [InlineData("memory", 20)]
    [InlineData("disk", 3)]
    public async Task Killing_the_master_under_pipelined_writes_through_the_proxy_loses_no_acknowledged_write(string engine, int trials)
    {
        // Two replicas: after a failover the new master still has one to acknowledge its writes.
        await using var cluster = await HaCluster.StartAsync(engine, replicas: 2, nodeArgs: SemiSync);
        var outages = new List<long>();
        long acknowledged = 0, lost = 0;
        for (int trial = 0; trial < trials; trial++)
        {
            var master = cluster.CurrentMaster();
            await using var writer = new AcknowledgedWriter(cluster.Proxy.Port, $"{engine}:{trial}");
            await writer.WaitForAcknowledgedAsync(100, TimeSpan.FromSeconds(20));
            await Task.Delay(13 * trial % 50);
            master.Kill();
            long killedAt = Environment.TickCount64;
            var promoted = await cluster.WaitForNewMasterAsync(master, TimeSpan.FromSeconds(10));
            int before = writer.Acknowledged.Count;
            await WaitAsync(() => writer.Acknowledged.Count > before + 50 && writer.SinceLastSuccessMs < 50, TimeSpan.FromSeconds(10), "writes did not resume:\n" + cluster.Ha.Output);
            outages.Add(writer.LongestGapMs);
            await writer.StopAsync();
            await master.RestartAsync();   // HA demotes it: it follows the new master
            await cluster.WaitShardInSyncAsync(TimeSpan.FromSeconds(30));
            long missing = await writer.CountLostAsync(cluster.Proxy.Port);
            acknowledged += writer.Acknowledged.Count;
            lost += missing;
            output.WriteLine($"trial {trial}: {master.Port} killed, {promoted.Port} promoted {Environment.TickCount64 - killedAt} ms later; outage {writer.LongestGapMs} ms, {writer.Acknowledged.Count} acknowledged, {missing} lost");
        }
        outages.Sort();
        output.WriteLine($"{engine}: {trials} failovers, outage p50 {outages[outages.Count / 2]} ms, max {outages[^1]} ms; {acknowledged} acknowledged writes, {lost} lost");
        Assert.Equal(0, lost);
        Assert.All(outages, o => Assert.InRange(o, 0, 8000));   // a bound that catches a stuck failover; the targets are measured in perf/
    }

    [Fact]
    public async Task A_frozen_master_is_failed_over_and_comes_back_demoted_without_acknowledging_anything()
    {
        await using var cluster = await HaCluster.StartAsync("memory", replicas: 2, nodeArgs: SemiSync);
        var old = cluster.CurrentMaster();
        await using var direct = await old.ConnectAsync();
        ChildProcess.Signal(old.Pid, "STOP");
        try
        {
            var promoted = await cluster.WaitForNewMasterAsync(old, TimeSpan.FromSeconds(10));
            await using var writer = new AcknowledgedWriter(cluster.Proxy.Port, "after");
            await writer.WaitForAcknowledgedAsync(50, TimeSpan.FromSeconds(10));
            // A client still connected to the frozen master writes: once it runs again its replicas
            // have left it, so the write cannot be acknowledged.
            await direct.SendCommandAsync("SET", "stale", "write");
            ChildProcess.Signal(old.Pid, "CONT");
            string reply = await direct.ReadFrameAsync(TimeSpan.FromSeconds(15));
            Assert.NotEqual("+OK\r\n", reply);
            await WaitAsync(async () => (await ReplicationGroup.InfoAsync(old)).GetValueOrDefault("master_port") == promoted.Port.ToString(),
                TimeSpan.FromSeconds(10), "the old master was not demoted:\n" + cluster.Ha.Output);
            Assert.StartsWith("-READONLY", await ReplicationGroup.CommandAsync(old, "SET", "stale", "again"));
            await writer.StopAsync();
            Assert.Equal(0, await writer.CountLostAsync(cluster.Proxy.Port));
            Assert.Equal("$-1\r\n", await ReplicationGroup.CommandAsync(promoted, "GET", "stale"));
        }
        finally
        {
            ChildProcess.Signal(old.Pid, "CONT");
        }
    }

    /// <summary>HA frozen (SIGSTOP) past downAfterMs sees every node silent when it resumes: it must probe again, not fail masters over.</summary>
    [Fact]
    public async Task A_stalled_HA_fails_nothing_over_when_it_resumes()
    {
        await using var cluster = await HaCluster.StartAsync("memory", replicas: 1);
        var master = cluster.CurrentMaster();
        long version = cluster.RouteVersion();
        await Task.Delay(500);   // probed
        for (int stall = 0; stall < 3; stall++)
        {
            ChildProcess.Signal(cluster.Ha.Pid, "STOP");
            await Task.Delay(2500);
            ChildProcess.Signal(cluster.Ha.Pid, "CONT");
            await Task.Delay(1500);
        }
        Assert.DoesNotContain("Failing over", cluster.Ha.Output);
        Assert.Equal(master, cluster.CurrentMaster());
        Assert.Equal(version, cluster.RouteVersion());
    }

    [Fact]
    public async Task A_shard_whose_replicas_are_down_too_is_reported_not_failed_over()
    {
        await using var cluster = await HaCluster.StartAsync("memory", replicas: 1, downAfterMs: 300);
        var master = cluster.CurrentMaster();
        cluster.Shard.Replicas[0].Kill();
        master.Kill();
        await WaitAsync(async () => (await cluster.Ha.InfoAsync())["shard0"].Contains("no replica answers"), TimeSpan.FromSeconds(10), cluster.Ha.Output);
        Assert.Equal(master, cluster.CurrentMaster());
        Assert.Equal(1, cluster.RouteVersion());
        await master.RestartAsync();
        await using var writer = new AcknowledgedWriter(cluster.Proxy.Port, "back");
        await writer.WaitForAcknowledgedAsync(10, TimeSpan.FromSeconds(10));
        Assert.DoesNotContain("no replica answers", (await cluster.Ha.InfoAsync())["shard0"]);
    }

    [Fact]
    public async Task A_listed_replica_that_masters_another_shard_is_left_alone_and_reported()
    {
        await using var other = await ReplicationGroup.StartAsync("memory", replicas: 1);
        await other.WaitInSyncAsync();
        await using var master = await NodeProcess.StartAsync();
        await using var ha = await HaProcess.StartAsync($$"""[{"name": "t1", "password": "p1", "shards": [{"master": "127.0.0.1:{{master.Port}}", "replicas": ["127.0.0.1:{{other.Master.Port}}"]}]}]""");
        await WaitAsync(async () => (await ha.InfoAsync())["shard0"].Contains($"is the master of 127.0.0.1:{other.Replicas[0].Port}, outside this shard"),
            TimeSpan.FromSeconds(10), "not reported:\n" + ha.Output);
        await Task.Delay(1500);   // past the once-a-second correction
        Assert.Equal("master", (await ReplicationGroup.InfoAsync(other.Master))["role"]);
        Assert.Equal("1", (await ReplicationGroup.InfoAsync(other.Master))["connected_slaves"]);
    }

    [Fact]
    public async Task Nodes_with_a_password_are_probed_and_failed_over_with_it()
    {
        string[] secured = ["--requirepass", "pw", "--masterauth", "pw", .. SemiSync];
        await using var master = await NodeProcess.StartAsync(secured);
        await using var first = await NodeProcess.StartAsync([.. secured, "--replicaof", $"127.0.0.1:{master.Port}"]);
        await using var second = await NodeProcess.StartAsync([.. secured, "--replicaof", $"127.0.0.1:{master.Port}"]);
        await using var ha = await HaProcess.StartAsync($$"""[{"name": "t1", "password": "p1", "backendPassword": "pw", "shards": [{"master": "127.0.0.1:{{master.Port}}", "replicas": ["127.0.0.1:{{first.Port}}", "127.0.0.1:{{second.Port}}"]}]}]""",
            1000, "--node-password", "pw");
        await using var proxy = await ProxyProcess.StartWithHaAsync(ha.Address);
        await using var writer = new AcknowledgedWriter(proxy.Port, "secured");
        await writer.WaitForAcknowledgedAsync(100, TimeSpan.FromSeconds(20));
        master.Kill();
        await WaitAsync(() => (string)ha.Topology()["tenants"]![0]!["shards"]![0]!["master"]! != $"127.0.0.1:{master.Port}", TimeSpan.FromSeconds(10), "no failover:\n" + ha.Output);
        int before = writer.Acknowledged.Count;
        await WaitAsync(() => writer.Acknowledged.Count > before + 50, TimeSpan.FromSeconds(10), "writes did not resume:\n" + ha.Output);
        await writer.StopAsync();
        Assert.Equal(0, await writer.CountLostAsync(proxy.Port));
        Assert.DoesNotContain("NOAUTH", ha.Output);
    }

    internal static async Task WaitAsync(Func<bool> condition, TimeSpan timeout, string failure) =>
        await WaitAsync(() => Task.FromResult(condition()), timeout, failure);

    internal static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan timeout, string failure)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException(failure);
            await Task.Delay(20);
        }
    }
}
