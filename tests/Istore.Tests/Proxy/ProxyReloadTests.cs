using Istore.Tests.Infrastructure;

namespace Istore.Tests.Proxy;

/// <summary>Configuration reloads (file change, SIGHUP) swap routes without dropping a connection.</summary>
public class ProxyReloadTests(ProxyReloadTests.Cluster cluster) : IClassFixture<ProxyReloadTests.Cluster>
{
    /// <summary>A second spare node to move t2 to.</summary>
    public sealed class Cluster : ProxyCluster
    {
        protected override int SpareCount => 2;
    }

    private static int s_version = 100;
    private static readonly SemaphoreSlim OneAtATime = new(1);

    [Fact]
    public async Task Reload_under_load_drops_no_connection_and_adds_a_tenant()
    {
        await OneAtATime.WaitAsync();
        try
        {
            using var stop = new CancellationTokenSource();
            var clients = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => cluster.ConnectAsync()));
            var load = clients.Select((c, n) => Task.Run(async () =>
            {
                long done = 0;
                while (!stop.IsCancellationRequested)
                {
                    Assert.Equal("+OK\r\n", await c.CommandAsync("SET", $"load:{n}", done.ToString()));
                    Assert.Equal($"${done.ToString().Length}\r\n{done}\r\n", await c.CommandAsync("GET", $"load:{n}"));
                    done++;
                }
                return done;
            })).ToArray();
            await Task.Delay(200);
            string withLate = """[{"name": "late", "password": "pz", "shards": [{"master": "127.0.0.1:1"}]}, """ + cluster.TenantsJson().TrimStart()[1..];
            await ReloadAsync(withLate, viaSignal: false);
            await using (var late = await cluster.Proxy.ConnectAsync("late", "pz"))
                Assert.Equal("+PONG\r\n", await late.CommandAsync("PING"));
            await Task.Delay(200);
            await ReloadAsync(cluster.TenantsJson(), viaSignal: true);
            await Task.Delay(200);
            stop.Cancel();
            var counts = await Task.WhenAll(load);
            Assert.All(counts, n => Assert.True(n > 10));
            foreach (var c in clients)
            {
                Assert.Equal("+PONG\r\n", await c.CommandAsync("PING"));
                await c.DisposeAsync();
            }
        }
        finally
        {
            OneAtATime.Release();
        }
    }

    [Fact]
    public async Task A_reload_moves_a_tenant_to_new_shards_and_changes_its_password()
    {
        await OneAtATime.WaitAsync();
        try
        {
            await using var existing = await cluster.ConnectAsync("t2", "p2");
            await using var subscriber = await cluster.ConnectAsync("t2", "p2");
            const string subscribed = "*3\r\n$10\r\nssubscribe\r\n$8\r\nmoved:ch\r\n:1\r\n";
            Assert.Equal(subscribed, await subscriber.CommandAsync("SSUBSCRIBE", "moved:ch"));
            string moved = cluster.TenantsJson().Replace(
                $$"""{"name": "t2", "password": "p2", "shards": [{"master": "127.0.0.1:{{cluster.Spares[0].Port}}"}]}""",
                $$"""{"name": "t2", "password": "p2-new", "shards": [{"master": "127.0.0.1:{{cluster.Spares[1].Port}}"}]}""");
            Assert.NotEqual(cluster.TenantsJson(), moved);
            await ReloadAsync(moved, viaSignal: true);
            Assert.Equal("+OK\r\n", await existing.CommandAsync("SET", "moved:k", "1"));   // the connection survived
            // A shard channel whose shard moved ends, as in Redis Cluster; subscribing again reaches the new node.
            Assert.Equal("*3\r\n$12\r\nsunsubscribe\r\n$8\r\nmoved:ch\r\n:0\r\n", await subscriber.ReadFrameAsync(TimeSpan.FromSeconds(5)));
            Assert.Equal(subscribed, await subscriber.CommandAsync("SSUBSCRIBE", "moved:ch"));
            await using var direct = await cluster.Spares[1].ConnectAsync();
            Assert.Equal("$1\r\n1\r\n", await direct.CommandAsync("GET", "moved:k"));
            Assert.Equal(":1\r\n", await direct.CommandAsync("SPUBLISH", "moved:ch", "here"));
            await using var fresh = await cluster.Proxy.ConnectAsync();
            Assert.StartsWith("-WRONGPASS", await fresh.CommandAsync("AUTH", "t2", "p2"));
            Assert.Equal("+OK\r\n", await fresh.CommandAsync("AUTH", "t2", "p2-new"));
        }
        finally
        {
            await ReloadAsync(cluster.TenantsJson(), viaSignal: true);
            OneAtATime.Release();
        }
    }

    [Fact]
    public async Task A_bad_or_older_file_changes_nothing()
    {
        await OneAtATime.WaitAsync();
        try
        {
            int failures = Count("Configuration not reloaded");
            File.WriteAllText(cluster.Proxy.ConfigPath, "{ not json");
            cluster.Proxy.Signal("HUP");
            await cluster.Proxy.WaitForOutputAsync("Configuration not reloaded", TimeSpan.FromSeconds(10), failures + 1);
            // A node in two tenants: a FLUSHDB of one would empty the other.
            cluster.Proxy.WriteConfig(Interlocked.Increment(ref s_version), cluster.TenantsJson().Replace(
                $"{cluster.Spares[0].Port}\"", $"{cluster.Nodes[0].Port}\""));
            cluster.Proxy.Signal("HUP");
            await cluster.Proxy.WaitForOutputAsync($"node 127.0.0.1:{cluster.Nodes[0].Port} is listed twice", TimeSpan.FromSeconds(10));
            cluster.Proxy.WriteConfig(0, cluster.TenantsJson().Replace("\"p1\"", "\"changed\""));
            cluster.Proxy.Signal("HUP");
            await cluster.Proxy.WaitForOutputAsync("is older than the current", TimeSpan.FromSeconds(10));
            await using var c = await cluster.ConnectAsync();
            Assert.Equal("+PONG\r\n", await c.CommandAsync("PING"));
            Assert.False(cluster.Proxy.HasExited);
        }
        finally
        {
            await ReloadAsync(cluster.TenantsJson(), viaSignal: true);
            OneAtATime.Release();
        }
    }

    /// <summary>Writes the next version of the file and waits for the proxy to apply it.</summary>
    private async Task ReloadAsync(string tenantsJson, bool viaSignal)
    {
        int before = Count("Configuration reloaded");
        cluster.Proxy.WriteConfig(Interlocked.Increment(ref s_version), tenantsJson);
        if (viaSignal)
            cluster.Proxy.Signal("HUP");
        await cluster.Proxy.WaitForOutputAsync("Configuration reloaded", TimeSpan.FromSeconds(10), before + 1);
    }

    private int Count(string text)
    {
        var output = cluster.Proxy.Output;
        return (output.Length - output.Replace(text, "").Length) / text.Length;
    }
}
