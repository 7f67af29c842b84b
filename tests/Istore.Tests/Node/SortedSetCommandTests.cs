using System.Text;
using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node;

/// <summary>
/// Sorted-set member commands, pops, random members and ZSCAN against a real istore-node: exact
/// replies in RESP2 and RESP3, ZADD's option rules and Redis's error strings, WRONGTYPE, and
/// emptied sets losing their key. Ranges are in SortedSetRangeTests, unions in SortedSetStoreTests.
/// </summary>
public abstract class SortedSetCommandTests(NodeFixture fixture)
{
    private const string Nil = "$-1\r\n";
    private const string Empty = "*0\r\n";
    private const string Syntax = "-ERR syntax error\r\n";

    private static string Bulk(string value) => $"${Encoding.UTF8.GetByteCount(value)}\r\n{value}\r\n";

    private static string Int(long value) => $":{value}\r\n";

    /// <summary>An array of bulk strings (members and RESP2 scores alike).</summary>
    private static string Bulks(params string[] items) => $"*{items.Length}\r\n" + string.Concat(items.Select(Bulk));

    /// <summary>A RESP3 [member, score] pair.</summary>
    private static string Pair3(string member, string score) => $"*2\r\n{Bulk(member)},{score}\r\n";

    private static async Task<RawConnection> Resp3Async(NodeFixture fixture)
    {
        var c = await fixture.ConnectAsync();
        await c.ReadValueAfterAsync("HELLO", "3");
        return c;
    }

