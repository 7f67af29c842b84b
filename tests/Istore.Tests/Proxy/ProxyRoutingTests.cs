using Istore.Net.Routes;
using Istore.Proxy.Routing;
using Istore.Tests.Infrastructure;

namespace Istore.Tests.Proxy;

/// <summary>Keys land on the shard the routing rule names, tenants see only their own shards.</summary>
public class ProxyRoutingTests(ProxyCluster cluster) : IClassFixture<ProxyCluster>
{
    [Fact]
    public async Task Each_key_lands_on_the_shard_an_independent_jump_hash_names()
    {
        await using var c = await cluster.ConnectAsync();
        var keys = Enumerable.Range(0, 300).Select(i => $"route:{i}").ToList();
        foreach (var key in keys)
            Assert.Equal("+OK\r\n", await c.CommandAsync("SET", key, key));
        var direct = await Task.WhenAll(cluster.Nodes.Select(n => n.ConnectAsync()));
        try
        {
            foreach (var key in keys)
            {
                int expected = ExpectedRoute.Shard(key, cluster.Nodes.Count);
                for (int shard = 0; shard < direct.Length; shard++)
                    Assert.Equal(shard == expected ? ":1\r\n" : ":0\r\n", await direct[shard].CommandAsync("EXISTS", key));
            }
        }
        finally
        {
            foreach (var d in direct)
                await d.DisposeAsync();
        }
        // Every shard got a fair part of 300 keys.
        Assert.All(Enumerable.Range(0, 3), s => Assert.InRange(keys.Count(k => ExpectedRoute.Shard(k, 3) == s), 60, 140));
    }

    [Theory]
    [InlineData("{user1000}.following", "user1000")]
    [InlineData("foo{}{bar}", "foo{}{bar}")]
    [InlineData("foo{{bar}}zap", "{bar")]
    [InlineData("foo{bar}{zap}", "bar")]
    [InlineData("nobraces", "nobraces")]
    public void Hash_tags_follow_the_redis_cluster_rule(string key, string hashed) =>
        Assert.Equal(hashed, System.Text.Encoding.UTF8.GetString(KeyHash.HashTag(System.Text.Encoding.UTF8.GetBytes(key))));

    [Fact]
    public void Jump_hash_agrees_with_the_independent_one_and_moves_few_keys_when_growing()
    {
        int moved = 0;
        for (int i = 0; i < 10_000; i++)
        {
            string key = "k" + i;
            Assert.Equal(ExpectedRoute.Shard(key, 7), KeyHash.Shard(System.Text.Encoding.UTF8.GetBytes(key), 7));
            int before = ExpectedRoute.Shard(key, 7), after = ExpectedRoute.Shard(key, 8);
            if (before != after)
            {
                Assert.Equal(7, after);   // a key only ever moves onto the new shard
                moved++;
            }
        }
        Assert.InRange(moved, 10_000 / 8 - 300, 10_000 / 8 + 300);
    }

    [Fact]
    public async Task Keys_with_one_hash_tag_share_a_shard_so_multi_key_commands_work()
    {
        await using var c = await cluster.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "{acct:7}.a", "1"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("RENAME", "{acct:7}.a", "{acct:7}.b"));
        Assert.Equal("$1\r\n1\r\n", await c.CommandAsync("GET", "{acct:7}.b"));
    }

    [Fact]
    public async Task A_tenant_sees_only_its_own_shards()
    {
        await using var t1 = await cluster.ConnectAsync("t1", "p1");
        await using var t2 = await cluster.ConnectAsync("t2", "p2");
        // t2 lives on a node of its own: it cannot see t1's keys, and its DBSIZE is that node's.
        Assert.Equal("+OK\r\n", await t1.CommandAsync("SET", "iso:k", "v"));
        Assert.Equal("$-1\r\n", await t2.CommandAsync("GET", "iso:k"));
        var dbsize = await t2.ReadValueAfterAsync("DBSIZE");
        await using var own = await cluster.Spares[0].ConnectAsync();
        var onOwn = await own.ReadValueAfterAsync("DBSIZE");
        Assert.Equal(onOwn.AsInteger(), dbsize.AsInteger());
    }
}
