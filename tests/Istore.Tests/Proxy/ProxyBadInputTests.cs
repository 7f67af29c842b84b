using Istore.Tests.Infrastructure;

namespace Istore.Tests.Proxy;

/// <summary>Bad input gets an error reply (or closes that one client); the pipeline and the backends stay in step.</summary>
public class ProxyBadInputTests(ProxyCluster cluster) : IClassFixture<ProxyCluster>
{
    [Fact]
    public async Task Errors_take_their_place_in_the_pipeline()
    {
        await using var c = await cluster.ConnectAsync();
        await c.SendCommandAsync("SET", "bad:a", "1");
        await c.SendCommandAsync("NOSUCH", "x");
        await c.SendCommandAsync("GET");
        await c.SendCommandAsync("MSET", "bad:a", "1", "bad:b");
        await c.SendCommandAsync("CONFIG", "GET", "maxmemory");
        await c.SendCommandAsync("MULTI");
        await c.SendCommandAsync("SELECT", "1");
        await c.SendCommandAsync("INCR", "bad:a");
        await c.SendCommandAsync("GET", "bad:a");
        Assert.Equal("+OK\r\n", await c.ReadFrameAsync());
        Assert.Equal("-ERR unknown command 'NOSUCH'\r\n", await c.ReadFrameAsync());
        Assert.Equal("-ERR wrong number of arguments for 'get' command\r\n", await c.ReadFrameAsync());
        Assert.Equal("-ERR wrong number of arguments for 'mset' command\r\n", await c.ReadFrameAsync());
        Assert.StartsWith("-ERR 'CONFIG' is not available through istore-proxy", await c.ReadFrameAsync());
        Assert.StartsWith("-ERR 'MULTI' needs a dedicated backend connection", await c.ReadFrameAsync());
        Assert.StartsWith("-ERR DB index is out of range", await c.ReadFrameAsync());
        Assert.Equal(":2\r\n", await c.ReadFrameAsync());
        Assert.Equal("$1\r\n2\r\n", await c.ReadFrameAsync());
    }

    /// <summary>CLUSTER: istore shards through its proxy, not by cluster slots; the proxy refuses it as other keyless admin commands.</summary>
    [Fact]
    public async Task Cluster_is_refused_clearly()
    {
        await using var c = await cluster.ConnectAsync();
        Assert.Equal("-ERR 'CLUSTER' is not available through istore-proxy\r\n", await c.CommandAsync("CLUSTER", "INFO"));
        Assert.Equal("-ERR 'CLUSTER' is not available through istore-proxy\r\n", await c.CommandAsync("CLUSTER", "SLOTS"));
        Assert.Equal("+PONG\r\n", await c.CommandAsync("PING"));
    }

    /// <summary>DUMP and RESTORE route by their key like any keyed command; MIGRATE names a backend address, so the proxy refuses it.</summary>
    [Fact]
    public async Task Dump_and_restore_route_by_key_and_migrate_is_refused()
    {
        await using var c = await cluster.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "bad:dump", "value"));
        var payload = (await c.ReadValueAfterAsync("DUMP", "bad:dump")).AsBytes()!;
        for (int i = 0; i < 8; i++)
        {
            await c.SendAsync(RespEncoding.Command("RESTORE"u8.ToArray(), System.Text.Encoding.UTF8.GetBytes($"bad:restored:{i}"), "0"u8.ToArray(), payload, "REPLACE"u8.ToArray()));
            Assert.Equal("+OK\r\n", await c.ReadFrameAsync());
            Assert.Equal("$5\r\nvalue\r\n", await c.CommandAsync("GET", $"bad:restored:{i}"));
        }
        Assert.Equal("-ERR 'MIGRATE' names a backend address, which istore-proxy hides: send it to the shard's node directly\r\n",
            await c.CommandAsync("MIGRATE", "127.0.0.1", "6379", "bad:dump", "0", "1000"));
        Assert.Equal("$5\r\nvalue\r\n", await c.CommandAsync("GET", "bad:dump"));
    }

    [Fact]
    public async Task Backend_errors_are_relayed_and_do_not_desynchronise()
    {
        await using var c = await cluster.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "bad:s", "text"));
        Assert.StartsWith("-ERR value is not an integer", await c.CommandAsync("INCR", "bad:s"));
        Assert.StartsWith("-ERR", await c.CommandAsync("SET", "bad:s", "v", "EX", "-5"));
        Assert.Equal("$4\r\ntext\r\n", await c.CommandAsync("GET", "bad:s"));
    }

    [Theory]
    [InlineData("*2\r\n$3\r\nGET\r\n$x\r\n")]
    [InlineData("*1\r\n+PING\r\n")]
    [InlineData("*-5x\r\n")]
    [InlineData("*1\r\n$4\r\nPINGxx")]
    public async Task Malformed_resp_gets_a_protocol_error_and_the_connection_closes(string garbage)
    {
        await using var c = await cluster.ConnectAsync();
        await c.SendAsync(garbage);
        Assert.StartsWith("-ERR Protocol error", await c.ReadFrameAsync());
        Assert.True(await c.IsClosedByServerAsync());
        // The proxy and its backends are fine for everyone else.
        await using var other = await cluster.ConnectAsync();
        Assert.Equal("+PONG\r\n", await other.CommandAsync("PING"));
        Assert.Equal("$-1\r\n", await other.CommandAsync("GET", "bad:none"));
    }

    [Fact]
    public async Task A_client_that_disconnects_mid_pipeline_leaves_the_backends_in_step()
    {
        for (int i = 0; i < 5; i++)
        {
            var c = await cluster.ConnectAsync();
            await c.SendAsync(ProxyPipelineTests.Pipeline($"gone{i}", 2000));
            await c.DisposeAsync();
        }
        await using var other = await cluster.ConnectAsync();
        await other.SendAsync(ProxyPipelineTests.Pipeline("after", 1000));
        await ProxyPipelineTests.AssertRepliesInOrder(other, "after", 1000);
    }

    [Fact]
    public async Task Quit_answers_after_the_pending_replies_then_closes()
    {
        await using var c = await cluster.ConnectAsync();
        await c.SendAsync(ProxyPipelineTests.Pipeline("quit", 200));
        await c.SendCommandAsync("QUIT");
        await c.SendCommandAsync("PING");
        await ProxyPipelineTests.AssertRepliesInOrder(c, "quit", 200);
        Assert.Equal("+OK\r\n", await c.ReadFrameAsync());
        Assert.True(await c.IsClosedByServerAsync());
    }
}
