using Istore.Net.Client;
using Istore.Tests.Infrastructure;
using Xunit.Abstractions;
using static Istore.Tests.Ha.HaFailoverTests;

namespace Istore.Tests.Ha;

/// <summary>`istore-ha up`: a whole cluster from one command, that heals itself and starts again from its directory.</summary>
public sealed class UpTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Up_serves_through_the_proxy_heals_a_killed_master_and_starts_again_with_the_same_data()
    {
        await using var up = await UpProcess.StartAsync("--shards", "2", "--replicas", "1");
        output.WriteLine($"up in {up.StartTime.TotalMilliseconds:F0} ms (JIT)");
        var (tenant, password) = up.Tenant;
        Assert.Equal("demo", tenant);
        Assert.Equal(4, up.NodeAddresses().Count());
        await using (var c = await RespClient.ConnectAsync("127.0.0.1", up.ProxyPort))
        {
            Assert.Equal("OK", (await c.ExecuteAsync("AUTH", tenant, password)).AsString());
            for (int i = 0; i < 200; i++)
                Assert.Equal("OK", (await c.ExecuteAsync("SET", $"k{i}", $"v{i}")).AsString());
        }
        // The writes reached both masters and, through replication, both replicas.
        await WaitAsync(async () =>
        {
            // INFO keyspace leaves db0 out while it is empty (as Redis): a replica that has none of the keys yet.
            var keys = await Task.WhenAll(up.NodeAddresses().Select(async n =>
                (await UpProcess.NodeInfoAsync(n)).TryGetValue("db0", out var db0) ? long.Parse(db0.Split(',')[0][5..]) : 0));
            return keys.Sum() == 400 && keys.All(k => k > 0);
        }, TimeSpan.FromSeconds(15), "the keys did not reach every node");

        // kill -9 a master: HA fails over, `up` restarts the process, which rejoins as a replica.
        string master = (string)up.Topology()["tenants"]![0]!["shards"]![0]!["master"]!;
        ChildProcess.Signal(await UpProcess.NodePidAsync(master), "KILL");
        await WaitAsync(() => (string)up.Topology()["tenants"]![0]!["shards"]![0]!["master"]! != master, TimeSpan.FromSeconds(10), "no failover:\n" + up.Output);
        await WaitAsync(async () =>
        {
            try
            {
                return (await UpProcess.NodeInfoAsync(master))["role"] == "slave";
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(15), "the killed master did not come back as a replica:\n" + up.Output);
        await up.RememberChildrenAsync();
        await AssertKeysAsync(up, tenant, password);

        Assert.Equal(0, await up.StopAsync());
        Assert.Empty(up.LiveChildren());
        await up.LaunchAsync();
        output.WriteLine($"up again in {up.StartTime.TotalMilliseconds:F0} ms");
        Assert.Equal((tenant, password), up.Tenant);
        await AssertKeysAsync(up, tenant, password);
    }

    /// <summary>A semi-synchronous master answers writes -NOREPLICAS until its replica is in sync: `up` says the cluster is up only then.</summary>
    [Fact]
    public async Task Up_with_sync_replicas_is_up_once_every_replica_is_in_sync_and_takes_writes_at_once()
    {
        await using var up = await UpProcess.StartAsync("--shards", "2", "--replicas", "1", "--sync-replicas", "1");
        var masters = up.Topology()["tenants"]![0]!["shards"]!.AsArray().Select(s => (string)s!["master"]!).ToList();
        foreach (var master in masters)
        {
            var info = await UpProcess.NodeInfoAsync(master);
            Assert.Equal("1", info["connected_slaves"]);
            Assert.Contains("state=online", info["slave0"]);
        }
        var (tenant, password) = up.Tenant;
        await using var c = await RespClient.ConnectAsync("127.0.0.1", up.ProxyPort);
        Assert.Equal("OK", (await c.ExecuteAsync("AUTH", tenant, password)).AsString());
        for (int i = 0; i < 20; i++)
            Assert.Equal("OK", (await c.ExecuteAsync("SET", $"k{i}", $"v{i}")).AsString());
    }

    private static async Task AssertKeysAsync(UpProcess up, string tenant, string password)
    {
        await using var c = await RespClient.ConnectAsync("127.0.0.1", up.ProxyPort);
        await c.ExecuteAsync("AUTH", tenant, password);
        var values = await c.ExecuteAsync(["MGET", .. Enumerable.Range(0, 200).Select(i => $"k{i}")], CancellationToken.None);
        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"v{i}"), values.AsStringArray());
    }

    [Fact]
    public async Task Up_refuses_bad_options_and_missing_binaries_with_a_message()
    {
        var (code, text) = await NodeProcess.RunToExitAsync(HaProcess.BinaryPath, ["up", "--engine", "tape"]);
        Assert.NotEqual(0, code);
        Assert.Contains("tape", text);
        (code, text) = await NodeProcess.RunToExitAsync(HaProcess.BinaryPath, ["up", "--replicas", "1", "--sync-replicas", "2"]);
        Assert.Equal(1, code);
        Assert.Contains("--sync-replicas 0..replicas", text);   // a write could never be acknowledged
        string dir = Directory.CreateTempSubdirectory("istore-up-bad-").FullName;
        (code, text) = await NodeProcess.RunToExitAsync(HaProcess.BinaryPath, ["up", "--dir", dir, "--node-binary", "/nonexistent/istore-node"]);
        Assert.Equal(1, code);
        Assert.Contains("istore-node not found", text);
        using (var squatter = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            squatter.Start();
            int taken = ((System.Net.IPEndPoint)squatter.LocalEndpoint).Port;
            (code, text) = await NodeProcess.RunToExitAsync(HaProcess.BinaryPath, ["up", "--dir", dir, "--base-port", taken.ToString()]);
            Assert.Equal(1, code);
            Assert.Matches(@"127\.0\.0\.1:\d+ is in use", text);   // this port, or another of the range something else holds
        }
        Directory.Delete(dir, recursive: true);
    }
}
