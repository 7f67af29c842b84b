using System.Text;
using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node;

/// <summary>
/// ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD against a real istore-node: WEIGHTS,
/// AGGREGATE, inf - inf counting as 0, destinations replaced or deleted, and Redis's errors.
/// </summary>
public abstract class SortedSetStoreTests(NodeFixture fixture)
{
    private const string Empty = "*0\r\n";
    private const string Syntax = "-ERR syntax error\r\n";

    private static string Bulk(string value) => $"${Encoding.UTF8.GetByteCount(value)}\r\n{value}\r\n";

    private static string Int(long value) => $":{value}\r\n";

    private static string Bulks(params string[] items) => $"*{items.Length}\r\n" + string.Concat(items.Select(Bulk));

    /// <summary>ag:{p}:a = x1 y2 z3 and ag:{p}:b = y10 z20 w30.</summary>
    private static async Task<RawConnection> WithTwoAsync(NodeFixture fixture, string p)
    {
        var c = await fixture.ConnectAsync();
        Assert.Equal(Int(3), await c.CommandAsync("ZADD", $"ag:{p}:a", "1", "x", "2", "y", "3", "z"));
        Assert.Equal(Int(3), await c.CommandAsync("ZADD", $"ag:{p}:b", "10", "y", "20", "z", "30", "w"));
        return c;
    }

    [Fact]
    public async Task Union_inter_and_diff_with_weights_and_aggregates()
    {
        await using var c = await WithTwoAsync(fixture, "u");
        string a = "ag:u:a", b = "ag:u:b";
        Assert.Equal(Bulks("x", "1", "y", "12", "z", "23", "w", "30"), await c.CommandAsync("ZUNION", "2", a, b, "WITHSCORES"));
        Assert.Equal(Bulks("x", "2", "y", "34", "z", "66", "w", "90"), await c.CommandAsync("ZUNION", "2", a, b, "WEIGHTS", "2", "3", "WITHSCORES"));
        Assert.Equal(Bulks("x", "1", "y", "2", "z", "3", "w", "30"), await c.CommandAsync("ZUNION", "2", a, b, "AGGREGATE", "MIN", "WITHSCORES"));
        Assert.Equal(Bulks("x", "y", "z", "w"), await c.CommandAsync("ZUNION", "3", a, b, "ag:u:missing", "AGGREGATE", "MAX"));
        Assert.Equal(Bulks("y", "12", "z", "23"), await c.CommandAsync("ZINTER", "2", a, b, "WITHSCORES"));
        Assert.Equal(Bulks("z", "-17", "y", "-8"), await c.CommandAsync("ZINTER", "2", a, b, "WEIGHTS", "1", "-1", "WITHSCORES"));
        Assert.Equal(Bulks("y", "10", "z", "20"), await c.CommandAsync("ZINTER", "2", a, b, "AGGREGATE", "MAX", "WITHSCORES"));
        Assert.Equal(Empty, await c.CommandAsync("ZINTER", "2", a, "ag:u:missing"));
        Assert.Equal(Bulks("w", "30"), await c.CommandAsync("ZDIFF", "2", b, a, "WITHSCORES"));
        Assert.Equal(Bulks("x", "y", "z"), await c.CommandAsync("ZDIFF", "2", a, "ag:u:missing"));
        Assert.Equal(Empty, await c.CommandAsync("ZDIFF", "2", "ag:u:missing", a));
        Assert.Equal(Int(2), await c.CommandAsync("ZINTERCARD", "2", a, b));
        Assert.Equal(Int(1), await c.CommandAsync("ZINTERCARD", "2", a, b, "LIMIT", "1"));
        Assert.Equal(Int(2), await c.CommandAsync("ZINTERCARD", "2", a, b, "LIMIT", "0"));

        await using var c3 = await fixture.ConnectAsync();
        await c3.ReadValueAfterAsync("HELLO", "3");
        Assert.Equal($"*1\r\n*2\r\n{Bulk("w")},30\r\n", await c3.CommandAsync("ZDIFF", "2", b, a, "WITHSCORES"));
    }

