using Istore.Net.Resp;
using Istore.Tests.Infrastructure;
using StackExchange.Redis;

namespace Istore.Tests.Node;

/// <summary>
/// The hash family against a real node of either engine: replies byte for byte as Redis 7 sends
/// them, in RESP2 and RESP3. The memory engine's packed encoding is tested in HashEncodingTests.
/// </summary>
public abstract class HashCommandTests(NodeFixture fixture)
{
    private static string[] Sorted(RespValue array) => array.AsStringArray().Select(s => s!).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public async Task Hset_counts_new_fields_and_hget_reads_them()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(":2\r\n", await c.CommandAsync("HSET", "hset:h", "a", "1", "b", "2"));
        Assert.Equal(":1\r\n", await c.CommandAsync("HSET", "hset:h", "a", "10", "c", "3"));
        Assert.Equal("$2\r\n10\r\n", await c.CommandAsync("HGET", "hset:h", "a"));
        Assert.Equal("$-1\r\n", await c.CommandAsync("HGET", "hset:h", "missing"));
        Assert.Equal("$-1\r\n", await c.CommandAsync("HGET", "hset:missing", "a"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("HMSET", "hset:h", "d", "4"));
        Assert.Equal(":4\r\n", await c.CommandAsync("HLEN", "hset:h"));
        Assert.Equal(":0\r\n", await c.CommandAsync("HLEN", "hset:missing"));
        Assert.Equal("+hash\r\n", await c.CommandAsync("TYPE", "hset:h"));
        Assert.Equal("-ERR wrong number of arguments for 'hset' command\r\n", await c.CommandAsync("HSET", "hset:h", "a", "1", "b"));
        Assert.Equal("-ERR wrong number of arguments for 'hmset' command\r\n", await c.CommandAsync("HMSET", "hset:h", "a"));
    }

