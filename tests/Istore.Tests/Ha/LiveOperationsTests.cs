using System.Net;
using System.Text.Json.Nodes;
using Istore.Net.Client;
using Istore.Tests.Infrastructure;
using Xunit.Abstractions;
using static Istore.Tests.Ha.HaFailoverTests;

namespace Istore.Tests.Ha;

/// <summary>
/// Relocating a shard's master and upgrading every node one at a time, under a write load through
/// the proxy: every acknowledged write is found afterwards (counted), and clients see no error
/// beyond the switchover's pause (counted and reported).
/// </summary>
public sealed class LiveOperationsTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("memory")]
    [InlineData("disk")]
    public async Task Relocating_a_master_under_semi_sync_writes_loses_nothing_and_releases_the_old_node(string engine)
    {
        string[] semiSync = ["--sync-replicas", "1"];
        await using var cluster = await HaCluster.StartAsync(engine, replicas: 1, semiSync, haArgs: ["--admin", $"127.0.0.1:{NodeProcess.FreePort()}", "--admin-token", "tok"]);
        await using var target = await NodeProcess.StartAsync(["--engine", engine, .. semiSync]);
        string adminAddress = AdminAddress(cluster.Ha);
        var live = new LiveCluster("t1", () => LiveCluster.ConnectAsync(cluster.Proxy.Port, "t1", "p1"), () => LiveCluster.MastersOf(cluster.Ha.Topology()),
            LiveCluster.Admin(adminAddress, "tok"));
        var oldMaster = cluster.CurrentMaster();
        string to = $"127.0.0.1:{target.Port}";

        await using var load = new WriteLoad(live);
        await Task.Delay(300);
        HttpResponseMessage? answer = null;
        await WaitAsync(async () =>
        {
            try
            {
                answer = await live.Http.PostAsync("api/v1/tenants/t1/shards/0/relocate", LiveCluster.Json($$"""{"to": "{{to}}"}"""));
                return true;
            }
            catch (HttpRequestException)
            {
                return false;   // the admin API starts just after HA's port
            }
        }, TimeSpan.FromSeconds(10), "the admin API did not answer");
        string body = await answer!.Content.ReadAsStringAsync();
        Assert.True(answer.StatusCode == HttpStatusCode.OK, body);
        var (acknowledged, errors) = await load.StopAsync();
        output.WriteLine($"{engine}: relocated to {to}: {body}; {acknowledged} writes acknowledged, {errors.Count} client errors {string.Join(" | ", errors.Distinct().Take(3))}");

        var shard = cluster.Ha.Topology()["tenants"]![0]!["shards"]![0]!;
        Assert.Equal(to, (string)shard["master"]!);
        Assert.DoesNotContain($"127.0.0.1:{oldMaster.Port}", shard["replicas"]!.AsArray().Select(r => (string)r!));
        int lost = await load.LostAsync(output);
        output.WriteLine($"acknowledged writes lost: {lost}");
        Assert.Equal(0, lost);
        // The only errors a client may see: a write the old master held past the proxy's grace, answered as such.
        Assert.All(errors, e => Assert.Contains("is no longer its shard's master", e));
        // Released: no longer following the shard, and emptied.
        await WaitAsync(async () => (await ReplicationGroup.InfoAsync(oldMaster))["role"] == "master", TimeSpan.FromSeconds(5), "the old master still follows the shard");
        Assert.Equal(":0\r\n", await ReplicationGroup.CommandAsync(oldMaster, "DBSIZE"));

        // Bad requests change nothing.
        Assert.Equal(HttpStatusCode.NotFound, (await live.Http.PostAsync("api/v1/tenants/t1/shards/5/relocate", LiveCluster.Json("""{"to": "127.0.0.1:1"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await live.Http.PostAsync("api/v1/tenants/t1/shards/0/relocate", LiveCluster.Json($$"""{"to": "{{to}}"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await live.Http.PostAsync("api/v1/tenants/t1/shards/0/relocate", LiveCluster.Json("""{"to": "nowhere"}"""))).StatusCode);
        Assert.Equal(to, LiveCluster.MastersOf(cluster.Ha.Topology())[0]);
    }

    /// <summary>Semi-synchronous with two replicas a shard: while one replica restarts, the other acknowledges the master's writes.</summary>
    [Theory]
    [InlineData("memory")]
    [InlineData("disk")]
    public async Task A_rolling_upgrade_under_semi_sync_writes_restarts_every_node_on_the_new_binary_one_shard_at_a_time_with_no_write_lost(string engine)
    {
        await using var up = await UpProcess.StartAsync("--shards", "2", "--replicas", "2", "--sync-replicas", "1", "--engine", engine);
        var live = LiveCluster.Of(up);
        // The "new" binary: the same build behind another path, which the nodes' INFO and command lines then show.
        string dir = Directory.CreateTempSubdirectory("istore-upgrade-").FullName;
        string next = Path.Combine(dir, "istore-node-next");
        File.CreateSymbolicLink(next, NodeProcess.BinaryPath);
        try
        {
            await using var load = new WriteLoad(live);
            var progress = await live.UpgradeAsync($$"""{"nodeBinary": "{{next}}"}""", TimeSpan.FromSeconds(180));
            var (acknowledged, errors) = await load.StopAsync();
            output.WriteLine($"{engine}: {progress.ToJsonString()}; {acknowledged} writes acknowledged, {errors.Count} client errors {string.Join(" | ", errors.Distinct().Take(3))}");
            if ((string)progress["state"]! != "done" || errors.Any(e => !e.Contains("is no longer its shard's master")))
                output.WriteLine(up.Output);
            Assert.Equal("done", (string)progress["state"]!);
            Assert.Equal(6, (int)progress["nodesDone"]!);
            int lost = await load.LostAsync(output);
            output.WriteLine($"acknowledged writes lost: {lost}");
            Assert.Equal(0, lost);
            Assert.All(errors, e => Assert.Contains("is no longer its shard's master", e));
            await up.RememberChildrenAsync();
            foreach (var node in up.NodeAddresses())
            {
                Assert.Equal(next, (await UpProcess.NodeInfoAsync(node))["executable"]);
                // Restarted semi-synchronous, as started.
                await using var c = await RespClient.ConnectAsync("127.0.0.1", int.Parse(node.Split(':')[1]));
                Assert.Equal("sync-replicas,1", string.Join(",", (await c.ExecuteAsync("CONFIG", "GET", "sync-replicas")).AsStringArray()));
            }
            // The machine view shows the new binary once HA sampled every node again (once a second).
            await WaitAsync(async () => JsonNode.Parse(await live.Http.GetStringAsync("api/v1/cluster"))!["nodes"]!.AsArray().All(n => ((string)n!["binary"]!).StartsWith(next)),
                TimeSpan.FromSeconds(10), "the cluster view does not show the new binary on every node");
            Assert.Equal(HttpStatusCode.BadRequest, (await live.Http.PostAsync("api/v1/upgrade", LiveCluster.Json("""{"nodeBinary": "/nowhere/istore-node"}"""))).StatusCode);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string AdminAddress(HaProcess ha)
    {
        string[] args = ha.Arguments;
        return $"http://{args[Array.IndexOf(args, "--admin") + 1]}/";
    }
}
