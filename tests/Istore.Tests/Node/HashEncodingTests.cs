using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node;

/// <summary>
/// The memory engine's hash encodings: packed (Redis's listpack) while small, a table past Redis's
/// limits. The disk engine has one layout and reports the encoding Redis gives its contents (see
/// node/Engine/Disk/README.md; DumpBytesOracleTests compares it with redis-server's).
/// </summary>
public class HashEncodingTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    [Theory]
    [InlineData(129, 1)]   // with the entries limit set to 128 (Redis 7's built-in default is 512; redis.conf sets 128)
    [InlineData(3, 65)]
    public async Task A_small_hash_is_packed_and_becomes_a_table_past_redis_listpack_limits(int fields, int valueLength)
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync("CONFIG", "SET", "hash-max-listpack-entries", "128"));
        string key = $"packed:{fields}:{valueLength}";
        for (int i = 0; i < fields - 1; i++)
            await c.CommandAsync("HSET", key, $"f{i}", "v");
        Assert.Equal("$8\r\nlistpack\r\n", await c.CommandAsync("OBJECT", "ENCODING", key));
        await c.CommandAsync("HSET", key, "last", new string('x', valueLength));
        Assert.Equal("$9\r\nhashtable\r\n", await c.CommandAsync("OBJECT", "ENCODING", key));
        Assert.Equal($":{fields}\r\n", await c.CommandAsync("HLEN", key));
        Assert.Equal("$1\r\nv\r\n", await c.CommandAsync("HGET", key, "f0"));
        Assert.Equal($"${valueLength}\r\n{new string('x', valueLength)}\r\n", await c.CommandAsync("HGET", key, "last"));
        Assert.Equal(":1\r\n", await c.CommandAsync("HDEL", key, "f0"));
        Assert.Equal((fields - 1) * 2, (await c.ReadValueAfterAsync("HGETALL", key)).Count);
    }

    [Fact]
    public async Task A_packed_hash_updates_removes_and_scans_in_place()
    {
        await using var c = await fixture.ConnectAsync();
        await c.CommandAsync("HSET", "inplace:h", "a", "1", "b", "2", "c", "3");
        Assert.Equal(":0\r\n", await c.CommandAsync("HSET", "inplace:h", "b", "a longer value than before"));
        Assert.Equal(":1\r\n", await c.CommandAsync("HDEL", "inplace:h", "a"));
        Assert.Equal("*4\r\n$1\r\nb\r\n$26\r\na longer value than before\r\n$1\r\nc\r\n$1\r\n3\r\n", await c.CommandAsync("HGETALL", "inplace:h"));
        Assert.Equal("*2\r\n$1\r\n0\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n", await c.CommandAsync("HSCAN", "inplace:h", "0", "MATCH", "c"));
    }

    /// <summary>A many-field HSET of a packed hash builds one array: its pairs still apply in order, as redis-server applies them.</summary>
    [Fact]
    public async Task A_many_field_hset_applies_its_pairs_in_order_and_counts_new_fields_once()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(":2\r\n", await c.CommandAsync("HSET", "batch:h", "a", "1", "b", "2", "a", "3"));
        Assert.Equal(":1\r\n", await c.CommandAsync("HSET", "batch:h", "b", "a longer value", "a", "", "c", "4", "c", "5"));
        Assert.Equal(":0\r\n", await c.CommandAsync("HSET", "batch:h", "a", "", "c", "5"));
        Assert.Equal("$8\r\nlistpack\r\n", await c.CommandAsync("OBJECT", "ENCODING", "batch:h"));
        Assert.Equal("*6\r\n$1\r\na\r\n$0\r\n\r\n$1\r\nb\r\n$14\r\na longer value\r\n$1\r\nc\r\n$1\r\n5\r\n",
            await c.CommandAsync("HGETALL", "batch:h"));
        Assert.Equal(":3\r\n", await c.CommandAsync("HLEN", "batch:h"));
    }

    [Fact]
    public async Task A_many_field_hset_past_the_entries_limit_makes_a_table_with_every_field()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync("CONFIG", "SET", "hash-max-listpack-entries", "128"));
        var args = new List<string> { "HSET", "batch:big" };
        for (int i = 0; i < 127; i++)
            args.AddRange([$"f{i}", "v"]);
        Assert.Equal(":127\r\n", await c.CommandAsync([.. args]));
        Assert.Equal("$8\r\nlistpack\r\n", await c.CommandAsync("OBJECT", "ENCODING", "batch:big"));
        Assert.Equal(":2\r\n", await c.CommandAsync("HSET", "batch:big", "f0", "w", "x", "1", "y", "2"));
        Assert.Equal("$9\r\nhashtable\r\n", await c.CommandAsync("OBJECT", "ENCODING", "batch:big"));
        Assert.Equal(":129\r\n", await c.CommandAsync("HLEN", "batch:big"));
        Assert.Equal("$1\r\nw\r\n", await c.CommandAsync("HGET", "batch:big", "f0"));
        Assert.Equal("$1\r\n2\r\n", await c.CommandAsync("HGET", "batch:big", "y"));
    }
}
