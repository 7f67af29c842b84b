using System.Text;
using Istore.Tests.Infrastructure;
using StackExchange.Redis;

namespace Istore.Tests.Node;

/// <summary>
/// The string family against a real istore-node: replies byte for byte as Redis 7 gives them (RESP2 and,
/// after HELLO 3, RESP3), options, TTL handling and binary safety. Errors and limits are in StringCommandEdgeTests.
/// </summary>
public abstract class StringCommandTests(NodeFixture fixture)
{
    private const string Ok = "+OK\r\n";
    private const string Nil = "$-1\r\n";

    private static string Bulk(string value) => $"${Encoding.UTF8.GetByteCount(value)}\r\n{value}\r\n";

    private static string Int(long value) => $":{value}\r\n";

    private static async Task<long> PttlAsync(RawConnection c, string key) => (await c.ReadValueAfterAsync("PTTL", key)).AsInteger();

    /// <summary>Polls GET until the key reads as missing: false if it is still there after 2 s.</summary>
    private static async Task<bool> ExpiresWithinTwoSecondsAsync(RawConnection c, string key)
    {
        var deadline = DateTime.UtcNow.AddSeconds(2);
        do
        {
            if (await c.CommandAsync("GET", key) == Nil)
                return true;
            await Task.Delay(20);
        } while (DateTime.UtcNow < deadline);
        return false;
    }

    private static async Task<RawConnection> Resp3Async(NodeFixture fixture)
    {
        var c = await fixture.ConnectAsync();
        Assert.Equal(3, (await c.ReadValueAfterAsync("HELLO", "3")).Pairs.Single(p => p.Key.AsString() == "proto").Value.AsInteger());
        return c;
    }