    [Fact]
    public async Task Hsetnx_sets_only_a_missing_field()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(":1\r\n", await c.CommandAsync("HSETNX", "hsetnx:h", "f", "v1"));
        Assert.Equal(":0\r\n", await c.CommandAsync("HSETNX", "hsetnx:h", "f", "v2"));
        Assert.Equal("$2\r\nv1\r\n", await c.CommandAsync("HGET", "hsetnx:h", "f"));
    }

    [Fact]
    public async Task Hmget_hexists_hstrlen_answer_for_missing_fields_and_keys()
    {
        await using var c = await fixture.ConnectAsync();
        await c.CommandAsync("HSET", "hmget:h", "a", "hello", "b", "");
        Assert.Equal("*3\r\n$5\r\nhello\r\n$-1\r\n$0\r\n\r\n", await c.CommandAsync("HMGET", "hmget:h", "a", "x", "b"));
        Assert.Equal("*2\r\n$-1\r\n$-1\r\n", await c.CommandAsync("HMGET", "hmget:missing", "a", "b"));
        Assert.Equal(":1\r\n", await c.CommandAsync("HEXISTS", "hmget:h", "b"));
        Assert.Equal(":0\r\n", await c.CommandAsync("HEXISTS", "hmget:h", "x"));
        Assert.Equal(":5\r\n", await c.CommandAsync("HSTRLEN", "hmget:h", "a"));
        Assert.Equal(":0\r\n", await c.CommandAsync("HSTRLEN", "hmget:h", "x"));
    }

    [Fact]
    public async Task Hdel_removes_fields_and_the_key_with_the_last_one()
    {
        await using var c = await fixture.ConnectAsync();
        await c.CommandAsync("HSET", "hdel:h", "a", "1", "b", "2", "c", "3");
        Assert.Equal(":2\r\n", await c.CommandAsync("HDEL", "hdel:h", "a", "b", "x", "a"));
        Assert.Equal(":1\r\n", await c.CommandAsync("EXISTS", "hdel:h"));
        Assert.Equal(":1\r\n", await c.CommandAsync("HDEL", "hdel:h", "c"));
        Assert.Equal(":0\r\n", await c.CommandAsync("EXISTS", "hdel:h"));
        Assert.Equal("+none\r\n", await c.CommandAsync("TYPE", "hdel:h"));
        Assert.Equal(":0\r\n", await c.CommandAsync("HDEL", "hdel:missing", "a"));
    }

    [Fact]
    public async Task Hgetall_is_a_flat_array_in_resp2_and_a_map_in_resp3()
    {
        await using var c = await fixture.ConnectAsync();
        await c.CommandAsync("HSET", "hgetall:h", "f", "v");
        Assert.Equal("*2\r\n$1\r\nf\r\n$1\r\nv\r\n", await c.CommandAsync("HGETALL", "hgetall:h"));
        Assert.Equal("*0\r\n", await c.CommandAsync("HGETALL", "hgetall:missing"));
        await c.ReadValueAfterAsync("HELLO", "3");
        Assert.Equal("%1\r\n$1\r\nf\r\n$1\r\nv\r\n", await c.CommandAsync("HGETALL", "hgetall:h"));
        Assert.Equal("%0\r\n", await c.CommandAsync("HGETALL", "hgetall:missing"));
        Assert.Equal("*1\r\n$1\r\nf\r\n", await c.CommandAsync("HKEYS", "hgetall:h"));
        Assert.Equal("*1\r\n$1\r\nv\r\n", await c.CommandAsync("HVALS", "hgetall:h"));
    }

    [Fact]
    public async Task Hkeys_and_hvals_list_every_field_and_value()
    {
        await using var c = await fixture.ConnectAsync();
        for (int i = 0; i < 300; i++)
            await c.CommandAsync("HSET", "hkeys:h", $"f{i}", $"v{i}");
        var keys = Sorted(await c.ReadValueAfterAsync("HKEYS", "hkeys:h"));
        var values = Sorted(await c.ReadValueAfterAsync("HVALS", "hkeys:h"));
        Assert.Equal(Enumerable.Range(0, 300).Select(i => $"f{i}").Order(StringComparer.Ordinal), keys);
        Assert.Equal(Enumerable.Range(0, 300).Select(i => $"v{i}").Order(StringComparer.Ordinal), values);
    }

    [Fact]
    public async Task Hincrby_adds_and_refuses_non_integers_and_overflow()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(":5\r\n", await c.CommandAsync("HINCRBY", "hincr:h", "n", "5"));
        Assert.Equal(":-2\r\n", await c.CommandAsync("HINCRBY", "hincr:h", "n", "-7"));
        await c.CommandAsync("HSET", "hincr:h", "s", "abc", "big", long.MaxValue.ToString());
        Assert.Equal("-ERR hash value is not an integer\r\n", await c.CommandAsync("HINCRBY", "hincr:h", "s", "1"));
        Assert.Equal("-ERR increment or decrement would overflow\r\n", await c.CommandAsync("HINCRBY", "hincr:h", "big", "1"));
        Assert.Equal("-ERR value is not an integer or out of range\r\n", await c.CommandAsync("HINCRBY", "hincr:h", "n", "1.5"));
        Assert.Equal("$2\r\n-2\r\n", await c.CommandAsync("HGET", "hincr:h", "n"));
    }

    [Fact]
    public async Task Hincrbyfloat_uses_long_double_text_and_refuses_bad_input()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("$4\r\n10.5\r\n", await c.CommandAsync("HINCRBYFLOAT", "hfloat:h", "f", "10.5"));
        Assert.Equal("$3\r\n5.4\r\n", await c.CommandAsync("HINCRBYFLOAT", "hfloat:h", "f", "-5.1"));
        Assert.Equal("$4\r\n5000\r\n", await c.CommandAsync("HINCRBYFLOAT", "hfloat:h", "g", "5.0e3"));
        await c.CommandAsync("HSET", "hfloat:h", "s", "abc");
        Assert.Equal("-ERR hash value is not a float\r\n", await c.CommandAsync("HINCRBYFLOAT", "hfloat:h", "s", "1"));
        Assert.Equal("-ERR value is not a valid float\r\n", await c.CommandAsync("HINCRBYFLOAT", "hfloat:h", "f", "x"));
        Assert.Equal("-ERR value is NaN or Infinity\r\n", await c.CommandAsync("HINCRBYFLOAT", "hfloat:h", "f", "inf"));
    }

    [Fact]
    public async Task Hrandfield_picks_distinct_fields_for_a_positive_count_and_repeats_for_a_negative_one()
    {
        await using var c = await fixture.ConnectAsync();
        await c.CommandAsync("HSET", "hrand:h", "a", "1", "b", "2", "c", "3");
        var one = (await c.ReadValueAfterAsync("HRANDFIELD", "hrand:h")).AsString();
        Assert.Contains(one, new[] { "a", "b", "c" });
        Assert.Equal(["a", "b", "c"], Sorted(await c.ReadValueAfterAsync("HRANDFIELD", "hrand:h", "10")));
        var two = Sorted(await c.ReadValueAfterAsync("HRANDFIELD", "hrand:h", "2"));
        Assert.Equal(2, two.Distinct().Count());
        var repeats = await c.ReadValueAfterAsync("HRANDFIELD", "hrand:h", "-7");
        Assert.Equal(7, repeats.AsStringArray().Length);
        var withValues = (await c.ReadValueAfterAsync("HRANDFIELD", "hrand:h", "3", "WITHVALUES")).AsStringArray();
        Assert.Equal(6, withValues.Length);
        for (int i = 0; i < 6; i += 2)
            Assert.Equal(((char)(withValues[i]![0] - 'a' + '1')).ToString(), withValues[i + 1]);
        Assert.Equal("$-1\r\n", await c.CommandAsync("HRANDFIELD", "hrand:missing"));
        Assert.Equal("*0\r\n", await c.CommandAsync("HRANDFIELD", "hrand:missing", "5"));
        Assert.Equal("*0\r\n", await c.CommandAsync("HRANDFIELD", "hrand:h", "0"));
        Assert.Equal("-ERR syntax error\r\n", await c.CommandAsync("HRANDFIELD", "hrand:h", "1", "WITHSCORES"));
        Assert.Equal("-ERR value is out of range\r\n", await c.CommandAsync("HRANDFIELD", "hrand:h", "-9223372036854775807"));
        await c.ReadValueAfterAsync("HELLO", "3");
        Assert.StartsWith("*1\r\n*2\r\n$1\r\n", await c.CommandAsync("HRANDFIELD", "hrand:h", "1", "WITHVALUES"));
    }

    [Fact]
    public async Task Hscan_returns_every_field_once_across_calls_and_filters_by_pattern()
    {
        await using var c = await fixture.ConnectAsync();
        for (int i = 0; i < 500; i++)
            await c.CommandAsync("HSET", "hscan:h", $"field:{i}", $"{i}");
        var seen = new Dictionary<string, string>();
        string cursor = "0";
        do
        {
            var reply = (await c.ReadValueAfterAsync("HSCAN", "hscan:h", cursor, "COUNT", "37"));
            cursor = reply[0].AsString()!;
            var items = reply[1].AsStringArray();
            for (int i = 0; i < items.Length; i += 2)
                seen[items[i]!] = items[i + 1]!;
        }
        while (cursor != "0");
        Assert.Equal(500, seen.Count);
        Assert.All(seen, pair => Assert.Equal($"field:{pair.Value}", pair.Key));

        var matched = (await c.ReadValueAfterAsync("HSCAN", "hscan:h", "0", "MATCH", "field:1?", "COUNT", "100000"));
        Assert.Equal("0", matched[0].AsString());
        Assert.Equal(20, matched[1].AsStringArray().Length);
        Assert.Equal("*2\r\n$1\r\n0\r\n*0\r\n", await c.CommandAsync("HSCAN", "hscan:missing", "0"));
        Assert.Equal("-ERR invalid cursor\r\n", await c.CommandAsync("HSCAN", "hscan:h", "x"));
        Assert.Equal("-ERR syntax error\r\n", await c.CommandAsync("HSCAN", "hscan:h", "0", "COUNT", "0"));
    }

    [Fact]
    public async Task Hash_commands_on_a_string_and_string_commands_on_a_hash_are_wrongtype()
    {
        await using var c = await fixture.ConnectAsync();
        const string wrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
        await c.CommandAsync("SET", "wrongtype:s", "x");
        await c.CommandAsync("HSET", "wrongtype:h", "f", "v");
        foreach (var command in new[] { new[] { "HSET", "wrongtype:s", "f", "v" }, ["HGET", "wrongtype:s", "f"], ["HGETALL", "wrongtype:s"],
                     ["HDEL", "wrongtype:s", "f"], ["HINCRBY", "wrongtype:s", "f", "1"], ["HLEN", "wrongtype:s"], ["HSCAN", "wrongtype:s", "0"],
                     ["GET", "wrongtype:h"], ["APPEND", "wrongtype:h", "x"], ["INCR", "wrongtype:h"], ["STRLEN", "wrongtype:h"] })
            Assert.Equal(wrongType, await c.CommandAsync(command));
        Assert.Equal("$1\r\nx\r\n", await c.CommandAsync("GET", "wrongtype:s"));
        Assert.Equal("*1\r\n$-1\r\n", await c.CommandAsync("MGET", "wrongtype:h"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "wrongtype:h", "now a string"));
        Assert.Equal("+string\r\n", await c.CommandAsync("TYPE", "wrongtype:h"));
    }

    [Fact]
    public async Task Generic_key_commands_work_on_a_hash()
    {
        await using var c = await fixture.ConnectAsync();
        await c.CommandAsync("HSET", "generic:h", "f", "v", "g", "w");
        Assert.Equal(":1\r\n", await c.CommandAsync("EXPIRE", "generic:h", "100"));
        Assert.Equal(":100\r\n", await c.CommandAsync("TTL", "generic:h"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("RENAME", "generic:h", "generic:h2"));
        Assert.Equal(":0\r\n", await c.CommandAsync("EXISTS", "generic:h"));
        Assert.Equal(":100\r\n", await c.CommandAsync("TTL", "generic:h2"));
        Assert.Equal(":1\r\n", await c.CommandAsync("COPY", "generic:h2", "generic:h3"));
        Assert.Equal(":1\r\n", await c.CommandAsync("HSET", "generic:h3", "x", "y"));
        Assert.Equal(":2\r\n", await c.CommandAsync("HLEN", "generic:h2"));
        Assert.Equal(":3\r\n", await c.CommandAsync("HLEN", "generic:h3"));
        Assert.Equal(":1\r\n", await c.CommandAsync("PERSIST", "generic:h3"));
        Assert.Equal(":-1\r\n", await c.CommandAsync("TTL", "generic:h3"));
        Assert.Equal(":2\r\n", await c.CommandAsync("DEL", "generic:h2", "generic:h3"));
        Assert.Equal("+none\r\n", await c.CommandAsync("TYPE", "generic:h2"));
    }

    [Fact]
    public async Task An_expired_hash_is_gone()
    {
        await using var c = await fixture.ConnectAsync();
        await c.CommandAsync("HSET", "expired:h", "f", "v");
        Assert.Equal(":1\r\n", await c.CommandAsync("PEXPIRE", "expired:h", "50"));
        await Task.Delay(120);
        Assert.Equal("$-1\r\n", await c.CommandAsync("HGET", "expired:h", "f"));
        Assert.Equal(":0\r\n", await c.CommandAsync("EXISTS", "expired:h"));
        Assert.Equal(":1\r\n", await c.CommandAsync("HSET", "expired:h", "f", "new"));
        Assert.Equal(":-1\r\n", await c.CommandAsync("TTL", "expired:h"));
    }

    [Fact]
    public async Task StackExchange_redis_reads_and_writes_hashes()
    {
        var db = fixture.Db;
        await db.HashSetAsync("ser:h", [new HashEntry("a", "1"), new HashEntry("b", "2")]);
        Assert.Equal("2", await db.HashGetAsync("ser:h", "b"));
        Assert.Equal(3, await db.HashIncrementAsync("ser:h", "a", 2));
        var all = (await db.HashGetAllAsync("ser:h")).ToDictionary(e => e.Name.ToString(), e => e.Value.ToString());
        Assert.Equal(new Dictionary<string, string> { ["a"] = "3", ["b"] = "2" }, all);
        Assert.True(await db.HashDeleteAsync("ser:h", "a"));
        Assert.Equal(1, await db.HashLengthAsync("ser:h"));
        var scanned = db.HashScan("ser:h", pageSize: 1).Select(e => e.Name.ToString()).ToList();
        Assert.Equal(["b"], scanned);
    }
}
