using System.Diagnostics;
using System.Text.RegularExpressions;
using Istore.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Istore.Tests.Proxy;

/// <summary>A proxy that can be upgraded in place: a control socket, and a short drain timeout for the tests that need one.</summary>
public class UpgradableProxyCluster : ProxyCluster
{
    protected override string[] ProxyArgs => ["--control-socket", ProxyProcess.ControlSocketArg, "--takeover-drain-timeout", "2"];
}

/// <summary>
/// Lossless upgrade: a successor takes the listening sockets and every client connection over,
/// with their state; clients see no error and no disconnect.
/// </summary>
public partial class ProxyTakeoverTests(UpgradableProxyCluster cluster, ITestOutputHelper output) : IClassFixture<UpgradableProxyCluster>
{
    [Fact]
    public async Task Fifty_pipelining_clients_see_every_reply_right_across_ten_upgrades()
    {
        long incrCallsBefore = await CommandCalls("incr");
        int takeoversBefore = int.Parse(await InfoField("server", "takeovers"));
        using var load = await VerifiedLoad.StartAsync(cluster.Proxy, "up", 50);
        for (int i = 0; i < 10; i++)
        {
            await Task.Delay(200);
            var watch = Stopwatch.StartNew();
            await cluster.Proxy.UpgradeAsync();
            output.WriteLine($"upgrade {i + 1}: {watch.ElapsedMilliseconds} ms");
            Assert.Null(load.Failure);
        }
        Assert.Equal(0L, await load.StopAndVerifyAsync());
        // Counters continue across processes: every INCR was counted once, by whichever process ran it.
        Assert.Equal(incrCallsBefore + load.Clients.Sum(c => c.Increments), await CommandCalls("incr"));
        Assert.Equal((takeoversBefore + 10).ToString(), await InfoField("server", "takeovers"));
        Assert.Equal(cluster.Proxy.Pid.ToString(), await InfoField("server", "process_id"));
        Assert.Equal("0.1.0", await InfoField("server", "istore_version"));
    }

