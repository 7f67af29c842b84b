using System.Text;
using Istore.Tests.Infrastructure;
using Istore.Tests.Net;

namespace Istore.Tests.Node;

/// <summary>
/// The list family against a real istore-node: reply shapes in RESP2 and RESP3, ranges and
/// negative indexes, Redis's error strings, WRONGTYPE, emptied lists losing their key, and a
/// script of commands replayed on a real redis-server whose replies must match byte for byte.
/// Blocking commands are in ListBlockingTests, persistence in ListDurabilityTests. Run on either engine.
/// </summary>
public abstract class ListCommandTests(NodeFixture fixture, RedisServerFixture redis)
{
    private const string Nil = "$-1\r\n";
    private const string NilArray = "*-1\r\n";
    private const string Empty = "*0\r\n";
    private const string WrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

    private static string Int(long value) => $":{value}\r\n";

    private static string Bulk(string value) => $"${Encoding.UTF8.GetByteCount(value)}\r\n{value}\r\n";

    private static string Array(params string[] items) => $"*{items.Length}\r\n" + string.Concat(items.Select(Bulk));

    private static async Task<RawConnection> Resp3Async(int port)
    {
        var c = await RawConnection.ConnectAsync(port);
        await c.ReadValueAfterAsync("HELLO", "3");
        return c;
    }

