using System.Text;
using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node;

/// <summary>
/// ZRANGE and its relatives, ZCOUNT, ZLEXCOUNT, ZRANGESTORE and ZREMRANGEBY* against a real
/// istore-node: rank ranges with negative indexes, inclusive/exclusive and infinite score bounds,
/// lex ranges, REV and LIMIT, option errors, RESP3 WITHSCORES pairs.
/// </summary>
public abstract class SortedSetRangeTests(NodeFixture fixture)
{
    private const string Empty = "*0\r\n";
    private const string Syntax = "-ERR syntax error\r\n";
    private const string NotFloat = "-ERR min or max is not a float\r\n";
    private const string NotLex = "-ERR min or max not valid string range item\r\n";

    private static string Bulk(string value) => $"${Encoding.UTF8.GetByteCount(value)}\r\n{value}\r\n";

    private static string Int(long value) => $":{value}\r\n";

    private static string Bulks(params string[] items) => $"*{items.Length}\r\n" + string.Concat(items.Select(Bulk));

    /// <summary>A set of five members scoring 1..5 (a..e) under <paramref name="key"/>.</summary>
    private static async Task<RawConnection> WithFiveAsync(NodeFixture fixture, string key, bool resp3 = false)
    {
        var c = await fixture.ConnectAsync();
        if (resp3)
            await c.ReadValueAfterAsync("HELLO", "3");
        await c.CommandAsync("DEL", key);
        Assert.Equal(Int(5), await c.CommandAsync("ZADD", key, "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"));
        return c;
    }

    [Fact]
    public async Task Rank_ranges_clamp_like_redis()
    {
        await using var c = await WithFiveAsync(fixture, "rr");
        Assert.Equal(Bulks("a", "b", "c", "d", "e"), await c.CommandAsync("ZRANGE", "rr", "0", "-1"));
        Assert.Equal(Bulks("c", "3", "d", "4", "e", "5"), await c.CommandAsync("ZRANGE", "rr", "-3", "-1", "WITHSCORES"));
        Assert.Equal(Bulks("a", "b"), await c.CommandAsync("ZRANGE", "rr", "-100", "1"));
        Assert.Equal(Bulks("d", "e"), await c.CommandAsync("ZRANGE", "rr", "3", "100"));
        Assert.Equal(Empty, await c.CommandAsync("ZRANGE", "rr", "3", "1"));
        Assert.Equal(Empty, await c.CommandAsync("ZRANGE", "rr", "5", "10"));
        Assert.Equal(Empty, await c.CommandAsync("ZRANGE", "rr", "0", "-6"));
        Assert.Equal(Bulks("e", "d"), await c.CommandAsync("ZRANGE", "rr", "0", "1", "REV"));
        Assert.Equal(Bulks("e", "5", "d", "4"), await c.CommandAsync("ZREVRANGE", "rr", "0", "1", "WITHSCORES"));
        Assert.Equal(Bulks("b", "a"), await c.CommandAsync("ZREVRANGE", "rr", "-2", "-1"));
        Assert.Equal(Bulks("a", "b", "c", "d", "e"), await c.CommandAsync("ZRANGE", "rr", "0", "-1", "LIMIT", "0", "-1"));
        Assert.Equal(Empty, await c.CommandAsync("ZRANGE", "rr-missing", "0", "-1"));
    }

