using Istore.Tests.Infrastructure;
using static Istore.Tests.Ha.HaFailoverTests;

namespace Istore.Tests.Ha;

/// <summary>
/// istore-ha end to end with a shard pair and a proxy. With ISTORE_HA_BINARY (and the node and
/// proxy binaries) set, CI runs this against the Native AOT binaries: file mode, and etcd mode
/// (the etcd JSON gateway client under AOT).
/// </summary>
public sealed class HaSmokeTests
{
    [Fact]
    public async Task File_mode_fails_over_a_killed_master_and_switches_over_by_hand()
    {
        await using var cluster = await HaCluster.StartAsync("memory", replicas: 1);
        await using (var writer = new AcknowledgedWriter(cluster.Proxy.Port, "smoke"))
        {
            await writer.WaitForAcknowledgedAsync(50, TimeSpan.FromSeconds(10));
            Assert.Equal("+OK\r\n", await cluster.Ha.CommandAsync("FAILOVER", "t1", "0"));
            int before = writer.Acknowledged.Count;
            await WaitAsync(() => writer.Acknowledged.Count > before + 50, TimeSpan.FromSeconds(10), "writes did not go on after the switchover");
            await writer.StopAsync();
            Assert.Empty(writer.Errors);
            await cluster.WaitShardInSyncAsync();
            Assert.Equal(0, await writer.CountLostAsync(cluster.Proxy.Port));
        }
        Assert.Equal($"*1\r\n${cluster.Proxy.Address.Length}\r\n{cluster.Proxy.Address}\r\n", await cluster.Ha.CommandAsync("PROXIES", "t1"));
        var master = cluster.CurrentMaster();
        master.Kill();
        await cluster.WaitForNewMasterAsync(master, TimeSpan.FromSeconds(10));
        await using var after = new AcknowledgedWriter(cluster.Proxy.Port, "after");
        await after.WaitForAcknowledgedAsync(10, TimeSpan.FromSeconds(10));
        Assert.Equal("1", (await cluster.Ha.InfoAsync())["failovers"]);
    }

    [Fact]
    public async Task Etcd_mode_leads_and_commits_a_switchover()
    {
        await using var etcd = await EtcdProcess.StartAsync();
        await using var shard = await ReplicationGroup.StartAsync("memory", replicas: 1);
        await shard.WaitInSyncAsync();
        await using var ha = await HaProcess.StartAsync($$"""[{"name": "t1", "password": "p1", "shards": [{"master": "127.0.0.1:{{shard.Master.Port}}", "replicas": ["127.0.0.1:{{shard.Replicas[0].Port}}"]}]}]""",
            1000, "--etcd", etcd.Endpoint.ToString());
        await WaitAsync(async () => (await ha.InfoAsync())["is_leader"] == "1", TimeSpan.FromSeconds(10), "HA did not lead:\n" + ha.Output);
        Assert.Equal("+OK\r\n", await ha.CommandAsync("FAILOVER", "t1", "0"));
        Assert.Equal("2", (await ha.InfoAsync())["route_version"]);
        Assert.Equal("master", (await ReplicationGroup.InfoAsync(shard.Replicas[0]))["role"]);
    }
}
