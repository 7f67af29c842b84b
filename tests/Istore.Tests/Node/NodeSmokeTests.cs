using Istore.Tests.Infrastructure;
using StackExchange.Redis;

namespace Istore.Tests.Node;

/// <summary>
/// One command of each family against the node binary. With ISTORE_NODE_BINARY set (CI does, after
/// publishing), this is the AOT smoke test: the same commands on the Native AOT executable.
/// </summary>
public abstract class NodeSmokeTests(NodeFixture fixture)
{
    [Fact]
    public async Task Serves_strings_keys_server_and_connection_commands()
    {
        var db = fixture.Db;
        Assert.True(await db.StringSetAsync("smoke:s", "v", TimeSpan.FromSeconds(100)));
        Assert.Equal("v", await db.StringGetAsync("smoke:s"));
        Assert.Equal(11, await db.StringIncrementAsync("smoke:n", 11));
        Assert.InRange((await db.KeyTimeToLiveAsync("smoke:s"))!.Value.TotalSeconds, 90, 100);
        Assert.True(await db.KeyExistsAsync("smoke:n"));
        Assert.Equal("PONG", (string?)await db.ExecuteAsync("PING"));
        Assert.Contains("redis_version:", (string?)await db.ExecuteAsync("INFO", "server"));
        // Full collections run in the background (aot.props), not stopping the loops while the whole heap is marked.
        Assert.Contains("gc_latency_mode:interactive", (string?)await db.ExecuteAsync("INFO", "memory"));
        Assert.True((long)await db.ExecuteAsync("DBSIZE") >= 2);
        Assert.True((long)await db.ExecuteAsync("COMMAND", "COUNT") > 50);
    }

    /// <summary>Under Native AOT this proves the liblua5.1 binding, its callbacks and the cjson/bit modules load.</summary>
    [Fact]
    public async Task Runs_a_lua_script()
    {
        var db = fixture.Db;
        var reply = await db.ScriptEvaluateAsync(
            "redis.call('set', KEYS[1], ARGV[1]) return {redis.call('get', KEYS[1]), cjson.encode({bit.band(6, 3)}), redis.pcall('nosuch')['err']}",
            ["smoke:lua"], ["from-lua"]);
        var items = (RedisResult[])reply!;
        Assert.Equal("from-lua", (string?)items[0]);
        Assert.Equal("[2]", (string?)items[1]);
        Assert.Equal("ERR Unknown Redis command called from script", (string?)items[2]);
    }

    [Fact]
    public async Task Speaks_resp3_after_hello()
    {
        await using var c = await fixture.ConnectAsync();
        var hello = await c.ReadValueAfterAsync("HELLO", "3");
        Assert.Equal(3, hello.Pairs.Single(p => p.Key.AsString() == "proto").Value.AsInteger());
        Assert.Equal("_\r\n", await c.CommandAsync("GET", "smoke:missing"));
    }

    [Fact]
    public async Task Data_survives_a_graceful_restart()
    {
        await using var node = await fixture.StartNodeAsync();
        using (var redis = await ConnectionMultiplexer.ConnectAsync(NodeFixture.Options(node.Port)))
            await redis.GetDatabase().StringSetAsync("restart:k", "kept");
        Assert.Equal(0, await node.TerminateAsync());
        await node.RestartAsync();
        await using var c = await node.ConnectAsync();
        Assert.Equal("$4\r\nkept\r\n", await c.CommandAsync("GET", "restart:k"));
    }
}