    [Fact]
    public async Task Score_ranges_with_exclusive_and_infinite_bounds_rev_and_limit()
    {
        await using var c = await WithFiveAsync(fixture, "sr");
        Assert.Equal(Int(5), await c.CommandAsync("ZCOUNT", "sr", "-inf", "+inf"));
        Assert.Equal(Int(2), await c.CommandAsync("ZCOUNT", "sr", "(1", "3"));
        Assert.Equal(Int(2), await c.CommandAsync("ZCOUNT", "sr", "1", "(3"));
        Assert.Equal(Int(0), await c.CommandAsync("ZCOUNT", "sr", "(3", "3"));
        Assert.Equal(Int(1), await c.CommandAsync("ZCOUNT", "sr", "3", "3"));
        Assert.Equal(Int(0), await c.CommandAsync("ZCOUNT", "sr", "4", "2"));
        Assert.Equal(Int(0), await c.CommandAsync("ZCOUNT", "sr-missing", "-inf", "+inf"));
        Assert.Equal(Bulks("b", "c"), await c.CommandAsync("ZRANGEBYSCORE", "sr", "(1", "(4"));
        Assert.Equal(Bulks("d", "4", "e", "5"), await c.CommandAsync("ZRANGE", "sr", "(3", "+inf", "BYSCORE", "WITHSCORES"));
        Assert.Equal(Bulks("b", "c"), await c.CommandAsync("ZRANGEBYSCORE", "sr", "-inf", "+inf", "LIMIT", "1", "2"));
        Assert.Equal(Bulks("b", "c", "d", "e"), await c.CommandAsync("ZRANGEBYSCORE", "sr", "-inf", "+inf", "LIMIT", "1", "-1"));
        Assert.Equal(Empty, await c.CommandAsync("ZRANGEBYSCORE", "sr", "-inf", "+inf", "LIMIT", "-1", "2"));
        Assert.Equal(Empty, await c.CommandAsync("ZRANGEBYSCORE", "sr", "-inf", "+inf", "LIMIT", "5", "2"));
        Assert.Equal(Empty, await c.CommandAsync("ZRANGEBYSCORE", "sr", "-inf", "+inf", "LIMIT", "0", "0"));
        // Reversed: max first, then min; LIMIT counts from the top.
        Assert.Equal(Bulks("e", "d", "c"), await c.CommandAsync("ZREVRANGEBYSCORE", "sr", "+inf", "(2"));
        Assert.Equal(Empty, await c.CommandAsync("ZREVRANGEBYSCORE", "sr", "1", "5"));
        Assert.Equal(Bulks("d", "4", "c", "3"), await c.CommandAsync("ZRANGE", "sr", "5", "1", "BYSCORE", "REV", "LIMIT", "1", "2", "WITHSCORES"));
        Assert.Equal(NotFloat, await c.CommandAsync("ZCOUNT", "sr", "x", "3"));
        Assert.Equal(NotFloat, await c.CommandAsync("ZRANGEBYSCORE", "sr", "1", "nan"));
        Assert.Equal(NotFloat, await c.CommandAsync("ZRANGEBYSCORE", "sr", "((1", "3"));
    }

