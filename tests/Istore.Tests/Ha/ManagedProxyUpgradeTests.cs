using System.Text.Json.Nodes;
using Istore.Tests.Infrastructure;
using Istore.Tests.Proxy;
using Xunit.Abstractions;
using static Istore.Tests.Ha.HaFailoverTests;

namespace Istore.Tests.Ha;

/// <summary>
/// `istore-ha up`'s rolling upgrade of its proxy: a successor takes the listening socket and every
/// client over, so pipelining clients see no error and no disconnect, and the supervisor follows
/// the successor (the old process's exit is no crash; the new one's crash is restarted).
/// </summary>
public sealed class ManagedProxyUpgradeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Upgrading_the_managed_proxy_hands_every_client_over_and_the_supervisor_follows_the_new_process()
    {
        await using var up = await UpProcess.StartAsync("--shards", "2", "--replicas", "0");
        var live = LiveCluster.Of(up);
        string dir = Directory.CreateTempSubdirectory("istore-proxy-upgrade-").FullName;
        string next = Path.Combine(dir, "istore-proxy-next");
        File.CreateSymbolicLink(next, ProxyProcess.BinaryPath);
        try
        {
            int before = await ProxyPidAsync(up);
            using var load = await VerifiedLoad.StartAsync(up.ProxyPort, up.Tenant, "managed", 20);
            await Task.Delay(300);
            var progress = await live.UpgradeAsync($$"""{"proxyBinary": "{{next}}"}""", TimeSpan.FromSeconds(90));
            await Task.Delay(300);   // clients keep running on the new process
            Assert.Null(load.Failure);
            long wrongCounters = await load.StopAndVerifyAsync();   // throws on any wrong reply or disconnect
            long batches = load.Clients.Sum(c => c.Increments);
            output.WriteLine($"{progress.ToJsonString()}; {batches} verified batches ({load.Clients.Length} clients), acknowledged INCRs lost or doubled: {wrongCounters}");
            Assert.Equal("done", (string)progress["state"]!);
            Assert.Equal(1, (int)progress["proxiesDone"]!);
            Assert.Equal(0L, wrongCounters);

            int after = await ProxyPidAsync(up);
            await up.RememberChildrenAsync();
            Assert.NotEqual(before, after);
            Assert.False(Directory.Exists($"/proc/{before}") && !File.ReadAllText($"/proc/{before}/stat").Contains(") Z "), "the old proxy still runs");
            Assert.Equal(next, ProgramOf(after));
            Assert.Equal(next, (string)up.ClusterFile["proxyBinary"]!);
            Assert.DoesNotContain("proxy exited with", up.Output);   // the old process's exit was not taken for a crash

            // The supervisor watches the new process: killed, it is started again (on the new binary).
            ChildProcess.Signal(after, "KILL");
            int restarted = 0;
            await WaitAsync(async () =>
            {
                try
                {
                    restarted = await ProxyPidAsync(up);
                    return restarted != after;
                }
                catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or InvalidOperationException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(20), "the killed proxy was not restarted:\n" + up.Output);
            await up.RememberChildrenAsync();
            Assert.Equal(next, ProgramOf(restarted));
            Assert.Contains("proxy exited with", up.Output);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<int> ProxyPidAsync(UpProcess up)
    {
        await using var c = await LiveCluster.ConnectAsync(up.ProxyPort, up.Tenant.Name, up.Tenant.Password);
        return int.Parse(InfoText.Fields((await c.ExecuteAsync("INFO", "server")).AsString()!)["process_id"]);
    }

    /// <summary>The program a process was started as (argv[0]: the supervisor execs the binary's path as given).</summary>
    private static string ProgramOf(int pid) => File.ReadAllText($"/proc/{pid}/cmdline").Split('\0')[0];
}