    [Fact]
    public async Task Push_pop_and_length_reply_shapes_in_resp2()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(Int(3), await c.CommandAsync("RPUSH", "pp2:l", "a", "b", "c"));
        Assert.Equal(Int(5), await c.CommandAsync("LPUSH", "pp2:l", "y", "z"));
        Assert.Equal(Array("z", "y", "a", "b", "c"), await c.CommandAsync("LRANGE", "pp2:l", "0", "-1"));
        Assert.Equal(Int(5), await c.CommandAsync("LLEN", "pp2:l"));
        Assert.Equal(Bulk("z"), await c.CommandAsync("LPOP", "pp2:l"));
        Assert.Equal(Bulk("c"), await c.CommandAsync("RPOP", "pp2:l"));
        Assert.Equal(Array("y", "a"), await c.CommandAsync("LPOP", "pp2:l", "2"));
        Assert.Equal(Empty, await c.CommandAsync("RPOP", "pp2:l", "0"));
        Assert.Equal(Array("b"), await c.CommandAsync("RPOP", "pp2:l", "10"));
        // The last pop removed the key.
        Assert.Equal(Int(0), await c.CommandAsync("EXISTS", "pp2:l"));
        Assert.Equal(Nil, await c.CommandAsync("LPOP", "pp2:l"));
        Assert.Equal(NilArray, await c.CommandAsync("LPOP", "pp2:l", "1"));
        Assert.Equal(NilArray, await c.CommandAsync("RPOP", "pp2:l", "0"));
        Assert.Equal(Int(0), await c.CommandAsync("LLEN", "pp2:l"));
        Assert.Equal(Int(0), await c.CommandAsync("LPUSHX", "pp2:l", "a"));
        Assert.Equal(Int(0), await c.CommandAsync("RPUSHX", "pp2:l", "a"));
        Assert.Equal(Int(0), await c.CommandAsync("EXISTS", "pp2:l"));
        Assert.Equal(Int(1), await c.CommandAsync("RPUSH", "pp2:l", "m"));
        Assert.Equal(Int(3), await c.CommandAsync("LPUSHX", "pp2:l", "l", "k"));
        Assert.Equal(Int(4), await c.CommandAsync("RPUSHX", "pp2:l", "n"));
        Assert.Equal(Array("k", "l", "m", "n"), await c.CommandAsync("LRANGE", "pp2:l", "0", "-1"));
        Assert.Equal("+list\r\n", await c.CommandAsync("TYPE", "pp2:l"));
    }

    [Fact]
    public async Task Nulls_are_resp3_nulls_and_arrays_stay_arrays()
    {
        await using var c = await Resp3Async(fixture.Node.Port);
        Assert.Equal("_\r\n", await c.CommandAsync("LPOP", "pp3:missing"));
        Assert.Equal("_\r\n", await c.CommandAsync("RPOP", "pp3:missing", "2"));
        Assert.Equal("_\r\n", await c.CommandAsync("LINDEX", "pp3:missing", "0"));
        Assert.Equal("_\r\n", await c.CommandAsync("LPOS", "pp3:missing", "a"));
        Assert.Equal("_\r\n", await c.CommandAsync("LMOVE", "pp3:missing", "pp3:d", "LEFT", "LEFT"));
        Assert.Equal("_\r\n", await c.CommandAsync("LMPOP", "1", "pp3:missing", "LEFT"));
        Assert.Equal(Empty, await c.CommandAsync("LRANGE", "pp3:missing", "0", "-1"));
        Assert.Equal(Int(2), await c.CommandAsync("RPUSH", "pp3:l", "a", "b"));
        Assert.Equal(Array("a", "b"), await c.CommandAsync("LRANGE", "pp3:l", "0", "-1"));
        Assert.Equal(Array("a"), await c.CommandAsync("LPOP", "pp3:l", "1"));
        Assert.Equal("*2\r\n$5\r\npp3:l\r\n*1\r\n$1\r\nb\r\n", await c.CommandAsync("LMPOP", "1", "pp3:l", "RIGHT", "COUNT", "5"));
        Assert.Equal("_\r\n", await c.CommandAsync("LPOS", "pp3:l", "a"));
    }

    [Fact]
    public async Task Index_set_insert_and_ranges()
    {
        await using var c = await fixture.ConnectAsync();
        await c.CommandAsync("RPUSH", "idx:l", "a", "b", "c", "d");
        Assert.Equal(Bulk("a"), await c.CommandAsync("LINDEX", "idx:l", "0"));
        Assert.Equal(Bulk("d"), await c.CommandAsync("LINDEX", "idx:l", "-1"));
        Assert.Equal(Bulk("a"), await c.CommandAsync("LINDEX", "idx:l", "-4"));
        Assert.Equal(Nil, await c.CommandAsync("LINDEX", "idx:l", "-5"));
        Assert.Equal(Nil, await c.CommandAsync("LINDEX", "idx:l", "4"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("LSET", "idx:l", "-2", "C"));
        Assert.Equal("-ERR index out of range\r\n", await c.CommandAsync("LSET", "idx:l", "4", "x"));
        Assert.Equal("-ERR no such key\r\n", await c.CommandAsync("LSET", "idx:missing", "0", "x"));
        Assert.Equal(Int(5), await c.CommandAsync("LINSERT", "idx:l", "BEFORE", "a", "first"));
        Assert.Equal(Int(6), await c.CommandAsync("LINSERT", "idx:l", "after", "d", "last"));
        Assert.Equal(Int(7), await c.CommandAsync("LINSERT", "idx:l", "AFTER", "b", "b2"));
        Assert.Equal(Int(-1), await c.CommandAsync("LINSERT", "idx:l", "BEFORE", "nothere", "x"));
        Assert.Equal(Int(0), await c.CommandAsync("LINSERT", "idx:missing", "BEFORE", "a", "x"));
        Assert.Equal("-ERR syntax error\r\n", await c.CommandAsync("LINSERT", "idx:l", "MIDDLE", "a", "x"));
        Assert.Equal(Array("first", "a", "b", "b2", "C", "d", "last"), await c.CommandAsync("LRANGE", "idx:l", "0", "-1"));
        Assert.Equal(Array("b2", "C"), await c.CommandAsync("LRANGE", "idx:l", "-4", "-3"));
        Assert.Equal(Array("first", "a"), await c.CommandAsync("LRANGE", "idx:l", "-100", "1"));
        Assert.Equal(Array("d", "last"), await c.CommandAsync("LRANGE", "idx:l", "5", "100"));
        Assert.Equal(Empty, await c.CommandAsync("LRANGE", "idx:l", "3", "2"));
        Assert.Equal(Empty, await c.CommandAsync("LRANGE", "idx:l", "7", "10"));
        Assert.Equal(Empty, await c.CommandAsync("LRANGE", "idx:l", "0", "-8"));
    }

    [Fact]
    public async Task Trim_and_remove_delete_the_key_when_nothing_is_left()
    {
        await using var c = await fixture.ConnectAsync();
        await c.CommandAsync("RPUSH", "trim:l", "a", "b", "c", "d", "e");
        Assert.Equal("+OK\r\n", await c.CommandAsync("LTRIM", "trim:l", "1", "-2"));
        Assert.Equal(Array("b", "c", "d"), await c.CommandAsync("LRANGE", "trim:l", "0", "-1"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("LTRIM", "trim:l", "-100", "100"));
        Assert.Equal(Int(3), await c.CommandAsync("LLEN", "trim:l"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("LTRIM", "trim:l", "2", "1"));
        Assert.Equal(Int(0), await c.CommandAsync("EXISTS", "trim:l"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("LTRIM", "trim:missing", "0", "1"));

        await c.CommandAsync("RPUSH", "rem:l", "x", "a", "x", "b", "x", "c", "x");
        Assert.Equal(Int(2), await c.CommandAsync("LREM", "rem:l", "2", "x"));
        Assert.Equal(Array("a", "b", "x", "c", "x"), await c.CommandAsync("LRANGE", "rem:l", "0", "-1"));
        Assert.Equal(Int(1), await c.CommandAsync("LREM", "rem:l", "-1", "x"));
        Assert.Equal(Array("a", "b", "x", "c"), await c.CommandAsync("LRANGE", "rem:l", "0", "-1"));
        Assert.Equal(Int(0), await c.CommandAsync("LREM", "rem:l", "0", "nothere"));
        Assert.Equal(Int(0), await c.CommandAsync("LREM", "rem:missing", "0", "x"));
        await c.CommandAsync("RPUSH", "rem:all", "x", "x", "x");
        Assert.Equal(Int(3), await c.CommandAsync("LREM", "rem:all", "-9223372036854775808", "x"));
        Assert.Equal(Int(0), await c.CommandAsync("EXISTS", "rem:all"));
    }

    [Fact]
    public async Task Lpos_rank_count_and_maxlen()
    {
        await using var c = await fixture.ConnectAsync();
        await c.CommandAsync("RPUSH", "pos:l", "a", "b", "c", "1", "2", "3", "c", "c");
        Assert.Equal(Int(2), await c.CommandAsync("LPOS", "pos:l", "c"));
        Assert.Equal(Int(6), await c.CommandAsync("LPOS", "pos:l", "c", "RANK", "2"));
        Assert.Equal(Int(7), await c.CommandAsync("LPOS", "pos:l", "c", "RANK", "-1"));
        Assert.Equal(Nil, await c.CommandAsync("LPOS", "pos:l", "c", "RANK", "4"));
        Assert.Equal("*2\r\n:2\r\n:6\r\n", await c.CommandAsync("LPOS", "pos:l", "c", "COUNT", "2"));
        Assert.Equal("*3\r\n:2\r\n:6\r\n:7\r\n", await c.CommandAsync("LPOS", "pos:l", "c", "COUNT", "0"));
        Assert.Equal("*2\r\n:7\r\n:6\r\n", await c.CommandAsync("LPOS", "pos:l", "c", "RANK", "-1", "COUNT", "2"));
        Assert.Equal("*1\r\n:2\r\n", await c.CommandAsync("LPOS", "pos:l", "c", "COUNT", "0", "MAXLEN", "6"));
        Assert.Equal(Nil, await c.CommandAsync("LPOS", "pos:l", "c", "MAXLEN", "2"));
        Assert.Equal(Empty, await c.CommandAsync("LPOS", "pos:l", "zz", "COUNT", "0"));
        Assert.Equal(Empty, await c.CommandAsync("LPOS", "pos:missing", "a", "COUNT", "1"));
        Assert.Equal("-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n",
            await c.CommandAsync("LPOS", "pos:l", "c", "RANK", "0"));
        Assert.Equal("-ERR COUNT can't be negative\r\n", await c.CommandAsync("LPOS", "pos:l", "c", "COUNT", "-1"));
        Assert.Equal("-ERR MAXLEN can't be negative\r\n", await c.CommandAsync("LPOS", "pos:l", "c", "MAXLEN", "-1"));
        Assert.Equal("-ERR syntax error\r\n", await c.CommandAsync("LPOS", "pos:l", "c", "RANK"));
        Assert.Equal("-ERR syntax error\r\n", await c.CommandAsync("LPOS", "pos:l", "c", "FOO", "1"));
        // Redis 7.2 refuses the one rank whose magnitude does not fit.
        Assert.StartsWith("-ERR value is out of range", await c.CommandAsync("LPOS", "pos:l", "c", "RANK", "-9223372036854775808"));
    }

    [Fact]
    public async Task Lmove_rpoplpush_and_lmpop()
    {
        await using var c = await fixture.ConnectAsync();
        await c.CommandAsync("RPUSH", "mv:src", "a", "b", "c");
        Assert.Equal(Bulk("c"), await c.CommandAsync("RPOPLPUSH", "mv:src", "mv:dst"));
        Assert.Equal(Bulk("a"), await c.CommandAsync("LMOVE", "mv:src", "mv:dst", "LEFT", "RIGHT"));
        Assert.Equal(Array("c", "a"), await c.CommandAsync("LRANGE", "mv:dst", "0", "-1"));
        Assert.Equal(Bulk("b"), await c.CommandAsync("LMOVE", "mv:src", "mv:dst", "right", "left"));
        Assert.Equal(Int(0), await c.CommandAsync("EXISTS", "mv:src"));
        Assert.Equal(Nil, await c.CommandAsync("LMOVE", "mv:src", "mv:dst", "LEFT", "LEFT"));
        // The same key rotates.
        Assert.Equal(Bulk("b"), await c.CommandAsync("LMOVE", "mv:dst", "mv:dst", "LEFT", "RIGHT"));
        Assert.Equal(Array("c", "a", "b"), await c.CommandAsync("LRANGE", "mv:dst", "0", "-1"));
        Assert.Equal(Int(1), await c.CommandAsync("RPUSH", "mv:one", "x"));
        Assert.Equal(Bulk("x"), await c.CommandAsync("RPOPLPUSH", "mv:one", "mv:one"));
        Assert.Equal(Array("x"), await c.CommandAsync("LRANGE", "mv:one", "0", "-1"));
        Assert.Equal("-ERR syntax error\r\n", await c.CommandAsync("LMOVE", "mv:dst", "mv:x", "UP", "LEFT"));

        await c.CommandAsync("RPUSH", "mp:b", "1", "2", "3");
        Assert.Equal("*2\r\n$4\r\nmp:b\r\n*2\r\n$1\r\n3\r\n$1\r\n2\r\n", await c.CommandAsync("LMPOP", "2", "mp:a", "mp:b", "RIGHT", "COUNT", "2"));
        Assert.Equal("*2\r\n$4\r\nmp:b\r\n*1\r\n$1\r\n1\r\n", await c.CommandAsync("LMPOP", "2", "mp:a", "mp:b", "LEFT", "COUNT", "10"));
        Assert.Equal(NilArray, await c.CommandAsync("LMPOP", "2", "mp:a", "mp:b", "LEFT"));
    }

    [Fact]
    public async Task Wrong_type_and_bad_arguments_get_redis_errors()
    {
        await using var c = await fixture.ConnectAsync();
        await c.CommandAsync("SET", "bad:s", "x");
        await c.CommandAsync("RPUSH", "bad:l", "a");
        foreach (var command in new[]
        {
            new[] { "LPUSH", "bad:s", "a" }, ["RPUSHX", "bad:s", "a"], ["LPOP", "bad:s"], ["RPOP", "bad:s", "0"], ["LLEN", "bad:s"],
            ["LINDEX", "bad:s", "0"], ["LSET", "bad:s", "0", "x"], ["LINSERT", "bad:s", "BEFORE", "a", "b"], ["LRANGE", "bad:s", "0", "1"],
            ["LREM", "bad:s", "0", "a"], ["LTRIM", "bad:s", "0", "1"], ["LPOS", "bad:s", "a"], ["LMOVE", "bad:s", "bad:l", "LEFT", "LEFT"],
            ["LMOVE", "bad:l", "bad:s", "LEFT", "LEFT"], ["RPOPLPUSH", "bad:l", "bad:s"], ["LMPOP", "2", "bad:missing", "bad:s", "LEFT"],
            ["BLPOP", "bad:missing", "bad:s", "0"], ["BLMOVE", "bad:l", "bad:s", "LEFT", "LEFT", "0"],
        })
            Assert.Equal(WrongType, await c.CommandAsync(command));
        // Nothing moved when the destination had the wrong type.
        Assert.Equal(Array("a"), await c.CommandAsync("LRANGE", "bad:l", "0", "-1"));

        Assert.Equal("-ERR value is out of range, must be positive\r\n", await c.CommandAsync("LPOP", "bad:l", "-1"));
        Assert.Equal("-ERR value is out of range, must be positive\r\n", await c.CommandAsync("RPOP", "bad:l", "x"));
        Assert.Equal("-ERR wrong number of arguments for 'lpop' command\r\n", await c.CommandAsync("LPOP", "bad:l", "1", "2"));
        Assert.Equal("-ERR wrong number of arguments for 'hset' command\r\n", await c.CommandAsync("HSET", "bad:l", "f"));
        Assert.Equal("-ERR value is not an integer or out of range\r\n", await c.CommandAsync("LINDEX", "bad:l", "x"));
        Assert.Equal("-ERR value is not an integer or out of range\r\n", await c.CommandAsync("LRANGE", "bad:l", "0", "99999999999999999999"));
        Assert.Equal("-ERR value is not an integer or out of range\r\n", await c.CommandAsync("LREM", "bad:l", "1.5", "a"));
        Assert.Equal("-ERR numkeys should be greater than 0\r\n", await c.CommandAsync("LMPOP", "0", "bad:l", "LEFT"));
        Assert.Equal("-ERR numkeys should be greater than 0\r\n", await c.CommandAsync("LMPOP", "x", "bad:l", "LEFT"));
        Assert.Equal("-ERR syntax error\r\n", await c.CommandAsync("LMPOP", "3", "bad:l", "LEFT"));
        Assert.Equal("-ERR syntax error\r\n", await c.CommandAsync("LMPOP", "9223372036854775807", "bad:l", "LEFT"));
        Assert.Equal("-ERR syntax error\r\n", await c.CommandAsync("BLMPOP", "0", "9223372036854775807", "bad:l", "LEFT"));
        Assert.Equal("-ERR syntax error\r\n", await c.CommandAsync("LMPOP", "1", "bad:l", "UP"));
        Assert.Equal("-ERR count should be greater than 0\r\n", await c.CommandAsync("LMPOP", "1", "bad:l", "LEFT", "COUNT", "0"));
        Assert.Equal("-ERR syntax error\r\n", await c.CommandAsync("LMPOP", "1", "bad:l", "LEFT", "COUNT", "1", "COUNT", "2"));
        Assert.Equal("-ERR syntax error\r\n", await c.CommandAsync("LMPOP", "1", "bad:l", "LEFT", "COUNT"));
        Assert.Equal(Array("a"), await c.CommandAsync("LRANGE", "bad:l", "0", "-1"));
    }

    [Fact]
    public async Task Large_lists_keep_order_through_both_ends_and_the_middle()
    {
        await using var c = await fixture.ConnectAsync();
        var expected = new LinkedList<string>();
        for (int i = 0; i < 300; i++)
        {
            await c.SendCommandAsync(i % 2 == 0 ? "RPUSH" : "LPUSH", "big:l", $"e{i}");
            if (i % 2 == 0) expected.AddLast($"e{i}");
            else expected.AddFirst($"e{i}");
        }
        for (int i = 0; i < 300; i++)
            await c.ReadFrameAsync();
        Assert.Equal(Array([.. expected]), await c.CommandAsync("LRANGE", "big:l", "0", "-1"));
        for (int i = 0; i < 250; i++)
            await c.CommandAsync(i % 3 == 0 ? "RPOP" : "LPOP", "big:l");
        var rest = expected.ToList();
        int head = 0, tail = rest.Count;
        for (int i = 0; i < 250; i++)
        {
            if (i % 3 == 0) tail--;
            else head++;
        }
        Assert.Equal(Array([.. rest[head..tail]]), await c.CommandAsync("LRANGE", "big:l", "0", "-1"));
    }

    /// <summary>Commands whose replies must equal redis-server's byte for byte (ranges, options, errors, shapes).</summary>
    private static readonly string[][] OracleScript =
    [
        ["RPUSH", "o:l", "a", "b", "c", "a", "b", "a", "c"], ["LPUSH", "o:l", "z"], ["LRANGE", "o:l", "0", "-1"],
        ["LRANGE", "o:l", "-3", "-1"], ["LRANGE", "o:l", "-100", "-50"], ["LRANGE", "o:l", "2", "1"], ["LRANGE", "o:l", "5", "1000"],
        ["LINDEX", "o:l", "-8"], ["LINDEX", "o:l", "-9"], ["LINDEX", "o:l", "x"], ["LINDEX", "o:missing", "x"],
        ["LPOS", "o:l", "a", "RANK", "-2", "COUNT", "0"], ["LPOS", "o:l", "a", "RANK", "2", "MAXLEN", "4"], ["LPOS", "o:l", "a", "COUNT", "1", "MAXLEN", "1"],
        ["LPOS", "o:l", "b", "COUNT", "5", "RANK", "-1", "MAXLEN", "3"], ["LPOS", "o:l", "q", "COUNT", "0"], ["LPOS", "o:l", "a", "RANK", "x"],
        ["LPOP", "o:l", "0"], ["LPOP", "o:missing", "0"], ["LPOP", "o:l", "2"], ["RPOP", "o:l"], ["LPOP", "o:l", "-3"],
        ["LINSERT", "o:l", "AFTER", "a", "n"], ["LINSERT", "o:l", "before", "b", "n"], ["LINSERT", "o:l", "x", "b", "n"],
        ["LREM", "o:l", "-1", "n"], ["LREM", "o:l", "0", "a"], ["LRANGE", "o:l", "0", "-1"], ["LSET", "o:l", "-1", "last"], ["LSET", "o:l", "x", "v"],
        ["LTRIM", "o:l", "-2", "-1"], ["LRANGE", "o:l", "0", "-1"], ["LMOVE", "o:l", "o:m", "LEFT", "RIGHT"], ["RPOPLPUSH", "o:l", "o:m"],
        ["EXISTS", "o:l"], ["LMOVE", "o:l", "o:m", "LEFT", "RIGHT"], ["LRANGE", "o:m", "0", "-1"],
        ["LMPOP", "2", "o:l", "o:m", "LEFT", "COUNT", "1"], ["LMPOP", "1", "o:m", "RIGHT", "count", "9"], ["LMPOP", "1", "o:m", "RIGHT"],
        ["LMPOP", "-1", "o:m", "LEFT"], ["LMPOP", "1", "o:m", "LEFT", "COUNT", "-1"], ["LMPOP", "1", "o:m", "LEFT", "NOPE"],
        ["SET", "o:s", "v"], ["LPUSHX", "o:s", "a"], ["LMPOP", "1", "o:s", "LEFT"], ["LPOS", "o:s", "a"],
        ["BLPOP", "o:missing", "x"], ["BLPOP", "o:missing", "-1"], ["BLMPOP", "1", "0", "o:missing", "LEFT"],
        ["BLMOVE", "o:missing", "o:m", "UP", "LEFT", "1"], ["BLMPOP", "1", "1", "o:missing", "LEFT", "COUNT", "0"],
        ["RPUSH", "o:b", "1", "2"], ["BLPOP", "o:missing", "o:b", "0"], ["BRPOP", "o:b", "1"], ["BLMPOP", "1", "1", "o:b", "LEFT"],
        ["RPUSH", "o:b", "3"], ["BRPOPLPUSH", "o:b", "o:c", "0"], ["BLMOVE", "o:c", "o:b", "RIGHT", "LEFT", "0"], ["LRANGE", "o:b", "0", "-1"],
        ["BLPOP", "o:missing", "0.01"], ["BRPOPLPUSH", "o:missing", "o:b", "0.01"], ["BLMOVE", "o:missing", "o:b", "LEFT", "RIGHT", "0.01"], ["BLMPOP", "0.01", "2", "o:missing", "o:none", "RIGHT"],
    ];

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Replies_match_redis_server(int protocol)
    {
        await using var node = protocol == 3 ? await Resp3Async(fixture.Node.Port) : await fixture.ConnectAsync();
        await using var reference = protocol == 3 ? await Resp3Async(redis.Port) : await RawConnection.ConnectAsync(redis.Port);
        string prefix = $"p{protocol}:";
        foreach (var command in OracleScript)
        {
            var args = command.Select(a => a.StartsWith("o:") ? prefix + a : a).ToArray();
            Assert.Equal((string.Join(' ', args), await reference.CommandAsync(args)), (string.Join(' ', args), await node.CommandAsync(args)));
        }
    }
}