    [Fact]
    public async Task Infinite_scores_never_make_nan()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(Int(2), await c.CommandAsync("ZADD", "ag:inf:a", "+inf", "m", "-inf", "n"));
        Assert.Equal(Int(2), await c.CommandAsync("ZADD", "ag:inf:b", "-inf", "m", "+inf", "n"));
        Assert.Equal(Bulks("m", "0", "n", "0"), await c.CommandAsync("ZUNION", "2", "ag:inf:a", "ag:inf:b", "WITHSCORES"));
        Assert.Equal(Bulks("m", "0", "n", "0"), await c.CommandAsync("ZINTER", "2", "ag:inf:a", "ag:inf:b", "WITHSCORES"));
        Assert.Equal(Bulks("m", "-inf", "n", "inf"), await c.CommandAsync("ZUNION", "2", "ag:inf:a", "ag:inf:b", "WEIGHTS", "0", "1", "WITHSCORES"));
    }

    [Fact]
    public async Task Store_forms_replace_the_destination_and_delete_it_on_an_empty_result()
    {
        await using var c = await WithTwoAsync(fixture, "s");
        string a = "ag:s:a", b = "ag:s:b", dst = "ag:s:dst";
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", dst, "string"));
        Assert.Equal(Int(1), await c.CommandAsync("EXPIRE", dst, "1000"));
        Assert.Equal(Int(4), await c.CommandAsync("ZUNIONSTORE", dst, "2", a, b));
        Assert.Equal(Bulks("x", "1", "y", "12", "z", "23", "w", "30"), await c.CommandAsync("ZRANGE", dst, "0", "-1", "WITHSCORES"));
        Assert.Equal(Int(-1), await c.CommandAsync("TTL", dst));
        Assert.Equal(Int(2), await c.CommandAsync("ZINTERSTORE", dst, "2", a, b, "WEIGHTS", "0.5", "0.5", "AGGREGATE", "MIN"));
        Assert.Equal(Bulks("y", "1", "z", "1.5"), await c.CommandAsync("ZRANGE", dst, "0", "-1", "WITHSCORES"));
        Assert.Equal(Int(1), await c.CommandAsync("ZDIFFSTORE", dst, "2", b, a));
        Assert.Equal(Bulks("w", "30"), await c.CommandAsync("ZRANGE", dst, "0", "-1", "WITHSCORES"));
        Assert.Equal(Int(4), await c.CommandAsync("ZUNIONSTORE", a, "2", a, dst));   // a source may be the destination
        Assert.Equal(Bulks("x", "y", "z", "w"), await c.CommandAsync("ZRANGE", a, "0", "-1"));
        Assert.Equal(Int(0), await c.CommandAsync("ZINTERSTORE", dst, "2", a, "ag:s:missing"));
        Assert.Equal(Int(0), await c.CommandAsync("EXISTS", dst));
        Assert.Equal(Syntax, await c.CommandAsync("ZUNIONSTORE", dst, "1", a, "WITHSCORES"));
    }

    [Fact]
    public async Task Bad_arguments_get_redis_errors()
    {
        await using var c = await WithTwoAsync(fixture, "e");
        string a = "ag:e:a", b = "ag:e:b";
        Assert.Equal("-ERR at least 1 input key is needed for 'zunion' command\r\n", await c.CommandAsync("ZUNION", "0", a));
        Assert.Equal("-ERR at least 1 input key is needed for 'zinterstore' command\r\n", await c.CommandAsync("ZINTERSTORE", "d", "-1", a));
        Assert.Equal("-ERR at least 1 input key is needed for 'zintercard' command\r\n", await c.CommandAsync("ZINTERCARD", "0", a));
        Assert.Equal("-ERR value is not an integer or out of range\r\n", await c.CommandAsync("ZUNION", "x", a));
        Assert.Equal(Syntax, await c.CommandAsync("ZUNION", "3", a, b));
        Assert.Equal(Syntax, await c.CommandAsync("ZUNION", "2", a, b, "WEIGHTS", "1"));
        Assert.Equal("-ERR weight value is not a float\r\n", await c.CommandAsync("ZUNION", "2", a, b, "WEIGHTS", "1", "x"));
        Assert.Equal(Syntax, await c.CommandAsync("ZUNION", "2", a, b, "AGGREGATE", "AVG"));
        Assert.Equal(Syntax, await c.CommandAsync("ZUNION", "2", a, b, "AGGREGATE"));
        Assert.Equal(Syntax, await c.CommandAsync("ZDIFF", "2", a, b, "WEIGHTS", "1", "1"));
        Assert.Equal(Syntax, await c.CommandAsync("ZDIFF", "2", a, b, "AGGREGATE", "SUM"));
        Assert.Equal(Syntax, await c.CommandAsync("ZINTERCARD", "2", a, b, "WITHSCORES"));
        Assert.Equal("-ERR LIMIT can't be negative\r\n", await c.CommandAsync("ZINTERCARD", "2", a, b, "LIMIT", "-1"));
        Assert.Equal("-ERR LIMIT can't be negative\r\n", await c.CommandAsync("ZINTERCARD", "2", a, b, "LIMIT", "x"));
        // The inputs are checked for type before the options are parsed, as in Redis.
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "ag:e:str", "v"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            await c.CommandAsync("ZUNION", "2", a, "ag:e:str", "AGGREGATE", "AVG"));
    }

    [Fact]
    public async Task Plain_sets_take_part_with_score_one()
    {
        await using var c = await WithTwoAsync(fixture, "set");
        Assert.Equal(Int(3), await c.CommandAsync("SADD", "ag:set:s", "y", "w", "q"));
        Assert.Equal(Bulks("q", "1", "x", "1", "y", "13", "z", "23", "w", "31"), await c.CommandAsync("ZUNION", "3", "ag:set:a", "ag:set:b", "ag:set:s", "WITHSCORES"));
        Assert.Equal(Bulks("y", "13"), await c.CommandAsync("ZINTER", "3", "ag:set:a", "ag:set:b", "ag:set:s", "WITHSCORES"));
        Assert.Equal(Bulks("z", "20"), await c.CommandAsync("ZDIFF", "2", "ag:set:b", "ag:set:s", "WITHSCORES"));
        Assert.Equal(Int(1), await c.CommandAsync("ZINTERCARD", "3", "ag:set:a", "ag:set:b", "ag:set:s"));
    }
}