    [Fact]
    public async Task Idle_clients_all_move_and_the_takeover_time_is_logged()
    {
        const int Idle = 2000;   // 10,000 in perf/proxy-takeover.sh
        var idle = new List<RawConnection>();
        try
        {
            for (int i = 0; i < Idle; i++)
                idle.Add(await cluster.ConnectAsync());
            await cluster.Proxy.UpgradeAsync();
            var took = TookOverLine().Matches(cluster.Proxy.Output).Last();
            output.WriteLine(took.Value);
            Assert.True(int.Parse(took.Groups[1].Value) >= Idle, took.Value);
            foreach (var c in idle)
                Assert.Equal("+PONG\r\n", await c.CommandAsync("PING"));
        }
        finally
        {
            foreach (var c in idle)
                await c.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_successor_killed_half_way_leaves_the_rest_served_by_the_old_proxy()
    {
        const int Count = 600;   // more than one batch of 253
        var clients = new List<RawConnection>();
        try
        {
            for (int i = 0; i < Count; i++)
                clients.Add(await cluster.ConnectAsync());
            // The line counting the lost clients comes after the failure's: wait for it, not for the failure.
            const string LostText = "went with the failed successor";
            int lostBefore = CountOf(cluster.Proxy.Output, LostText);
            using var successor = cluster.Proxy.StartSuccessor(new Dictionary<string, string> { ["ISTORE_PROXY_TAKEOVER_PAUSE_AFTER"] = "1" });
            await successor.WaitForOutputAsync("Takeover paused", TimeSpan.FromSeconds(30));
            successor.Kill();
            await cluster.Proxy.WaitForOutputAsync(LostText, TimeSpan.FromSeconds(30), lostBefore + 1);
            var lost = LostLine().Matches(cluster.Proxy.Output).Last();
            int handedOver = int.Parse(lost.Groups[1].Value);
            output.WriteLine(lost.Value);

            // Those the successor had acknowledged died with it; the old proxy serves every other one as before.
            int alive = 0, closed = 0;
            foreach (var c in clients)
            {
                try
                {
                    if (await c.CommandAsync("PING") == "+PONG\r\n")
                        alive++;
                }
                catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException)
                {
                    closed++;
                }
            }
            Assert.InRange(handedOver, 1, 253);
            Assert.Equal(handedOver, closed);
            Assert.Equal(Count - handedOver, alive);
            // It accepts again, and a later upgrade succeeds.
            await using (var fresh = await cluster.ConnectAsync())
                Assert.Equal("+PONG\r\n", await fresh.CommandAsync("PING"));
            await cluster.Proxy.UpgradeAsync();
        }
        finally
        {
            foreach (var c in clients)
                await c.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_command_cut_in_half_by_the_upgrade_completes_on_the_successor()
    {
        await using var c = await cluster.ConnectAsync();
        string set = RespEncoding.CommandText(System.Text.Encoding.UTF8, "SET", "cut-in-half", "value");
        await c.SendAsync(set[..(set.Length / 2)]);
        await Task.Delay(100);   // the first half is read (and kept unparsed) by the old process
        await cluster.Proxy.UpgradeAsync();
        await c.SendAsync(set[(set.Length / 2)..]);
        Assert.Equal("+OK\r\n", await c.ReadFrameAsync());
        Assert.Equal("$5\r\nvalue\r\n", await c.CommandAsync("GET", "cut-in-half"));
    }

    [Fact]
    public async Task Clients_that_tried_multi_subscribe_or_blpop_move_at_their_next_boundary()
    {
        // The proxy answers these with an error and keeps no transaction or subscription state, so
        // the client is at a clean point and moves like any other.
        await using var c = await cluster.ConnectAsync();
        foreach (var command in new[] { new[] { "MULTI" }, ["SUBSCRIBE", "news"], ["BLPOP", "list", "0"] })
            Assert.StartsWith("-ERR", await c.CommandAsync(command));
        await cluster.Proxy.UpgradeAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "after-multi", "1"));
        Assert.Equal("$1\r\n1\r\n", await c.CommandAsync("GET", "after-multi"));
    }

    [Fact]
    public async Task A_client_that_does_not_read_its_replies_is_closed_after_the_drain_timeout_with_a_logged_reason()
    {
        await using var reader = await cluster.ConnectAsync();
        await using var stuck = await cluster.ConnectAsync();
        string big = new('x', 1 << 20);
        Assert.Equal("+OK\r\n", await stuck.CommandAsync("SET", "stuck-big", big));
        // 32 MB of replies this client never reads: they cannot all be sent, so it cannot move losslessly.
        await stuck.SendAsync(string.Concat(Enumerable.Repeat(RespEncoding.CommandText(System.Text.Encoding.UTF8, "GET", "stuck-big"), 32)));
        await Task.Delay(300);
        await cluster.Proxy.UpgradeAsync();
        Assert.Contains("the client has not read", cluster.Proxy.PredecessorOutput);
        Assert.True(await stuck.IsClosedByServerAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("+PONG\r\n", await reader.CommandAsync("PING"));
    }

    [Fact]
    public async Task A_scan_holding_a_ticket_continues_after_an_upgrade()
    {
        await using var c = await cluster.ConnectAsync();
        // Collections: the memory engine scans them in a second phase whose cursor only a ticket can carry.
        var keys = Enumerable.Range(0, 40).Select(i => $"scan-up:{i}").ToList();
        foreach (var key in keys)
            Assert.Equal(":1\r\n", await c.CommandAsync("HSET", key, "f", "v"));
        var scanned = new List<string>();
        string cursor = "0";
        bool upgraded = false;
        for (int calls = 0; ; calls++)
        {
            Assert.True(calls < 1000, "SCAN did not finish");
            var reply = await c.ReadValueAfterAsync("SCAN", cursor, "MATCH", "scan-up:*", "COUNT", "5");
            Assert.False(reply.IsError, reply.IsError ? reply.AsString() : null);
            cursor = reply[0].AsString()!;
            scanned.AddRange(reply[1].AsStringArray()!);
            // A ticket (top bit set) names a position only the proxy that issued it knows.
            if (!upgraded && ulong.Parse(cursor) >= 1UL << 63)
            {
                await cluster.Proxy.UpgradeAsync();
                upgraded = true;
            }
            if (cursor == "0")
                break;
        }
        Assert.True(upgraded, "no SCAN ticket was issued");
        Assert.Equal(keys.Order(), scanned.Distinct().Order());
    }

    [Fact]
    public void A_takeover_with_no_proxy_at_the_socket_exits_with_a_clear_error()
    {
        string nowhere = Path.Combine(Path.GetTempPath(), $"istore-no-proxy-{Guid.NewGuid():N}.sock");
        using var orphan = new ChildProcess(ProxyProcess.BinaryPath, ["--config", cluster.Proxy.ConfigPath, "--takeover", nowhere]);
        Assert.True(orphan.WaitForExit(TimeSpan.FromSeconds(30)), orphan.Output);
        Assert.Equal(1, orphan.ExitCode);
        Assert.Contains("Cannot start", orphan.Output);
    }

    [Fact]
    public async Task Garbage_on_the_control_socket_changes_nothing()
    {
        await using var c = await cluster.ConnectAsync();
        int failuresBefore = CountOf(cluster.Proxy.Output, "failed (");
        // Text; a frame cut short; nothing; a well-formed hello from a successor that then vanishes
        // (after the proxy stopped accepting and sent its listening sockets: it must accept again).
        foreach (var junk in new[] { "hello\r\n"u8.ToArray(), [7, 0, 0, 0, 1, 0, 0, 1, 2, 3], [], [4, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0] })
        {
            using var control = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
            await control.ConnectAsync(new System.Net.Sockets.UnixDomainSocketEndPoint(cluster.Proxy.ControlPath));
            await control.SendAsync(junk);
            control.Shutdown(System.Net.Sockets.SocketShutdown.Send);
            await cluster.Proxy.WaitForOutputAsync("failed (", TimeSpan.FromSeconds(15), ++failuresBefore);
        }
        Assert.Equal("+PONG\r\n", await c.CommandAsync("PING"));
        await using (var fresh = await cluster.ConnectAsync())
            Assert.Equal("+PONG\r\n", await fresh.CommandAsync("PING"));
        await cluster.Proxy.UpgradeAsync();
        Assert.Equal("+PONG\r\n", await c.CommandAsync("PING"));
    }

    private async Task<string> InfoField(string section, string field)
    {
        await using var c = await cluster.ConnectAsync();
        return InfoText.Fields((await c.ReadValueAfterAsync("INFO", section)).AsString()!)[field];
    }

    private async Task<long> CommandCalls(string command)
    {
        await using var c = await cluster.ConnectAsync();
        var line = InfoText.Fields((await c.ReadValueAfterAsync("INFO", "commandstats")).AsString()!).GetValueOrDefault($"cmdstat_{command}");
        return line is null ? 0 : long.Parse(Regex.Match(line, "calls=(\\d+)").Groups[1].Value);
    }

    private static int CountOf(string text, string what) => Regex.Matches(text, Regex.Escape(what)).Count;

    [GeneratedRegex(@"Took over (\d+) client\(s\) in (\d+) ms")]
    private static partial Regex TookOverLine();

    [GeneratedRegex(@"(\d+) client\(s\) already handed over went with the failed successor")]
    private static partial Regex LostLine();
}