    [Fact]
    public async Task Lex_ranges_with_open_closed_and_infinite_items()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(Int(6), await c.CommandAsync("ZADD", "lx", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e", "0", "f"));
        Assert.Equal(Int(6), await c.CommandAsync("ZLEXCOUNT", "lx", "-", "+"));
        Assert.Equal(Int(2), await c.CommandAsync("ZLEXCOUNT", "lx", "[a", "(c"));
        Assert.Equal(Int(0), await c.CommandAsync("ZLEXCOUNT", "lx", "(a", "(a"));
        Assert.Equal(Int(0), await c.CommandAsync("ZLEXCOUNT", "lx", "+", "-"));
        Assert.Equal(Bulks("a", "b", "c"), await c.CommandAsync("ZRANGEBYLEX", "lx", "-", "[c"));
        Assert.Equal(Bulks("c", "d"), await c.CommandAsync("ZRANGEBYLEX", "lx", "[b", "[e", "LIMIT", "1", "2"));
        Assert.Equal(Bulks("c", "d"), await c.CommandAsync("ZRANGEBYLEX", "lx", "(b", "(e"));
        Assert.Equal(Bulks("b", "c"), await c.CommandAsync("ZRANGEBYLEX", "lx", "(a", "[c"));
        Assert.Equal(Bulks("f", "e"), await c.CommandAsync("ZREVRANGEBYLEX", "lx", "+", "-", "LIMIT", "0", "2"));
        Assert.Equal(Bulks("e", "d"), await c.CommandAsync("ZRANGE", "lx", "(f", "[d", "BYLEX", "REV"));
        Assert.Equal(Bulks("b", "c"), await c.CommandAsync("ZRANGEBYLEX", "lx", "[aa", "[c"));
        Assert.Equal(NotLex, await c.CommandAsync("ZRANGEBYLEX", "lx", "a", "[c"));
        Assert.Equal(NotLex, await c.CommandAsync("ZLEXCOUNT", "lx", "[a", "++"));
        Assert.Equal(NotLex, await c.CommandAsync("ZLEXCOUNT", "lx", "", "+"));
        Assert.Equal(Empty, await c.CommandAsync("ZRANGEBYLEX", "lx-missing", "-", "+"));
    }

    [Fact]
    public async Task Range_option_errors_are_redis_s()
    {
        await using var c = await WithFiveAsync(fixture, "ropt");
        Assert.Equal("-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n",
            await c.CommandAsync("ZRANGE", "ropt", "0", "-1", "LIMIT", "0", "1"));
        Assert.Equal("-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n",
            await c.CommandAsync("ZRANGE", "ropt", "-", "+", "BYLEX", "WITHSCORES"));
        Assert.Equal("-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n",
            await c.CommandAsync("ZRANGEBYLEX", "ropt", "-", "+", "WITHSCORES"));
        Assert.Equal(Syntax, await c.CommandAsync("ZRANGE", "ropt", "0", "-1", "BYSCORE", "BYLEX"));
        Assert.Equal(Syntax, await c.CommandAsync("ZRANGE", "ropt", "0", "-1", "REV", "REV"));
        Assert.Equal(Syntax, await c.CommandAsync("ZREVRANGE", "ropt", "0", "-1", "REV"));
        Assert.Equal(Syntax, await c.CommandAsync("ZRANGEBYSCORE", "ropt", "0", "1", "BYLEX"));
        Assert.Equal(Syntax, await c.CommandAsync("ZRANGE", "ropt", "0", "-1", "LIMIT", "1"));
        Assert.Equal(Syntax, await c.CommandAsync("ZRANGESTORE", "rdst", "ropt", "0", "-1", "WITHSCORES"));
        Assert.Equal("-ERR value is not an integer or out of range\r\n", await c.CommandAsync("ZRANGE", "ropt", "a", "-1"));
        Assert.Equal("-ERR value is not an integer or out of range\r\n", await c.CommandAsync("ZRANGE", "ropt", "0", "5", "BYSCORE", "LIMIT", "x", "1"));
    }

    [Fact]
    public async Task Withscores_ranges_are_member_score_pairs_in_resp3()
    {
        await using var c = await WithFiveAsync(fixture, "r3", resp3: true);
        Assert.Equal($"*2\r\n*2\r\n{Bulk("a")},1\r\n*2\r\n{Bulk("b")},2\r\n", await c.CommandAsync("ZRANGE", "r3", "0", "1", "WITHSCORES"));
        Assert.Equal($"*1\r\n*2\r\n{Bulk("e")},5\r\n", await c.CommandAsync("ZREVRANGEBYSCORE", "r3", "+inf", "-inf", "WITHSCORES", "LIMIT", "0", "1"));
        Assert.Equal(Bulks("a", "b"), await c.CommandAsync("ZRANGE", "r3", "0", "1"));
        Assert.Equal(Empty, await c.CommandAsync("ZRANGE", "r3-missing", "0", "1", "WITHSCORES"));
    }

    [Fact]
    public async Task Zrangestore_replaces_the_destination_and_an_empty_result_deletes_it()
    {
        await using var c = await WithFiveAsync(fixture, "rs");
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "rs:dst", "a string"));
        Assert.Equal(Int(2), await c.CommandAsync("ZRANGESTORE", "rs:dst", "rs", "(1", "3", "BYSCORE"));
        Assert.Equal(Bulks("b", "2", "c", "3"), await c.CommandAsync("ZRANGE", "rs:dst", "0", "-1", "WITHSCORES"));
        Assert.Equal(Int(2), await c.CommandAsync("ZRANGESTORE", "rs:dst", "rs", "0", "1", "REV"));
        Assert.Equal(Bulks("d", "e"), await c.CommandAsync("ZRANGE", "rs:dst", "0", "-1"));
        Assert.Equal(Int(1), await c.CommandAsync("ZRANGESTORE", "rs", "rs", "[c", "[c", "BYLEX"));
        Assert.Equal(Bulks("c"), await c.CommandAsync("ZRANGE", "rs", "0", "-1"));
        Assert.Equal(Int(0), await c.CommandAsync("ZRANGESTORE", "rs:dst", "rs", "5", "10"));
        Assert.Equal(Int(0), await c.CommandAsync("EXISTS", "rs:dst"));
        Assert.Equal(Int(0), await c.CommandAsync("ZRANGESTORE", "rs:dst", "rs-missing", "0", "-1"));
    }

    [Fact]
    public async Task Zremrange_removes_by_rank_score_and_lex_and_deletes_an_emptied_key()
    {
        await using var c = await WithFiveAsync(fixture, "rm");
        Assert.Equal(Int(1), await c.CommandAsync("ZREMRANGEBYRANK", "rm", "-1", "-1"));
        Assert.Equal(Int(0), await c.CommandAsync("ZREMRANGEBYRANK", "rm", "10", "20"));
        Assert.Equal(Int(1), await c.CommandAsync("ZREMRANGEBYSCORE", "rm", "(1", "2"));
        Assert.Equal(Bulks("a", "c", "d"), await c.CommandAsync("ZRANGE", "rm", "0", "-1"));
        Assert.Equal(Int(2), await c.CommandAsync("ZREMRANGEBYLEX", "rm", "[c", "+"));
        Assert.Equal(Int(0), await c.CommandAsync("ZREMRANGEBYSCORE", "rm-missing", "-inf", "+inf"));
        Assert.Equal(NotFloat, await c.CommandAsync("ZREMRANGEBYSCORE", "rm", "a", "1"));
        Assert.Equal(NotLex, await c.CommandAsync("ZREMRANGEBYLEX", "rm", "a", "+"));
        Assert.Equal("-ERR value is not an integer or out of range\r\n", await c.CommandAsync("ZREMRANGEBYRANK", "rm", "0", "x"));
        Assert.Equal(Int(1), await c.CommandAsync("ZREMRANGEBYRANK", "rm", "0", "-1"));
        Assert.Equal(Int(0), await c.CommandAsync("EXISTS", "rm"));
    }

    [Fact]
    public async Task Large_ranges_walk_in_order_across_tree_nodes()
    {
        await using var c = await fixture.ConnectAsync();
        var args = new List<string> { "ZADD", "big" };
        for (int i = 0; i < 5000; i++)
            args.AddRange([(i % 1000).ToString(), $"m{i:D5}"]);
        Assert.Equal(Int(5000), await c.CommandAsync([.. args]));
        var expected = Enumerable.Range(0, 5000).OrderBy(i => i % 1000).ThenBy(i => $"m{i:D5}", StringComparer.Ordinal).Select(i => $"m{i:D5}").ToArray();
        Assert.Equal(expected[1000..1200], (await c.ReadValueAfterAsync("ZRANGE", "big", "1000", "1199")).AsStringArray());
        Assert.Equal(expected.Reverse().Take(300), (await c.ReadValueAfterAsync("ZREVRANGE", "big", "0", "299")).AsStringArray());
        Assert.Equal(Int(2500), await c.CommandAsync("ZCOUNT", "big", "250", "(750"));
        Assert.Equal(Int(2217), await c.CommandAsync("ZRANK", "big", expected[2217]));
        Assert.Equal(Int(2500), await c.CommandAsync("ZREMRANGEBYSCORE", "big", "250", "(750"));
        Assert.Equal(Int(2500), await c.CommandAsync("ZCARD", "big"));
        Assert.Equal(expected.Where((_, i) => i < 1250 || i >= 3750).ToArray(), (await c.ReadValueAfterAsync("ZRANGE", "big", "0", "-1")).AsStringArray());
    }
}
