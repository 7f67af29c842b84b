using Istore.Tests.Infrastructure;

namespace Istore.Tests.Proxy;

/// <summary>
/// Scripts through istore-proxy: EVAL, EVALSHA and FCALL go to the shard of their numkeys keys
/// (CROSSSLOT when those keys span shards; keyless scripts to the first shard); SCRIPT LOAD,
/// EXISTS and FLUSH reach every shard of the tenant, so an EVALSHA works wherever its keys land.
/// </summary>
public class ProxyScriptingTests(ProxyCluster cluster) : IClassFixture<ProxyCluster>
{
    [Fact]
    public async Task Scripts_route_by_their_keys_and_script_load_reaches_every_shard()
    {
        await using var c = await cluster.ConnectAsync();
        var keys = Enumerable.Range(0, 12).Select(i => $"pe:{i}").ToArray();
        Assert.Equal(3, keys.Select(k => ExpectedRoute.Shard(k, 3)).Distinct().Count());
        const string script = "redis.call('set', KEYS[1], ARGV[1]) return redis.call('get', KEYS[1])";
        foreach (var key in keys)
            Assert.Equal($"${key.Length}\r\n{key}\r\n", await c.CommandAsync("EVAL", script, "1", key, key));
        // Each value sits on the shard its key maps to.
        foreach (var key in keys)
        {
            await using var shard = await cluster.Nodes[ExpectedRoute.Shard(key, 3)].ConnectAsync();
            Assert.Equal($"${key.Length}\r\n{key}\r\n", await shard.CommandAsync("GET", key));
        }

        string sha = (await c.ReadValueAfterAsync("SCRIPT", "LOAD", "return redis.call('get', KEYS[1])")).AsString()!;
        foreach (var node in cluster.Nodes)
        {
            await using var shard = await node.ConnectAsync();
            Assert.Equal("*1\r\n:1\r\n", await shard.CommandAsync("SCRIPT", "EXISTS", sha));
        }
        foreach (var key in keys)
            Assert.Equal($"${key.Length}\r\n{key}\r\n", await c.CommandAsync("EVALSHA", sha, "1", key));
        Assert.Equal("*2\r\n:1\r\n:0\r\n", await c.CommandAsync("SCRIPT", "EXISTS", sha, "ffffffffffffffffffffffffffffffffffffffff"));

        var (a, b) = (keys[0], keys.First(k => ExpectedRoute.Shard(k, 3) != ExpectedRoute.Shard(keys[0], 3)));
        Assert.StartsWith("-CROSSSLOT", await c.CommandAsync("EVAL", "return 1", "2", a, b));
        Assert.Equal("$2\r\nok\r\n", await c.CommandAsync("EVAL", "return 'ok'", "0"));
        Assert.StartsWith("-ERR 'SCRIPT KILL' is not available through istore-proxy", await c.CommandAsync("SCRIPT", "KILL"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("SCRIPT", "FLUSH"));
        Assert.StartsWith("-NOSCRIPT", await c.CommandAsync("EVALSHA", sha, "1", a));
    }
}
