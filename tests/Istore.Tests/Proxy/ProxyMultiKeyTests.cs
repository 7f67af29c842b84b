using Istore.Tests.Infrastructure;

namespace Istore.Tests.Proxy;

/// <summary>Multi-key commands split per shard and join back; fan-out commands cover every shard of the tenant.</summary>
public class ProxyMultiKeyTests(ProxyCluster cluster) : IClassFixture<ProxyCluster>
{
    private static readonly string[] Keys = Enumerable.Range(0, 12).Select(i => $"mk:{i}").ToArray();

    [Fact]
    public async Task Keys_of_a_split_command_span_every_shard()
    {
        Assert.Equal(3, Keys.Select(k => ExpectedRoute.Shard(k, 3)).Distinct().Count());
        await using var c = await cluster.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync(["MSET", .. Keys.SelectMany(k => new[] { k, "v" + k })]));
        var values = await c.ReadValueAfterAsync(["MGET", Keys[3], "mk:missing", .. Keys]);
        Assert.Equal(new string?[] { "vmk:3", null }.Concat(Keys.Select(k => "v" + k)), values.AsStringArray());
        Assert.Equal(":12\r\n", await c.CommandAsync(["EXISTS", .. Keys]));
        Assert.Equal(":13\r\n", await c.CommandAsync(["EXISTS", Keys[0], .. Keys]));   // a key named twice counts twice
        Assert.Equal(":12\r\n", await c.CommandAsync(["TOUCH", .. Keys, "mk:missing"]));
        Assert.Equal(":6\r\n", await c.CommandAsync(["DEL", .. Keys[..6], "mk:missing"]));
        Assert.Equal(":6\r\n", await c.CommandAsync(["UNLINK", .. Keys]));
        Assert.Equal(":0\r\n", await c.CommandAsync(["EXISTS", .. Keys]));
    }

    [Fact]
    public async Task Split_replies_keep_their_place_in_a_pipeline()
    {
        await using var c = await cluster.ConnectAsync();
        await c.SendCommandAsync("SET", "mkp:a", "1");
        await c.SendCommandAsync(["MGET", "mkp:a", "mkp:b", "mkp:c", "mkp:d", "mkp:e"]);
        await c.SendCommandAsync("PING");
        await c.SendCommandAsync(["DEL", "mkp:a", "mkp:b", "mkp:c"]);
        Assert.Equal("+OK\r\n", await c.ReadFrameAsync());
        Assert.Equal("*5\r\n$1\r\n1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n", await c.ReadFrameAsync());
        Assert.Equal("+PONG\r\n", await c.ReadFrameAsync());
        Assert.Equal(":1\r\n", await c.ReadFrameAsync());
    }

    [Fact]
    public async Task Other_multi_key_commands_need_one_shard()
    {
        await using var c = await cluster.ConnectAsync();
        var (a, b) = TwoKeysOnDifferentShards();
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", a, "1"));
        Assert.StartsWith("-CROSSSLOT", await c.CommandAsync("RENAME", a, b));
        Assert.StartsWith("-CROSSSLOT", await c.CommandAsync("MSETNX", a, "1", b, "2"));
        Assert.Equal("$1\r\n1\r\n", await c.CommandAsync("GET", a));   // the connection is still in step
    }

    [Fact]
    public async Task Fan_out_commands_cover_every_shard()
    {
        await using var c = await cluster.ConnectAsync();
        await using var t2 = await cluster.ConnectAsync("t2", "p2");
        Assert.Equal("+OK\r\n", await c.CommandAsync("FLUSHALL"));
        Assert.Equal(":0\r\n", await c.CommandAsync("DBSIZE"));
        var keys = Enumerable.Range(0, 40).Select(i => $"fan:{i}").ToArray();
        Assert.Equal("+OK\r\n", await c.CommandAsync(["MSET", .. keys.SelectMany(k => new[] { k, k })]));
        Assert.Equal(":40\r\n", await c.CommandAsync("DBSIZE"));
        var listed = (await c.ReadValueAfterAsync("KEYS", "fan:*")).AsStringArray();
        Assert.Equal(keys.Order(), listed.Order());

        var scanned = new List<string>();
        string cursor = "0";
        int calls = 0;
        do
        {
            var reply = await c.ReadValueAfterAsync("SCAN", cursor, "COUNT", "7");
            cursor = reply[0].AsString()!;
            scanned.AddRange(reply[1].AsStringArray()!);
            Assert.True(++calls < 100);
        } while (cursor != "0");
        Assert.Equal(keys.Order(), scanned.Distinct().Order());
        Assert.StartsWith("-ERR invalid cursor", await c.CommandAsync("SCAN", "nope"));

        // Tenants share no node, so t1's tenant-wide FLUSHDB leaves t2's keys alone.
        Assert.Equal("+OK\r\n", await t2.CommandAsync("SET", "fan:t2", "kept"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("FLUSHDB"));
        Assert.Equal(":0\r\n", await c.CommandAsync("DBSIZE"));
        Assert.Equal("$4\r\nkept\r\n", await t2.CommandAsync("GET", "fan:t2"));
    }

    [Fact]
    public async Task Commands_with_counted_keys_route_when_their_keys_share_a_shard()
    {
        await using var c = await cluster.ConnectAsync();
        var (a, b) = TwoKeysOnDifferentShards();
        Assert.Equal(":2\r\n", await c.CommandAsync("RPUSH", "{lm}a", "x", "y"));
        Assert.Equal("*2\r\n$5\r\n{lm}a\r\n*1\r\n$1\r\nx\r\n", await c.CommandAsync("LMPOP", "2", "{lm}b", "{lm}a", "LEFT"));
        Assert.StartsWith("-CROSSSLOT", await c.CommandAsync("LMPOP", "2", a, b, "LEFT"));
        Assert.StartsWith("-ERR", await c.CommandAsync("LMPOP", "0", a, "LEFT"));   // the shard's own error for a bad count
        Assert.StartsWith("-ERR 'BLPOP' needs a dedicated backend connection", await c.CommandAsync("BLPOP", a, "0"));
        Assert.Equal(":1\r\n", await c.CommandAsync("HSET", "lm:h", "f", "v"));   // collections route like strings
        Assert.Equal("$1\r\nv\r\n", await c.CommandAsync("HGET", "lm:h", "f"));
    }

    [Fact]
    public async Task Store_destinations_found_by_keyword_route_with_their_source()
    {
        await using var c = await cluster.ConnectAsync();
        var (a, b) = TwoKeysOnDifferentShards();
        Assert.Equal(":3\r\n", await c.CommandAsync("RPUSH", "{st}src", "3", "1", "2"));
        Assert.Equal(":3\r\n", await c.CommandAsync("SORT", "{st}src", "LIMIT", "0", "5", "STORE", "{st}dst"));
        Assert.Equal("*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n", await c.CommandAsync("LRANGE", "{st}dst", "0", "-1"));
        Assert.StartsWith("-CROSSSLOT", await c.CommandAsync("SORT", a, "STORE", b));
        Assert.Equal(":1\r\n", await c.CommandAsync("GEOADD", "{st}geo", "13.36", "38.11", "Palermo"));
        Assert.Equal(":1\r\n", await c.CommandAsync("GEORADIUS", "{st}geo", "13", "38", "100", "km", "STOREDIST", "{st}near"));
        Assert.Equal(":1\r\n", await c.CommandAsync("GEOSEARCHSTORE", "{st}near2", "{st}geo", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km"));
        Assert.StartsWith("-CROSSSLOT", await c.CommandAsync("GEORADIUS", a, "13", "38", "100", "km", "STORE", b));
        Assert.StartsWith("-CROSSSLOT", await c.CommandAsync("GEOSEARCHSTORE", b, a, "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km"));
        Assert.StartsWith("-CROSSSLOT", await c.CommandAsync("BITOP", "AND", a, b));
        Assert.StartsWith("-CROSSSLOT", await c.CommandAsync("PFMERGE", a, b));
        Assert.Equal("+PONG\r\n", await c.CommandAsync("PING"));
    }

    internal static (string, string) TwoKeysOnDifferentShards()
    {
        var keys = Enumerable.Range(0, 50).Select(i => $"two:{i}").ToArray();
        string a = keys[0];
        return (a, keys.First(k => ExpectedRoute.Shard(k, 3) != ExpectedRoute.Shard(a, 3)));
    }
}
