using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Istore.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Istore.Tests.Proxy;

/// <summary>
/// A successor that hangs (alive, not answering) and a tenant's QPS bucket across upgrades: the
/// running proxy waits for each acknowledgement only <c>--takeover-ack-timeout</c> seconds, then
/// keeps what it was handing over; a bucket continues instead of granting a fresh burst.
/// </summary>
public class ProxyTakeoverHangTests(ProxyTakeoverHangTests.Cluster cluster, ITestOutputHelper output) : IClassFixture<ProxyTakeoverHangTests.Cluster>
{
    private const int Qps = 200;

    public sealed class Cluster : ProxyCluster
    {
        protected override int ShardCount => 2;

        protected override int SpareCount => 2;

        protected override string MoreTenants => $$"""{"name": "limited", "password": "pl", "limits": {"qps": {{Qps}}}, "shards": [{"master": "127.0.0.1:{spare1}"}]},""";

        protected override string[] ProxyArgs => ["--control-socket", ProxyProcess.ControlSocketArg, "--takeover-drain-timeout", "2", "--takeover-ack-timeout", "2"];
    }

    [Fact]
    public async Task A_successor_that_acknowledges_too_late_stands_down_and_the_old_proxy_keeps_every_client()
    {
        const int Count = 300;   // two batches
        var clients = new List<RawConnection>();
        try
        {
            for (int i = 0; i < Count; i++)
                clients.Add(await cluster.ConnectAsync());
            int failuresBefore = Regex.Matches(cluster.Proxy.Output, Regex.Escape("failed (")).Count;
            // It acknowledges the first batch 4 s late, when the old proxy (2 s) has taken it back.
            using var successor = cluster.Proxy.StartSuccessor(new Dictionary<string, string> { ["ISTORE_PROXY_TAKEOVER_STALL_MS"] = "4000" });
            await cluster.Proxy.WaitForOutputAsync("failed (", TimeSpan.FromSeconds(30), failuresBefore + 1);
            await successor.WaitForOutputAsync("Takeover refused", TimeSpan.FromSeconds(30));
            Assert.True(successor.WaitForExit(TimeSpan.FromSeconds(10)), "the successor that stood down still runs:\n" + successor.Output);
            output.WriteLine(successor.Output.Split('\n').First(l => l.Contains("Takeover refused")));

            // No client went to it: each is served by the old proxy, which accepts again.
            foreach (var c in clients)
                Assert.Equal("+PONG\r\n", await c.CommandAsync("PING"));
            await using (var fresh = await cluster.ConnectAsync())
                Assert.Equal("+PONG\r\n", await fresh.CommandAsync("PING"));
            // The control socket is still the old proxy's: a healthy upgrade then moves everyone.
            await cluster.Proxy.UpgradeAsync();
            foreach (var c in clients)
                Assert.Equal("+PONG\r\n", await c.CommandAsync("PING"));
        }
        finally
        {
            foreach (var c in clients)
                await c.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_tenants_qps_bucket_continues_across_upgrades_instead_of_refilling()
    {
        await using var limited = await cluster.ConnectAsync("limited", "pl");
        var batch = new StringBuilder();
        for (int i = 0; i < 20; i++)
            batch.Append(RespEncoding.CommandText(Encoding.UTF8, "GET", "qps:k"));
        using var stop = new CancellationTokenSource();
        long accepted = 0, refused = 0;
        var watch = Stopwatch.StartNew();
        // One client asks for far more than the limit the whole time, so the bucket is empty whenever a takeover carries it.
        var load = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await limited.SendAsync(batch.ToString());
                for (int i = 0; i < 20; i++)
                {
                    string reply = await limited.ReadFrameAsync(TimeSpan.FromSeconds(20));
                    if (reply == "$-1\r\n") accepted++;
                    else if (reply.StartsWith("-ERR max QPS exceeded")) refused++;
                    else throw new InvalidOperationException("unexpected reply " + reply);
                }
            }
        });
        await Task.Delay(300);
        for (int i = 0; i < 3; i++)
            await cluster.Proxy.UpgradeAsync();
        await Task.Delay(300);
        stop.Cancel();
        await load;
        double seconds = watch.Elapsed.TotalSeconds;
        // At most the first second's burst plus the refill: a fresh bucket per upgrade would add up to Qps each.
        double allowed = Qps + Qps * seconds;
        output.WriteLine($"{accepted} accepted, {refused} refused in {seconds:F2} s; the bucket allows {allowed:F0}; three fresh buckets would allow {allowed + 3 * Qps:F0}");
        Assert.True(refused > 0);
        Assert.InRange(accepted, Qps * seconds * 0.5, allowed + Qps);
    }
}