    [Fact]
    public async Task Zadd_options_decide_what_changes_and_what_is_counted()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(Int(3), await c.CommandAsync("ZADD", "za", "1", "a", "2", "b", "3", "c"));
        Assert.Equal(Int(0), await c.CommandAsync("ZADD", "za", "5", "a"));                       // updated, not added
        Assert.Equal(Int(1), await c.CommandAsync("ZADD", "za", "CH", "6", "a", "2", "b"));       // b unchanged
        Assert.Equal(Int(1), await c.CommandAsync("ZADD", "za", "NX", "9", "a", "4", "d"));
        Assert.Equal(Bulk("6"), await c.CommandAsync("ZSCORE", "za", "a"));
        Assert.Equal(Int(0), await c.CommandAsync("ZADD", "za", "XX", "7", "a", "1", "new"));
        Assert.Equal(Nil, await c.CommandAsync("ZSCORE", "za", "new"));
        Assert.Equal(Int(2), await c.CommandAsync("ZADD", "za", "GT", "CH", "1", "a", "10", "b", "1", "e"));
        Assert.Equal(Bulk("7"), await c.CommandAsync("ZSCORE", "za", "a"));
        Assert.Equal(Bulk("10"), await c.CommandAsync("ZSCORE", "za", "b"));
        Assert.Equal(Int(2), await c.CommandAsync("ZADD", "za", "LT", "XX", "CH", "0", "a", "100", "b", "0", "c"));
        Assert.Equal(Bulk("0"), await c.CommandAsync("ZSCORE", "za", "c"));
        Assert.Equal(Int(0), await c.CommandAsync("ZADD", "za-missing", "XX", "1", "a"));
        Assert.Equal(Int(0), await c.CommandAsync("EXISTS", "za-missing"));
        // INCR: the new score, or nil when a condition stopped it.
        Assert.Equal(Bulk("2.5"), await c.CommandAsync("ZADD", "za", "INCR", "2.5", "a"));   // LT above set a to 0
        Assert.Equal(Bulk("1.5"), await c.CommandAsync("ZADD", "za", "INCR", "1.5", "f"));
        Assert.Equal(Nil, await c.CommandAsync("ZADD", "za", "NX", "INCR", "1", "a"));
        Assert.Equal(Nil, await c.CommandAsync("ZADD", "za", "XX", "INCR", "1", "zz"));
        Assert.Equal(Nil, await c.CommandAsync("ZADD", "za", "GT", "INCR", "-1", "a"));
        Assert.Equal(Nil, await c.CommandAsync("ZADD", "za-missing", "XX", "INCR", "1", "a"));
        Assert.Equal(Bulk("3"), await c.CommandAsync("ZINCRBY", "zb", "3", "m"));
        Assert.Equal(Bulk("-inf"), await c.CommandAsync("ZINCRBY", "zb", "-inf", "m"));
        Assert.Equal(Int(1), await c.CommandAsync("ZADD", "zb", "+inf", "top"));
        Assert.Equal(Bulk("inf"), await c.CommandAsync("ZSCORE", "zb", "top"));
    }

    /// <summary>A ZADD without options sets its pairs in order, as redis-server 7.0.15 answered these very commands.</summary>
    [Fact]
    public async Task Zadd_of_many_pairs_applies_them_in_order_and_counts_as_redis_does()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(":1\r\n", await c.CommandAsync("ZADD", "zbatch:a", "1", "a", "2", "a"));
        Assert.Equal("$1\r\n2\r\n", await c.CommandAsync("ZSCORE", "zbatch:a", "a"));
        Assert.Equal(":3\r\n", await c.CommandAsync("ZADD", "zbatch:b", "CH", "1", "a", "2", "a", "3", "b"));
        Assert.Equal(":2\r\n", await c.CommandAsync("ZADD", "zbatch:b", "CH", "2", "a", "0", "b", "5", "c"));
        Assert.Equal(":0\r\n", await c.CommandAsync("ZADD", "zbatch:b", "2", "a", "0", "b"));
        Assert.Equal(":1\r\n", await c.CommandAsync("ZADD", "zbatch:b", "CH", "1", "b", "1", "b"));
        Assert.Equal("b 1 a 2 c 5", string.Join(' ', (await c.ReadValueAfterAsync("ZRANGE", "zbatch:b", "0", "-1", "WITHSCORES")).AsStringArray()));
        Assert.Equal(":0\r\n", await c.CommandAsync("ZRANK", "zbatch:b", "b"));
    }

    [Fact]
    public async Task Zadd_rejects_bad_input_with_redis_errors_and_changes_nothing()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(Int(1), await c.CommandAsync("ZADD", "zerr", "1", "a"));
        Assert.Equal("-ERR XX and NX options at the same time are not compatible\r\n", await c.CommandAsync("ZADD", "zerr", "NX", "XX", "1", "a"));
        const string conflict = "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n";
        Assert.Equal(conflict, await c.CommandAsync("ZADD", "zerr", "NX", "GT", "1", "a"));
        Assert.Equal(conflict, await c.CommandAsync("ZADD", "zerr", "LT", "NX", "1", "a"));
        Assert.Equal(conflict, await c.CommandAsync("ZADD", "zerr", "GT", "LT", "1", "a"));
        Assert.Equal("-ERR INCR option supports a single increment-element pair\r\n", await c.CommandAsync("ZADD", "zerr", "INCR", "1", "a", "2", "b"));
        Assert.Equal(Syntax, await c.CommandAsync("ZADD", "zerr", "1", "a", "2"));
        Assert.Equal(Syntax, await c.CommandAsync("ZADD", "zerr", "NX", "CH"));
        const string notFloat = "-ERR value is not a valid float\r\n";
        Assert.Equal(notFloat, await c.CommandAsync("ZADD", "zerr", "1", "b", "nan", "c"));
        Assert.Equal(notFloat, await c.CommandAsync("ZADD", "zerr", "abc", "b"));
        Assert.Equal(notFloat, await c.CommandAsync("ZINCRBY", "zerr", "1x", "a"));
        Assert.Equal(Int(1), await c.CommandAsync("ZCARD", "zerr"));   // the bad ZADD added nothing before failing
        Assert.Equal(Int(1), await c.CommandAsync("ZADD", "zerr", "+inf", "i"));
        const string nan = "-ERR resulting score is not a number (NaN)\r\n";
        Assert.Equal(nan, await c.CommandAsync("ZINCRBY", "zerr", "-inf", "i"));
        Assert.Equal(nan, await c.CommandAsync("ZADD", "zerr", "INCR", "-inf", "i"));
        Assert.Equal(Bulk("inf"), await c.CommandAsync("ZSCORE", "zerr", "i"));
        Assert.Equal("-ERR wrong number of arguments for 'zadd' command\r\n", await c.CommandAsync("ZADD", "zerr", "1"));
    }

    [Fact]
    public async Task Score_rank_and_card_reply_shapes_in_resp2_and_resp3()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(Int(3), await c.CommandAsync("ZADD", "zs", "1.5", "a", "2", "b", "-3", "c"));
        Assert.Equal(Int(3), await c.CommandAsync("ZCARD", "zs"));
        Assert.Equal(Int(0), await c.CommandAsync("ZCARD", "zs-missing"));
        Assert.Equal(Bulk("1.5"), await c.CommandAsync("ZSCORE", "zs", "a"));
        Assert.Equal(Nil, await c.CommandAsync("ZSCORE", "zs", "x"));
        Assert.Equal(Nil, await c.CommandAsync("ZSCORE", "zs-missing", "x"));
        Assert.Equal($"*3\r\n{Bulk("1.5")}{Nil}{Bulk("-3")}", await c.CommandAsync("ZMSCORE", "zs", "a", "x", "c"));
        Assert.Equal($"*2\r\n{Nil}{Nil}", await c.CommandAsync("ZMSCORE", "zs-missing", "a", "b"));
        Assert.Equal(Int(1), await c.CommandAsync("ZRANK", "zs", "a"));
        Assert.Equal(Int(0), await c.CommandAsync("ZREVRANK", "zs", "b"));
        Assert.Equal(Nil, await c.CommandAsync("ZRANK", "zs", "x"));
        Assert.Equal(Nil, await c.CommandAsync("ZREVRANK", "zs-missing", "x"));
        Assert.Equal($"*2\r\n:2\r\n{Bulk("-3")}", await c.CommandAsync("ZREVRANK", "zs", "c", "WITHSCORE"));
        Assert.Equal("*-1\r\n", await c.CommandAsync("ZRANK", "zs", "x", "WITHSCORE"));
        Assert.Equal(Syntax, await c.CommandAsync("ZRANK", "zs", "a", "WITHSCORES"));
        Assert.Equal("-ERR wrong number of arguments for 'zrank' command\r\n", await c.CommandAsync("ZRANK", "zs", "a", "WITHSCORE", "x"));

        await using var c3 = await Resp3Async(fixture);
        Assert.Equal(",1.5\r\n", await c3.CommandAsync("ZSCORE", "zs", "a"));
        Assert.Equal("_\r\n", await c3.CommandAsync("ZSCORE", "zs", "x"));
        Assert.Equal("*3\r\n,1.5\r\n_\r\n,-3\r\n", await c3.CommandAsync("ZMSCORE", "zs", "a", "x", "c"));
        Assert.Equal("_\r\n", await c3.CommandAsync("ZRANK", "zs", "x"));
        Assert.Equal("*2\r\n:0\r\n,-3\r\n", await c3.CommandAsync("ZRANK", "zs", "c", "WITHSCORE"));
        Assert.Equal(",3.5\r\n", await c3.CommandAsync("ZINCRBY", "zs", "2", "a"));
        Assert.Equal("_\r\n", await c3.CommandAsync("ZADD", "zs", "NX", "INCR", "1", "a"));
    }

    [Fact]
    public async Task Signed_zeros_infinities_and_the_empty_member_sort_as_redis_orders_them()
    {
        await using var c = await fixture.ConnectAsync();
        // A skiplist even this small (a listpack reads -0 back as 0, on redis-server and in the memory engine).
        Assert.Equal("+OK\r\n", await c.CommandAsync("CONFIG", "SET", "zset-max-listpack-entries", "0"));
        try
        {
            await SignedZerosAsync(c);
        }
        finally
        {
            await c.CommandAsync("CONFIG", "SET", "zset-max-listpack-entries", "128");
        }
    }

    private static async Task SignedZerosAsync(RawConnection c)
    {
        Assert.Equal(Int(5), await c.CommandAsync("ZADD", "zedge", "-0", "b", "0", "a", "inf", "c", "-inf", "d", "1", ""));
        // -0 and 0 are equal scores (member order decides), and -0 keeps its sign, as in Redis's skiplist.
        Assert.Equal(Bulks("d", "-inf", "a", "0", "b", "-0", "", "1", "c", "inf"), await c.CommandAsync("ZRANGE", "zedge", "0", "-1", "WITHSCORES"));
        Assert.Equal(Bulks("", "c"), await c.CommandAsync("ZRANGEBYSCORE", "zedge", "(-0", "+inf"));
        Assert.Equal(Bulks("a", "b"), await c.CommandAsync("ZRANGEBYSCORE", "zedge", "0", "0"));
        Assert.Equal(Int(2), await c.CommandAsync("ZCOUNT", "zedge", "-0", "0"));
        Assert.Equal(Bulks(""), await c.CommandAsync("ZRANGEBYSCORE", "zedge", "1", "1"));
        Assert.Equal(Bulks("b", "a", "d"), await c.CommandAsync("ZREVRANGEBYSCORE", "zedge", "(1", "-inf"));
        Assert.Equal(Bulks("c"), await c.CommandAsync("ZRANGEBYSCORE", "zedge", "inf", "inf"));
        Assert.Equal(Empty, await c.CommandAsync("ZRANGEBYSCORE", "zedge", "(inf", "+inf"));
        Assert.Equal(Empty, await c.CommandAsync("ZREVRANGEBYSCORE", "zedge", "(-inf", "-inf"));
        Assert.Equal(Int(2), await c.CommandAsync("ZRANK", "zedge", "b"));
        Assert.Equal(Int(1), await c.CommandAsync("ZREVRANK", "zedge", ""));
        Assert.Equal(Int(0), await c.CommandAsync("ZADD", "zedge", "0", "b"));   // equal to -0: unchanged
        Assert.Equal(Bulk("-0"), await c.CommandAsync("ZSCORE", "zedge", "b"));
        Assert.Equal(Bulk("1"), await c.CommandAsync("ZINCRBY", "zedge", "1", "b"));
        Assert.Equal(Bulks("d", "a", "", "b", "c"), await c.CommandAsync("ZRANGE", "zedge", "0", "-1"));
        Assert.Equal(Bulks("b", ""), await c.CommandAsync("ZREVRANGEBYSCORE", "zedge", "1", "1"));
    }

    [Fact]
    public async Task Zrem_counts_removed_members_and_an_emptied_set_loses_its_key()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(Int(2), await c.CommandAsync("ZADD", "zrem", "1", "a", "2", "b"));
        Assert.Equal("+zset\r\n", await c.CommandAsync("TYPE", "zrem"));
        Assert.Equal(Int(1), await c.CommandAsync("ZREM", "zrem", "a", "x", "a"));
        Assert.Equal(Int(0), await c.CommandAsync("ZREM", "zrem-missing", "a"));
        Assert.Equal(Int(1), await c.CommandAsync("ZREM", "zrem", "b"));
        Assert.Equal(Int(0), await c.CommandAsync("EXISTS", "zrem"));
        Assert.Equal("+none\r\n", await c.CommandAsync("TYPE", "zrem"));
    }

    [Fact]
    public async Task Pops_reply_flat_pairs_in_resp2_and_nested_pairs_in_resp3_with_a_count()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(Int(4), await c.CommandAsync("ZADD", "zpop", "1", "a", "2", "b", "3", "c", "4", "d"));
        Assert.Equal(Bulks("a", "1"), await c.CommandAsync("ZPOPMIN", "zpop"));
        Assert.Equal(Bulks("d", "4", "c", "3"), await c.CommandAsync("ZPOPMAX", "zpop", "2"));
        Assert.Equal(Empty, await c.CommandAsync("ZPOPMIN", "zpop", "0"));
        Assert.Equal(Empty, await c.CommandAsync("ZPOPMIN", "zpop-missing"));
        Assert.Equal(Empty, await c.CommandAsync("ZPOPMAX", "zpop-missing", "3"));
        Assert.Equal("-ERR value is out of range, must be positive\r\n", await c.CommandAsync("ZPOPMIN", "zpop", "-1"));
        Assert.Equal("-ERR value is out of range, must be positive\r\n", await c.CommandAsync("ZPOPMIN", "zpop", "x"));
        Assert.Equal(Syntax, await c.CommandAsync("ZPOPMIN", "zpop", "1", "2"));
        Assert.Equal(Bulks("b", "2"), await c.CommandAsync("ZPOPMIN", "zpop", "100"));
        Assert.Equal(Int(0), await c.CommandAsync("EXISTS", "zpop"));

        await using var c3 = await Resp3Async(fixture);
        Assert.Equal(Int(3), await c3.CommandAsync("ZADD", "zpop3", "1", "a", "2", "b", "3", "c"));
        Assert.Equal($"*2\r\n{Bulk("a")},1\r\n", await c3.CommandAsync("ZPOPMIN", "zpop3"));
        Assert.Equal("*1\r\n" + Pair3("c", "3"), await c3.CommandAsync("ZPOPMAX", "zpop3", "1"));
        Assert.Equal(Empty, await c3.CommandAsync("ZPOPMAX", "zpop3-missing"));
    }

    [Fact]
    public async Task Zmpop_pops_from_the_first_non_empty_set()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(Int(3), await c.CommandAsync("ZADD", "zm:b", "1", "a", "2", "b", "3", "c"));
        Assert.Equal($"*2\r\n{Bulk("zm:b")}*1\r\n*2\r\n{Bulk("a")}{Bulk("1")}", await c.CommandAsync("ZMPOP", "2", "zm:a", "zm:b", "MIN"));
        Assert.Equal($"*2\r\n{Bulk("zm:b")}*2\r\n*2\r\n{Bulk("c")}{Bulk("3")}*2\r\n{Bulk("b")}{Bulk("2")}",
            await c.CommandAsync("ZMPOP", "2", "zm:a", "zm:b", "MAX", "COUNT", "10"));
        Assert.Equal(Int(0), await c.CommandAsync("EXISTS", "zm:b"));
        Assert.Equal("*-1\r\n", await c.CommandAsync("ZMPOP", "1", "zm:b", "MIN"));
        Assert.Equal("-ERR numkeys should be greater than 0\r\n", await c.CommandAsync("ZMPOP", "0", "zm:b", "MIN"));
        Assert.Equal("-ERR numkeys should be greater than 0\r\n", await c.CommandAsync("ZMPOP", "x", "zm:b", "MIN"));
        Assert.Equal("-ERR count should be greater than 0\r\n", await c.CommandAsync("ZMPOP", "1", "zm:b", "MIN", "COUNT", "0"));
        Assert.Equal(Syntax, await c.CommandAsync("ZMPOP", "5", "zm:b", "MIN"));
        Assert.Equal(Syntax, await c.CommandAsync("ZMPOP", "1", "zm:b", "MIDDLE"));
        Assert.Equal(Syntax, await c.CommandAsync("ZMPOP", "1", "zm:b", "MIN", "COUNT"));
        Assert.Equal(Syntax, await c.CommandAsync("ZMPOP", "1", "zm:b", "MIN", "COUNT", "1", "x"));

        await using var c3 = await Resp3Async(fixture);
        Assert.Equal(Int(1), await c3.CommandAsync("ZADD", "zm:c", "5", "m"));
        Assert.Equal($"*2\r\n{Bulk("zm:c")}*1\r\n{Pair3("m", "5")}", await c3.CommandAsync("ZMPOP", "1", "zm:c", "MIN"));
        Assert.Equal("_\r\n", await c3.CommandAsync("ZMPOP", "1", "zm:c", "MIN"));
    }

    [Fact]
    public async Task Zrandmember_picks_distinct_or_repeated_members()
    {
        await using var c = await fixture.ConnectAsync();
        var members = Enumerable.Range(0, 10).Select(i => $"m{i}").ToArray();
        Assert.Equal(Int(10), await c.CommandAsync(["ZADD", "zrand", .. members.SelectMany((m, i) => new[] { i.ToString(), m })]));
        Assert.Contains((await c.ReadValueAfterAsync("ZRANDMEMBER", "zrand")).AsString(), members);
        var distinct = (await c.ReadValueAfterAsync("ZRANDMEMBER", "zrand", "6")).AsStringArray();
        Assert.Equal(6, distinct.Distinct().Count());
        Assert.All(distinct, m => Assert.Contains(m, members));
        Assert.Equal(10, (await c.ReadValueAfterAsync("ZRANDMEMBER", "zrand", "50")).Count);
        var repeated = (await c.ReadValueAfterAsync("ZRANDMEMBER", "zrand", "-30")).AsStringArray();
        Assert.Equal(30, repeated.Length);
        var withScores = await c.ReadValueAfterAsync("ZRANDMEMBER", "zrand", "3", "WITHSCORES");
        Assert.Equal(6, withScores.Count);
        for (int i = 0; i < 6; i += 2)
            Assert.Equal($"m{withScores[i + 1].AsString()}", withScores[i].AsString());
        Assert.Equal(Nil, await c.CommandAsync("ZRANDMEMBER", "zrand-missing"));
        Assert.Equal(Empty, await c.CommandAsync("ZRANDMEMBER", "zrand-missing", "3"));
        Assert.Equal(Empty, await c.CommandAsync("ZRANDMEMBER", "zrand", "0"));
        Assert.Equal(Syntax, await c.CommandAsync("ZRANDMEMBER", "zrand", "1", "WITHSCORE"));
        Assert.Equal("-ERR value is not an integer or out of range\r\n", await c.CommandAsync("ZRANDMEMBER", "zrand", "x"));

        await using var c3 = await Resp3Async(fixture);
        var nested = await c3.ReadValueAfterAsync("ZRANDMEMBER", "zrand", "-2", "WITHSCORES");
        Assert.Equal(2, nested.Count);
        Assert.All(nested.Items, pair => Assert.Equal($"m{pair[1].AsDouble()}", pair[0].AsString()));
    }

    [Fact]
    public async Task Zscan_returns_every_member_with_its_score()
    {
        await using var c = await fixture.ConnectAsync();
        var expected = new Dictionary<string, string>();
        for (int i = 0; i < 300; i++)
            expected[$"s{i}"] = (i / 4.0).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(Int(300), await c.CommandAsync(["ZADD", "zscan", .. expected.SelectMany(kv => new[] { kv.Value, kv.Key })]));
        var seen = new Dictionary<string, string>();
        string cursor = "0";
        do
        {
            var reply = await c.ReadValueAfterAsync("ZSCAN", "zscan", cursor, "COUNT", "25");
            cursor = reply[0].AsString()!;
            var items = reply[1].AsStringArray();
            for (int i = 0; i < items.Length; i += 2)
                seen[items[i]!] = items[i + 1]!;
        } while (cursor != "0");
        Assert.Equal(expected.OrderBy(kv => kv.Key), seen.OrderBy(kv => kv.Key));
        var matched = (await c.ReadValueAfterAsync("ZSCAN", "zscan", "0", "MATCH", "s1?", "COUNT", "1000"))[1].AsStringArray();
        Assert.Equal(20, matched.Length);
        Assert.Equal($"*2\r\n{Bulk("0")}{Empty}", await c.CommandAsync("ZSCAN", "zscan-missing", "0"));
        Assert.Equal("-ERR invalid cursor\r\n", await c.CommandAsync("ZSCAN", "zscan", "x"));
    }

    [Fact]
    public async Task Every_sorted_set_command_refuses_a_string_key()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "zstr", "v"));
        const string wrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
        string[][] commands =
        [
            ["ZADD", "zstr", "1", "a"], ["ZINCRBY", "zstr", "1", "a"], ["ZREM", "zstr", "a"], ["ZCARD", "zstr"],
            ["ZSCORE", "zstr", "a"], ["ZMSCORE", "zstr", "a"], ["ZRANK", "zstr", "a"], ["ZREVRANK", "zstr", "a"],
            ["ZCOUNT", "zstr", "0", "1"], ["ZLEXCOUNT", "zstr", "-", "+"], ["ZRANGE", "zstr", "0", "-1"],
            ["ZRANGESTORE", "zdst", "zstr", "0", "-1"], ["ZREVRANGE", "zstr", "0", "-1"], ["ZRANGEBYSCORE", "zstr", "0", "1"],
            ["ZREVRANGEBYSCORE", "zstr", "1", "0"], ["ZRANGEBYLEX", "zstr", "-", "+"], ["ZREVRANGEBYLEX", "zstr", "+", "-"],
            ["ZREMRANGEBYRANK", "zstr", "0", "1"], ["ZREMRANGEBYSCORE", "zstr", "0", "1"], ["ZREMRANGEBYLEX", "zstr", "-", "+"],
            ["ZPOPMIN", "zstr"], ["ZPOPMAX", "zstr", "2"], ["ZMPOP", "1", "zstr", "MIN"], ["ZRANDMEMBER", "zstr"],
            ["ZUNION", "1", "zstr"], ["ZINTER", "1", "zstr"], ["ZDIFF", "1", "zstr"], ["ZUNIONSTORE", "zdst", "1", "zstr"],
            ["ZINTERSTORE", "zdst", "1", "zstr"], ["ZDIFFSTORE", "zdst", "1", "zstr"], ["ZINTERCARD", "1", "zstr"], ["ZSCAN", "zstr", "0"],
        ];
        foreach (var command in commands)
            Assert.True(wrongType == await c.CommandAsync(command), string.Join(' ', command));
        Assert.Equal(Bulk("v"), await c.CommandAsync("GET", "zstr"));
        Assert.Equal(Int(0), await c.CommandAsync("EXISTS", "zdst"));
    }
}