    [Fact]
    public async Task Get_and_set_reply_shapes_in_resp2()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(Nil, await c.CommandAsync("GET", "shape2:missing"));
        Assert.Equal(Ok, await c.CommandAsync("SET", "shape2:k", "hello"));
        Assert.Equal(Bulk("hello"), await c.CommandAsync("GET", "shape2:k"));
        Assert.Equal(Nil, await c.CommandAsync("SET", "shape2:k", "x", "NX"));
        Assert.Equal(Nil, await c.CommandAsync("SET", "shape2:missing", "x", "XX"));
        Assert.Equal(Nil, await c.CommandAsync("SET", "shape2:new", "v", "GET"));
        Assert.Equal(Bulk("v"), await c.CommandAsync("SET", "shape2:new", "w", "GET"));
        Assert.Equal(Nil, await c.CommandAsync("GETDEL", "shape2:missing"));
        Assert.Equal(Nil, await c.CommandAsync("GETEX", "shape2:missing"));
        Assert.Equal(Nil, await c.CommandAsync("GETSET", "shape2:gs", "a"));
        Assert.Equal("*3\r\n$5\r\nhello\r\n$-1\r\n$1\r\nw\r\n", await c.CommandAsync("MGET", "shape2:k", "shape2:missing", "shape2:new"));
        Assert.Equal(Int(1), await c.CommandAsync("MSETNX", "shape2:m1", "a", "shape2:m2", "b"));
        Assert.Equal(Bulk("1.5"), await c.CommandAsync("INCRBYFLOAT", "shape2:f", "1.5"));
    }

    [Fact]
    public async Task Get_and_set_reply_shapes_in_resp3()
    {
        await using var c = await Resp3Async(fixture);
        Assert.Equal("_\r\n", await c.CommandAsync("GET", "shape3:missing"));
        Assert.Equal(Ok, await c.CommandAsync("SET", "shape3:k", "hello"));
        Assert.Equal(Bulk("hello"), await c.CommandAsync("GET", "shape3:k"));
        Assert.Equal("_\r\n", await c.CommandAsync("SET", "shape3:k", "x", "NX"));
        Assert.Equal("_\r\n", await c.CommandAsync("SET", "shape3:missing", "x", "XX"));
        Assert.Equal("_\r\n", await c.CommandAsync("SET", "shape3:new", "v", "NX", "GET"));
        Assert.Equal(Bulk("v"), await c.CommandAsync("SET", "shape3:new", "w", "XX", "GET"));
        Assert.Equal("_\r\n", await c.CommandAsync("GETDEL", "shape3:missing"));
        Assert.Equal("_\r\n", await c.CommandAsync("GETEX", "shape3:missing", "PERSIST"));
        Assert.Equal("_\r\n", await c.CommandAsync("GETSET", "shape3:gs", "a"));
        Assert.Equal("*2\r\n$5\r\nhello\r\n_\r\n", await c.CommandAsync("MGET", "shape3:k", "shape3:missing"));
        Assert.Equal(Int(5), await c.CommandAsync("STRLEN", "shape3:k"));
        // INCRBYFLOAT stays a bulk string in RESP3 (no ',' double), as in Redis 7.
        Assert.Equal(Bulk("1.5"), await c.CommandAsync("INCRBYFLOAT", "shape3:f", "1.5"));
        Assert.Equal(Int(1), await c.CommandAsync("INCR", "shape3:n"));
    }

    [Fact]
    public async Task Set_nx_xx_and_get_combinations()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(Ok, await c.CommandAsync("SET", "setnxxx:k", "a", "nx"));
        Assert.Equal(Nil, await c.CommandAsync("SET", "setnxxx:k", "b", "NX"));
        Assert.Equal(Ok, await c.CommandAsync("SET", "setnxxx:k", "c", "xx"));
        Assert.Equal(Bulk("c"), await c.CommandAsync("SET", "setnxxx:k", "d", "NX", "GET"));
        Assert.Equal(Bulk("c"), await c.CommandAsync("GET", "setnxxx:k"));
        Assert.Equal(Bulk("c"), await c.CommandAsync("SET", "setnxxx:k", "e", "XX", "GET"));
        Assert.Equal(Bulk("e"), await c.CommandAsync("GET", "setnxxx:k"));
        Assert.Equal(Nil, await c.CommandAsync("SET", "setnxxx:none", "x", "XX", "GET"));
        Assert.Equal(Nil, await c.CommandAsync("GET", "setnxxx:none"));
        // Repeating a flag is allowed.
        Assert.Equal(Bulk("e"), await c.CommandAsync("SET", "setnxxx:k", "f", "GET", "GET", "XX", "XX"));
    }

    [Fact]
    public async Task Set_expiry_options_set_the_ttl()
    {
        await using var c = await fixture.ConnectAsync();
        long nowMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.Equal(Ok, await c.CommandAsync("SET", "setexp:ex", "v", "EX", "100"));
        Assert.InRange(await PttlAsync(c, "setexp:ex"), 95_000, 100_000);
        Assert.Equal(Ok, await c.CommandAsync("SET", "setexp:px", "v", "px", "100000"));
        Assert.InRange(await PttlAsync(c, "setexp:px"), 95_000, 100_000);
        Assert.Equal(Ok, await c.CommandAsync("SET", "setexp:exat", "v", "EXAT", ((nowMs / 1000) + 100).ToString()));
        Assert.InRange(await PttlAsync(c, "setexp:exat"), 94_000, 100_000);
        Assert.Equal(Ok, await c.CommandAsync("SET", "setexp:pxat", "v", "PXAT", (nowMs + 100_000).ToString()));
        Assert.InRange(await PttlAsync(c, "setexp:pxat"), 95_000, 100_000);
        // The same option twice: Redis takes the last amount.
        Assert.Equal(Ok, await c.CommandAsync("SET", "setexp:twice", "v", "EX", "10", "EX", "200"));
        Assert.InRange(await PttlAsync(c, "setexp:twice"), 195_000, 200_000);
        // An absolute time already past stores nothing visible.
        Assert.Equal(Ok, await c.CommandAsync("SET", "setexp:past", "v", "PXAT", "1"));
        Assert.Equal(Nil, await c.CommandAsync("GET", "setexp:past"));
        Assert.Equal(Ok, await c.CommandAsync("SET", "setexp:pastsec", "v", "EXAT", "1"));
        Assert.Equal(Int(0), await c.CommandAsync("EXISTS", "setexp:pastsec"));
    }

    [Fact]
    public async Task Set_keepttl_keeps_and_plain_set_clears_the_ttl()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(Ok, await c.CommandAsync("SET", "keepttl:k", "a", "PX", "100000"));
        Assert.Equal(Ok, await c.CommandAsync("SET", "keepttl:k", "b", "KEEPTTL"));
        Assert.InRange(await PttlAsync(c, "keepttl:k"), 95_000, 100_000);
        Assert.Equal(Bulk("b"), await c.CommandAsync("GET", "keepttl:k"));
        Assert.Equal(Ok, await c.CommandAsync("SET", "keepttl:k", "c"));
        Assert.Equal(-1, await PttlAsync(c, "keepttl:k"));
        Assert.Equal(Ok, await c.CommandAsync("SET", "keepttl:new", "v", "KEEPTTL", "KEEPTTL"));
        Assert.Equal(-1, await PttlAsync(c, "keepttl:new"));
    }

    [Fact]
    public async Task Expiring_keys_disappear()
    {
        await using var c = await fixture.ConnectAsync();
        long nowMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.Equal(Ok, await c.CommandAsync("SET", "expire:px", "v", "PX", "100"));
        Assert.Equal(Ok, await c.CommandAsync("SET", "expire:pxat", "v", "PXAT", (nowMs + 100).ToString()));
        Assert.Equal(Ok, await c.CommandAsync("PSETEX", "expire:psetex", "100", "v"));
        Assert.Equal(Ok, await c.CommandAsync("SET", "expire:getex", "v"));
        Assert.Equal(Bulk("v"), await c.CommandAsync("GETEX", "expire:getex", "PX", "100"));
        Assert.True(await ExpiresWithinTwoSecondsAsync(c, "expire:px"));
        Assert.True(await ExpiresWithinTwoSecondsAsync(c, "expire:pxat"));
        Assert.True(await ExpiresWithinTwoSecondsAsync(c, "expire:psetex"));
        Assert.True(await ExpiresWithinTwoSecondsAsync(c, "expire:getex"));
        Assert.Equal(Int(0), await c.CommandAsync("STRLEN", "expire:px"));
        Assert.Equal("*2\r\n$-1\r\n$-1\r\n", await c.CommandAsync("MGET", "expire:px", "expire:getex"));
    }

    [Fact]
    public async Task Client_set_with_expiry_and_get()
    {
        var db = fixture.Db;
        Assert.True(await db.StringSetAsync("clientset:k", "v", TimeSpan.FromMilliseconds(100)));
        Assert.True(await db.StringSetAsync("clientset:long", "w", TimeSpan.FromSeconds(100)));
        Assert.InRange((await db.KeyTimeToLiveAsync("clientset:long"))!.Value.TotalSeconds, 95, 100);
        Assert.False(await db.StringSetAsync("clientset:long", "x", when: When.NotExists));
        Assert.True(await db.StringSetAsync("clientset:long", "y", keepTtl: true));
        Assert.NotNull(await db.KeyTimeToLiveAsync("clientset:long"));
        Assert.Equal("y", await db.StringGetAsync("clientset:long"));
        await using var c = await fixture.ConnectAsync();
        Assert.True(await ExpiresWithinTwoSecondsAsync(c, "clientset:k"));
        Assert.True((await db.StringGetAsync("clientset:k")).IsNull);
    }

    [Fact]
    public async Task Setnx_setex_psetex()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(Int(1), await c.CommandAsync("SETNX", "setnx:k", "a"));
        Assert.Equal(Int(0), await c.CommandAsync("SETNX", "setnx:k", "b"));
        Assert.Equal(Bulk("a"), await c.CommandAsync("GET", "setnx:k"));
        Assert.Equal(Ok, await c.CommandAsync("SETEX", "setnx:ex", "100", "v"));
        Assert.InRange(await PttlAsync(c, "setnx:ex"), 95_000, 100_000);
        Assert.Equal(Bulk("v"), await c.CommandAsync("GET", "setnx:ex"));
        Assert.Equal(Ok, await c.CommandAsync("PSETEX", "setnx:px", "100000", "w"));
        Assert.InRange(await PttlAsync(c, "setnx:px"), 95_000, 100_000);
        // SETEX replaces the value and the TTL; SETNX on an existing key leaves the TTL alone.
        Assert.Equal(Ok, await c.CommandAsync("SETEX", "setnx:px", "200", "x"));
        Assert.InRange(await PttlAsync(c, "setnx:px"), 195_000, 200_000);
        Assert.Equal(Int(0), await c.CommandAsync("SETNX", "setnx:px", "y"));
        Assert.Equal(Bulk("x"), await c.CommandAsync("GET", "setnx:px"));
        Assert.InRange(await PttlAsync(c, "setnx:px"), 195_000, 200_000);
    }

    [Fact]
    public async Task Getset_sets_a_missing_key_and_clears_the_ttl()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(Nil, await c.CommandAsync("GETSET", "getset:k", "a"));
        Assert.Equal(Bulk("a"), await c.CommandAsync("GETSET", "getset:k", "b"));
        Assert.Equal(Bulk("b"), await c.CommandAsync("GET", "getset:k"));
        Assert.Equal(Ok, await c.CommandAsync("SET", "getset:k", "c", "EX", "100"));
        Assert.Equal(Bulk("c"), await c.CommandAsync("GETSET", "getset:k", ""));
        Assert.Equal(-1, await PttlAsync(c, "getset:k"));
        Assert.Equal(Bulk(""), await c.CommandAsync("GET", "getset:k"));
        Assert.Equal("", await fixture.Db.StringGetSetAsync("getset:k", "d"));
        Assert.Equal("d", await fixture.Db.StringGetAsync("getset:k"));
    }

    [Fact]
    public async Task Getdel_returns_and_deletes()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(Ok, await c.CommandAsync("SET", "getdel:k", "v", "EX", "100"));
        Assert.Equal(Bulk("v"), await c.CommandAsync("GETDEL", "getdel:k"));
        Assert.Equal(Int(0), await c.CommandAsync("EXISTS", "getdel:k"));
        Assert.Equal(Nil, await c.CommandAsync("GETDEL", "getdel:k"));
        Assert.Equal(Ok, await c.CommandAsync("SET", "getdel:empty", ""));
        Assert.Equal(Bulk(""), await c.CommandAsync("GETDEL", "getdel:empty"));
        Assert.Equal(Int(0), await c.CommandAsync("EXISTS", "getdel:empty"));
        await fixture.Db.StringSetAsync("getdel:client", "w");
        Assert.Equal("w", await fixture.Db.StringGetDeleteAsync("getdel:client"));
        Assert.True((await fixture.Db.StringGetDeleteAsync("getdel:client")).IsNull);
    }

    [Fact]
    public async Task Getex_sets_and_removes_the_ttl()
    {
        await using var c = await fixture.ConnectAsync();
        long nowMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.Equal(Ok, await c.CommandAsync("SET", "getex:k", "v"));
        Assert.Equal(Bulk("v"), await c.CommandAsync("GETEX", "getex:k"));
        Assert.Equal(-1, await PttlAsync(c, "getex:k"));
        Assert.Equal(Bulk("v"), await c.CommandAsync("GETEX", "getex:k", "EX", "100"));
        Assert.InRange(await PttlAsync(c, "getex:k"), 95_000, 100_000);
        Assert.Equal(Bulk("v"), await c.CommandAsync("GETEX", "getex:k", "PX", "200000"));
        Assert.InRange(await PttlAsync(c, "getex:k"), 195_000, 200_000);
        Assert.Equal(Bulk("v"), await c.CommandAsync("GETEX", "getex:k", "PERSIST"));
        Assert.Equal(-1, await PttlAsync(c, "getex:k"));
        Assert.Equal(Bulk("v"), await c.CommandAsync("GETEX", "getex:k", "EXAT", ((nowMs / 1000) + 300).ToString()));
        Assert.InRange(await PttlAsync(c, "getex:k"), 294_000, 300_000);
        Assert.Equal(Bulk("v"), await c.CommandAsync("GETEX", "getex:k", "PXAT", (nowMs + 400_000).ToString()));
        Assert.InRange(await PttlAsync(c, "getex:k"), 395_000, 400_000);
        // Repeats are allowed as in Redis: PERSIST twice, the same expiry option twice (last wins).
        Assert.Equal(Bulk("v"), await c.CommandAsync("GETEX", "getex:k", "EX", "10", "EX", "500"));
        Assert.InRange(await PttlAsync(c, "getex:k"), 495_000, 500_000);
        Assert.Equal(Bulk("v"), await c.CommandAsync("GETEX", "getex:k", "PERSIST", "PERSIST"));
        Assert.Equal(-1, await PttlAsync(c, "getex:k"));
        // A time already past deletes the key after replying with its value.
        Assert.Equal(Bulk("v"), await c.CommandAsync("GETEX", "getex:k", "EXAT", "1"));
        Assert.Equal(Int(0), await c.CommandAsync("EXISTS", "getex:k"));
    }

    [Fact]
    public async Task Getex_through_the_client()
    {
        var db = fixture.Db;
        await db.StringSetAsync("getexclient:k", "v");
        Assert.Equal("v", await db.StringGetSetExpiryAsync("getexclient:k", TimeSpan.FromSeconds(100)));
        Assert.InRange((await db.KeyTimeToLiveAsync("getexclient:k"))!.Value.TotalSeconds, 95, 100);
        Assert.Equal("v", await db.StringGetSetExpiryAsync("getexclient:k", null));
        Assert.Null(await db.KeyTimeToLiveAsync("getexclient:k"));
        Assert.True((await db.StringGetSetExpiryAsync("getexclient:missing", TimeSpan.FromSeconds(1))).IsNull);
    }

    [Fact]
    public async Task Mget_mset_msetnx()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(Ok, await c.CommandAsync("MSET", "mset:a", "1", "mset:b", "", "mset:a", "3"));
        Assert.Equal("*3\r\n$1\r\n3\r\n$0\r\n\r\n$-1\r\n", await c.CommandAsync("MGET", "mset:a", "mset:b", "mset:c"));
        // MSETNX is all or nothing.
        Assert.Equal(Int(0), await c.CommandAsync("MSETNX", "mset:c", "x", "mset:a", "y"));
        Assert.Equal("*2\r\n$-1\r\n$1\r\n3\r\n", await c.CommandAsync("MGET", "mset:c", "mset:a"));
        Assert.Equal(Int(1), await c.CommandAsync("MSETNX", "mset:c", "x", "mset:d", "y", "mset:d", "z"));
        Assert.Equal("*2\r\n$1\r\nx\r\n$1\r\nz\r\n", await c.CommandAsync("MGET", "mset:c", "mset:d"));
        // MSET clears a TTL like SET.
        Assert.Equal(Ok, await c.CommandAsync("SET", "mset:ttl", "v", "EX", "100"));
        Assert.Equal(Ok, await c.CommandAsync("MSET", "mset:ttl", "w"));
        Assert.Equal(-1, await PttlAsync(c, "mset:ttl"));
    }

    [Fact]
    public async Task Mget_and_msetnx_through_the_client()
    {
        var db = fixture.Db;
        Assert.True(await db.StringSetAsync([new("msetclient:a", "1"), new("msetclient:b", "2")]));
        Assert.False(await db.StringSetAsync([new("msetclient:b", "x"), new("msetclient:c", "3")], When.NotExists));
        var values = await db.StringGetAsync(["msetclient:a", "msetclient:b", "msetclient:c"]);
        Assert.Equal(new string?[] { "1", "2", null }, values.Select(v => (string?)v));
    }

    [Fact]
    public async Task Append_and_strlen()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(Int(0), await c.CommandAsync("STRLEN", "append:k"));
        Assert.Equal(Int(5), await c.CommandAsync("APPEND", "append:k", "hello"));
        Assert.Equal(Int(11), await c.CommandAsync("APPEND", "append:k", " world"));
        Assert.Equal(Int(11), await c.CommandAsync("APPEND", "append:k", ""));
        Assert.Equal(Bulk("hello world"), await c.CommandAsync("GET", "append:k"));
        Assert.Equal(Int(11), await c.CommandAsync("STRLEN", "append:k"));
        // Appending nothing to a missing key still creates it (empty), as Redis does.
        Assert.Equal(Int(0), await c.CommandAsync("APPEND", "append:empty", ""));
        Assert.Equal(Int(1), await c.CommandAsync("EXISTS", "append:empty"));
        Assert.Equal(Bulk(""), await c.CommandAsync("GET", "append:empty"));
        Assert.Equal(14, await fixture.Db.StringAppendAsync("append:k", "!!!"));
        Assert.Equal(14, await fixture.Db.StringLengthAsync("append:k"));
    }

    [Theory]
    [InlineData("0", "3", "This")]
    [InlineData("-3", "-1", "ing")]
    [InlineData("0", "-1", "This is a string")]
    [InlineData("10", "100", "string")]
    [InlineData("100", "200", "")]
    [InlineData("-100", "3", "This")]
    [InlineData("-1", "-5", "")]
    [InlineData("5", "2", "")]
    [InlineData("-100", "-50", "T")]
    [InlineData("0", "-100", "T")]
    [InlineData("3", "-100", "")]
    [InlineData("15", "15", "g")]
    [InlineData("16", "16", "")]
    [InlineData("-9223372036854775808", "9223372036854775807", "This is a string")]
    public async Task Getrange_clamps_indexes_like_redis(string start, string end, string expected)
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(Ok, await c.CommandAsync("SET", "getrange:k", "This is a string"));
        Assert.Equal(Bulk(expected), await c.CommandAsync("GETRANGE", "getrange:k", start, end));
        Assert.Equal(Bulk(expected), await c.CommandAsync("SUBSTR", "getrange:k", start, end));
    }

    [Fact]
    public async Task Getrange_of_missing_and_empty_strings()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(Bulk(""), await c.CommandAsync("GETRANGE", "getrange2:missing", "0", "-1"));
        Assert.Equal(Ok, await c.CommandAsync("SET", "getrange2:empty", ""));
        Assert.Equal(Bulk(""), await c.CommandAsync("GETRANGE", "getrange2:empty", "0", "-1"));
        Assert.Equal(Bulk(""), await c.CommandAsync("GETRANGE", "getrange2:empty", "-1", "-1"));
        await fixture.Db.StringSetAsync("getrange2:client", "Hello World");
        Assert.Equal("World", await fixture.Db.StringGetRangeAsync("getrange2:client", 6, -1));
        Assert.Equal("Hello", await fixture.Db.StringGetRangeAsync("getrange2:client", -100, 4));
    }

    [Fact]
    public async Task Setrange_overwrites_and_zero_pads()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(Int(5), await c.CommandAsync("SETRANGE", "setrange:k", "3", "ab"));
        Assert.Equal("$5\r\n\0\0\0ab\r\n", await c.CommandAsync("GET", "setrange:k"));
        Assert.Equal(Int(5), await c.CommandAsync("SETRANGE", "setrange:k", "0", "XY"));
        Assert.Equal("$5\r\nXY\0ab\r\n", await c.CommandAsync("GET", "setrange:k"));
        Assert.Equal(Int(7), await c.CommandAsync("SETRANGE", "setrange:k", "4", "123"));
        Assert.Equal("$7\r\nXY\0a123\r\n", await c.CommandAsync("GET", "setrange:k"));
        // An empty patch changes nothing and creates nothing, whatever the offset.
        Assert.Equal(Int(7), await c.CommandAsync("SETRANGE", "setrange:k", "100", ""));
        Assert.Equal(Int(0), await c.CommandAsync("SETRANGE", "setrange:missing", "100", ""));
        Assert.Equal(Int(0), await c.CommandAsync("EXISTS", "setrange:missing"));
        await fixture.Db.StringSetAsync("setrange:client", "Hello World");
        Assert.Equal(11, (long)await fixture.Db.StringSetRangeAsync("setrange:client", 6, "Redis"));
        Assert.Equal("Hello Redis", await fixture.Db.StringGetAsync("setrange:client"));
    }

    [Fact]
    public async Task Updates_in_place_keep_the_ttl()
    {
        await using var c = await fixture.ConnectAsync();
        foreach (var (command, args) in new[]
        {
            ("APPEND", new[] { "x" }),
            ("SETRANGE", ["0", "9"]),
            ("INCR", []),
            ("DECR", []),
            ("INCRBY", ["5"]),
            ("DECRBY", ["2"]),
            ("INCRBYFLOAT", ["1.5"]),
        })
        {
            string key = "keepttl-update:" + command;
            Assert.Equal(Ok, await c.CommandAsync("SET", key, "1", "PX", "100000"));
            var reply = await c.CommandAsync([command, key, .. args]);
            Assert.False(reply.StartsWith('-'), $"{command}: {reply}");
            Assert.InRange(await PttlAsync(c, key), 95_000, 100_000);
        }
    }

    [Fact]
    public async Task Counters_count()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(Int(1), await c.CommandAsync("INCR", "counters:k"));
        Assert.Equal(Int(2), await c.CommandAsync("INCR", "counters:k"));
        Assert.Equal(Int(1), await c.CommandAsync("DECR", "counters:k"));
        Assert.Equal(Int(-1), await c.CommandAsync("DECR", "counters:missing"));
        Assert.Equal(Int(11), await c.CommandAsync("INCRBY", "counters:k", "10"));
        Assert.Equal(Int(-9), await c.CommandAsync("DECRBY", "counters:k", "20"));
        Assert.Equal(Int(-4), await c.CommandAsync("INCRBY", "counters:k", "5"));
        Assert.Equal(Int(1), await c.CommandAsync("DECRBY", "counters:k", "-5"));
        Assert.Equal(Bulk("1"), await c.CommandAsync("GET", "counters:k"));
        // A value SET as text counts too.
        Assert.Equal(Ok, await c.CommandAsync("SET", "counters:text", "-9223372036854775807"));
        Assert.Equal(Int(-9223372036854775808), await c.CommandAsync("DECR", "counters:text"));
        var db = fixture.Db;
        Assert.Equal(100, await db.StringIncrementAsync("counters:client", 100));
        Assert.Equal(97, await db.StringDecrementAsync("counters:client", 3));
        Assert.Equal(98.5, await db.StringIncrementAsync("counters:client", 1.5));
        Assert.Equal("98.5", await db.StringGetAsync("counters:client"));
    }

    [Fact]
    public async Task Values_and_keys_are_binary_safe()
    {
        var all = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var db = fixture.Db;
        Assert.True(await db.StringSetAsync("binary:all", all));
        Assert.Equal(all, (byte[]?)await db.StringGetAsync("binary:all"));
        Assert.Equal(256, await db.StringLengthAsync("binary:all"));
        Assert.Equal(all[250..], (byte[]?)await db.StringGetRangeAsync("binary:all", 250, -1));
        Assert.Equal(259, await db.StringAppendAsync("binary:all", new byte[] { 13, 10, 0 }));
        byte[] appended = [.. all, 13, 10, 0];
        Assert.Equal(appended, (byte[]?)await db.StringGetAsync("binary:all"));

        // Exact frames: the length prefix counts bytes, and \r\n inside a value is just data.
        await using var c = await fixture.ConnectAsync();
        await c.SendAsync(RespEncoding.Command("GET"u8.ToArray(), "binary:all"u8.ToArray()));
        byte[] frame = [.. "$259\r\n"u8, .. appended, .. "\r\n"u8];
        Assert.Equal(frame, await c.ReadFrameBytesAsync());
        await c.SendAsync(RespEncoding.Command("SET"u8.ToArray(), "binary:\r\n\0key"u8.ToArray(), "a\r\nb\r\n"u8.ToArray()));
        Assert.Equal(Ok, await c.ReadFrameAsync());
        Assert.Equal("$6\r\na\r\nb\r\n\r\n", await c.CommandAsync("GET", "binary:\r\n\0key"));
        Assert.Equal("*2\r\n$6\r\na\r\nb\r\n\r\n$-1\r\n", await c.CommandAsync("MGET", "binary:\r\n\0key", "binary:\r\n"));
        Assert.Equal(Int(6), await c.CommandAsync("SETRANGE", "binary:\r\n\0key", "1", "\r\n\0"));
        Assert.Equal("$3\r\n\r\n\0\r\n", await c.CommandAsync("GETRANGE", "binary:\r\n\0key", "1", "3"));
    }

    [Fact]
    public async Task Empty_keys_and_values()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(Ok, await c.CommandAsync("SET", "", ""));
        Assert.Equal(Bulk(""), await c.CommandAsync("GET", ""));
        Assert.Equal(Int(0), await c.CommandAsync("STRLEN", ""));
        Assert.Equal(Ok, await c.CommandAsync("SET", "empty:k", ""));
        Assert.Equal(Int(1), await c.CommandAsync("EXISTS", "empty:k"));
        Assert.Equal(Bulk(""), await c.CommandAsync("GETSET", "empty:k", "x"));
        Assert.Equal(Int(0), await c.CommandAsync("SETNX", "empty:k", ""));
        Assert.Equal(Bulk(""), await c.CommandAsync("GETRANGE", "empty:k", "1", "0"));
    }

}
