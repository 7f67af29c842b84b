using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node;

/// <summary>
/// The string family's errors and limits, each with Redis 7's exact reply: arity, syntax, bad numbers,
/// overflow, expire times, SETRANGE's size limit, INCRBYFLOAT's long-double arithmetic and text, and LCS.
/// </summary>
public abstract class StringCommandEdgeTests(NodeFixture fixture)
{
    private const string Ok = "+OK\r\n";
    private const string Nil = "$-1\r\n";
    private const string NotInteger = "-ERR value is not an integer or out of range\r\n";
    private const string NotFloat = "-ERR value is not a valid float\r\n";
    private const string Syntax = "-ERR syntax error\r\n";
    private const string Overflow = "-ERR increment or decrement would overflow\r\n";
    private const string TooLarge = "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n";

    private static string Bulk(string value) => $"${value.Length}\r\n{value}\r\n";

    private static string Int(long value) => $":{value}\r\n";

    private static string InvalidExpire(string command) => $"-ERR invalid expire time in '{command}' command\r\n";

    [Theory]
    [InlineData("GET")]
    [InlineData("GET k k")]
    [InlineData("SET")]
    [InlineData("set k")]
    [InlineData("SETNX k")]
    [InlineData("SETNX k v v")]
    [InlineData("SETEX k 10")]
    [InlineData("PSETEX k 10")]
    [InlineData("GETSET k")]
    [InlineData("GETDEL")]
    [InlineData("GETDEL k k")]
    [InlineData("GETEX")]
    [InlineData("MGET")]
    [InlineData("MSET")]
    [InlineData("MSET k")]
    [InlineData("MSET k v k2")]
    [InlineData("MSETNX k")]
    [InlineData("MSETNX k v k2")]
    [InlineData("APPEND k")]
    [InlineData("STRLEN")]
    [InlineData("STRLEN k k")]
    [InlineData("GETRANGE k 0")]
    [InlineData("SUBSTR k 0")]
    [InlineData("SETRANGE k 0")]
    [InlineData("INCR")]
    [InlineData("INCR k k")]
    [InlineData("DECR")]
    [InlineData("INCRBY k")]
    [InlineData("DECRBY k")]
    [InlineData("INCRBY k 1 2")]
    [InlineData("INCRBYFLOAT k")]
    [InlineData("LCS k")]
    public async Task Wrong_arity_is_rejected_with_the_lower_case_name(string command)
    {
        await using var c = await fixture.ConnectAsync();
        var args = command.Split(' ').Select(a => a == "k" ? "arity:k" : a).ToArray();
        Assert.Equal($"-ERR wrong number of arguments for '{args[0].ToLowerInvariant()}' command\r\n", await c.CommandAsync(args));
        Assert.Equal(Int(0), await c.CommandAsync("EXISTS", "arity:k"));
    }

    [Theory]
    [InlineData("NX XX")]
    [InlineData("XX NX")]
    [InlineData("NX GET XX")]
    [InlineData("EX 10 PX 10000")]
    [InlineData("PX 10000 EXAT 10")]
    [InlineData("EXAT 10 PXAT 10")]
    [InlineData("EX 10 KEEPTTL")]
    [InlineData("KEEPTTL PX 100")]
    [InlineData("EX")]
    [InlineData("NX EX")]
    [InlineData("PERSIST")]
    [InlineData("FOO")]
    [InlineData("EX 10 10")]
    [InlineData("EX abc NX XX")]   // Redis parses every option before the amount: syntax wins
    public async Task Set_option_syntax_errors(string options)
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(Ok, await c.CommandAsync("SET", "setsyntax:k", "old"));
        Assert.Equal(Syntax, await c.CommandAsync(["SET", "setsyntax:k", "new", .. options.Split(' ')]));
        Assert.Equal(Bulk("old"), await c.CommandAsync("GET", "setsyntax:k"));
    }

    [Theory]
    [InlineData("EX 0")]
    [InlineData("EX -1")]
    [InlineData("PX 0")]
    [InlineData("PX -100")]
    [InlineData("EXAT 0")]
    [InlineData("PXAT -5")]
    [InlineData("EX 9223372036854775807")]   // seconds that do not fit in milliseconds
    [InlineData("PX 9223372036854775000")]   // overflows once "now" is added
    [InlineData("EXAT 9223372036854776")]
    [InlineData("EX 0 GET")]
    public async Task Set_invalid_expire_times(string options)
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(Ok, await c.CommandAsync("SET", "setexpire:k", "old"));
        Assert.Equal(InvalidExpire("set"), await c.CommandAsync(["SET", "setexpire:k", "new", .. options.Split(' ')]));
        Assert.Equal(Bulk("old"), await c.CommandAsync("GET", "setexpire:k"));
    }

    [Fact]
    public async Task Expire_amounts_must_be_integers()
    {
        await using var c = await fixture.ConnectAsync();
        foreach (var amount in new[] { "abc", "1.5", "+5", "05", "", "99999999999999999999" })
        {
            Assert.Equal(NotInteger, await c.CommandAsync("SET", "expireint:k", "v", "EX", amount));
            Assert.Equal(NotInteger, await c.CommandAsync("SETEX", "expireint:k", amount, "v"));
            Assert.Equal(NotInteger, await c.CommandAsync("PSETEX", "expireint:k", amount, "v"));
        }
        Assert.Equal(Int(0), await c.CommandAsync("EXISTS", "expireint:k"));
        // The largest absolute times are valid.
        Assert.Equal(Ok, await c.CommandAsync("SET", "expireint:k", "v", "EXAT", "9223372036854775"));
        Assert.Equal(Ok, await c.CommandAsync("SET", "expireint:k", "v", "PXAT", "9223372036854775807"));
        Assert.Equal(Bulk("v"), await c.CommandAsync("GET", "expireint:k"));
    }

    [Fact]
    public async Task Setex_psetex_and_getex_invalid_expire_times()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(InvalidExpire("setex"), await c.CommandAsync("SETEX", "setexbad:k", "0", "v"));
        Assert.Equal(InvalidExpire("setex"), await c.CommandAsync("SETEX", "setexbad:k", "-1", "v"));
        Assert.Equal(InvalidExpire("setex"), await c.CommandAsync("SETEX", "setexbad:k", "9223372036854775807", "v"));
        Assert.Equal(InvalidExpire("psetex"), await c.CommandAsync("PSETEX", "setexbad:k", "0", "v"));
        Assert.Equal(InvalidExpire("psetex"), await c.CommandAsync("PSETEX", "setexbad:k", "9223372036854775807", "v"));
        Assert.Equal(Int(0), await c.CommandAsync("EXISTS", "setexbad:k"));
        Assert.Equal(Ok, await c.CommandAsync("SET", "setexbad:k", "v"));
        Assert.Equal(InvalidExpire("getex"), await c.CommandAsync("GETEX", "setexbad:k", "EX", "0"));
        Assert.Equal(InvalidExpire("getex"), await c.CommandAsync("GETEX", "setexbad:k", "PXAT", "-1"));
        Assert.Equal(InvalidExpire("getex"), await c.CommandAsync("GETEX", "setexbad:k", "EX", "9223372036854775807"));
        Assert.Equal(NotInteger, await c.CommandAsync("GETEX", "setexbad:k", "PX", "abc"));
        Assert.Equal(Bulk("v"), await c.CommandAsync("GET", "setexbad:k"));
        Assert.Equal(Int(-1), await c.CommandAsync("TTL", "setexbad:k"));
    }

    [Fact]
    public async Task Getex_reads_the_amount_only_for_an_existing_key()
    {
        await using var c = await fixture.ConnectAsync();
        // Redis looks the key up first: a missing key answers null however bad the amount.
        Assert.Equal(Nil, await c.CommandAsync("GETEX", "getexorder:missing", "EX", "abc"));
        Assert.Equal(Nil, await c.CommandAsync("GETEX", "getexorder:missing", "EX", "0"));
        // ...but options are parsed before that.
        Assert.Equal(Syntax, await c.CommandAsync("GETEX", "getexorder:missing", "EX", "10", "PX", "10"));
    }

    [Theory]
    [InlineData("EX 10 PX 10000")]
    [InlineData("PERSIST EX 10")]
    [InlineData("EX 10 PERSIST")]
    [InlineData("KEEPTTL")]
    [InlineData("NX")]
    [InlineData("GET")]
    [InlineData("EX")]
    [InlineData("EX 10 EX")]
    [InlineData("FOO")]
    public async Task Getex_option_syntax_errors(string options)
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(Ok, await c.CommandAsync("SET", "getexsyntax:k", "v", "EX", "100"));
        Assert.Equal(Syntax, await c.CommandAsync(["GETEX", "getexsyntax:k", .. options.Split(' ')]));
        Assert.Equal(Int(100), await c.CommandAsync("TTL", "getexsyntax:k"));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1.0")]
    [InlineData("1.5")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("+1")]
    [InlineData("01")]
    [InlineData("-0")]
    [InlineData("")]
    [InlineData("1e3")]
    [InlineData("9223372036854775808")]
    [InlineData("123456789012345678901")]
    public async Task Counters_reject_values_that_are_not_integers(string text)
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(Ok, await c.CommandAsync("SET", "notint:k", text));
        foreach (var command in new[] { new[] { "INCR", "notint:k" }, ["DECR", "notint:k"], ["INCRBY", "notint:k", "1"], ["DECRBY", "notint:k", "1"] })
            Assert.Equal(NotInteger, await c.CommandAsync(command));
        Assert.Equal(Bulk(text), await c.CommandAsync("GET", "notint:k"));
        // The same text as an increment is refused before the key is touched.
        Assert.Equal(NotInteger, await c.CommandAsync("INCRBY", "notint:fresh", text));
        Assert.Equal(NotInteger, await c.CommandAsync("DECRBY", "notint:fresh", text));
        Assert.Equal(Int(0), await c.CommandAsync("EXISTS", "notint:fresh"));
    }

    [Fact]
    public async Task Counters_refuse_to_overflow()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(Ok, await c.CommandAsync("SET", "overflow:max", "9223372036854775807"));
        Assert.Equal(Overflow, await c.CommandAsync("INCR", "overflow:max"));
        Assert.Equal(Overflow, await c.CommandAsync("INCRBY", "overflow:max", "1"));
        Assert.Equal(Overflow, await c.CommandAsync("DECRBY", "overflow:max", "-1"));
        Assert.Equal(Int(9223372036854775807), await c.CommandAsync("INCRBY", "overflow:max", "0"));
        Assert.Equal(Ok, await c.CommandAsync("SET", "overflow:min", "-9223372036854775808"));
        Assert.Equal(Overflow, await c.CommandAsync("DECR", "overflow:min"));
        Assert.Equal(Overflow, await c.CommandAsync("INCRBY", "overflow:min", "-1"));
        Assert.Equal(Overflow, await c.CommandAsync("DECRBY", "overflow:min", "1"));
        Assert.Equal(Bulk("-9223372036854775808"), await c.CommandAsync("GET", "overflow:min"));
        // Negating long.MinValue overflows by itself: Redis has a dedicated message for it.
        Assert.Equal("-ERR decrement would overflow\r\n", await c.CommandAsync("DECRBY", "overflow:zero", "-9223372036854775808"));
        Assert.Equal(Int(0), await c.CommandAsync("EXISTS", "overflow:zero"));
        Assert.Equal(Int(-9223372036854775808), await c.CommandAsync("INCRBY", "overflow:zero", "-9223372036854775808"));
        Assert.Equal(Overflow, await c.CommandAsync("DECRBY", "overflow:zero", "1"));
    }

    [Theory]
    [InlineData("10.5", "0.1", "10.6")]
    [InlineData("10.6", "-5", "5.6")]
    [InlineData("5.0e3", "0", "5000")]
    [InlineData("5.0e3", "2.0e2", "5200")]
    [InlineData("1.0", "1", "2")]
    [InlineData("10", "-10.25", "-0.25")]
    [InlineData("-1.5", "1.5", "0")]
    [InlineData(null, "3.0e-3", "0.003")]
    [InlineData(null, "+.5", "0.5")]
    [InlineData(null, "5.", "5")]
    [InlineData(null, "-0", "0")]
    [InlineData(null, "-1e-20", "0")]   // "%.17Lf" gives "-0.00000000000000000": no "-0" survives
    [InlineData(null, "1.5e-20", "0")]
    [InlineData(null, "1e20", "100000000000000000000")]
    [InlineData(null, "0x10", "16")]   // strtold reads hex floats
    [InlineData(null, "0X1P-2", "0.25")]
    [InlineData("1", "1e20", "100000000000000000000")]
    // Redis adds in 80-bit long double and prints 17 decimals: a double would give 0.30000000000000004,
    // 3.3000000000000003, 1000000.1, 1.2345678901234567 and 12345678901234567168 here.
    [InlineData("0.1", "0.2", "0.3")]
    [InlineData("1.1", "2.2", "3.3")]
    [InlineData(null, "1000000.1", "1000000.10000000000002274")]
    [InlineData(null, "1.23456789012345678", "1.23456789012345678")]
    [InlineData(null, "12345678901234567890", "12345678901234567890")]
    public async Task Incrbyfloat_formats_like_redis(string? initial, string increment, string expected)
    {
        await using var c = await fixture.ConnectAsync();
        string key = $"incrbyfloat:{initial}:{increment}";
        if (initial is not null)
            Assert.Equal(Ok, await c.CommandAsync("SET", key, initial));
        Assert.Equal(Bulk(expected), await c.CommandAsync("INCRBYFLOAT", key, increment));
        Assert.Equal(Bulk(expected), await c.CommandAsync("GET", key));
    }

    [Fact]
    public async Task Incrbyfloat_goes_past_the_double_range()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(Ok, await c.CommandAsync("SET", "incrbyfloatbig:k", "1e308"));
        var reply = await c.CommandAsync("INCRBYFLOAT", "incrbyfloatbig:k", "1e308");
        Assert.StartsWith("$309\r\n1999999999999999999933717593116912913211201996948", reply);
        // ...up to the long double's own limit, about 1.19e4932.
        Assert.Equal(Ok, await c.CommandAsync("SET", "incrbyfloatbig:k", "1e4932"));
        Assert.Equal("-ERR increment would produce NaN or Infinity\r\n", await c.CommandAsync("INCRBYFLOAT", "incrbyfloatbig:k", "1e4932"));
    }

    [Theory]
    [InlineData(null, "abc", NotFloat)]
    [InlineData(null, "", NotFloat)]
    [InlineData(null, " 1", NotFloat)]
    [InlineData(null, "1 ", NotFloat)]
    [InlineData(null, "nan", NotFloat)]
    [InlineData(null, "1e", NotFloat)]
    [InlineData(null, "0x", NotFloat)]
    [InlineData(null, "1,5", NotFloat)]
    [InlineData(null, "1e5000", NotFloat)]    // strtold overflow (ERANGE)
    [InlineData(null, "1e-5000", NotFloat)]   // strtold underflow to zero (ERANGE)
    [InlineData("abc", "1", NotFloat)]
    [InlineData(" 1", "1", NotFloat)]
    [InlineData(null, "inf", "-ERR increment would produce NaN or Infinity\r\n")]
    [InlineData(null, "-infinity", "-ERR increment would produce NaN or Infinity\r\n")]
    [InlineData("inf", "1", "-ERR increment would produce NaN or Infinity\r\n")]
    [InlineData("inf", "-inf", "-ERR increment would produce NaN or Infinity\r\n")]
    public async Task Incrbyfloat_errors(string? initial, string increment, string error)
    {
        await using var c = await fixture.ConnectAsync();
        string key = $"incrbyfloaterr:{initial}:{increment}";
        if (initial is not null)
            Assert.Equal(Ok, await c.CommandAsync("SET", key, initial));
        Assert.Equal(error, await c.CommandAsync("INCRBYFLOAT", key, increment));
        Assert.Equal(initial is null ? Nil : Bulk(initial), await c.CommandAsync("GET", key));
    }

    [Fact]
    public async Task Setrange_offset_limits()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("-ERR offset is out of range\r\n", await c.CommandAsync("SETRANGE", "setrangelimit:k", "-1", "x"));
        Assert.Equal("-ERR offset is out of range\r\n", await c.CommandAsync("SETRANGE", "setrangelimit:k", "-1", ""));
        Assert.Equal(NotInteger, await c.CommandAsync("SETRANGE", "setrangelimit:k", "abc", "x"));
        Assert.Equal(NotInteger, await c.CommandAsync("SETRANGE", "setrangelimit:k", "99999999999999999999", "x"));
        // 512 MB is the most a string may hold: offset + length past it is refused (and allocates nothing).
        Assert.Equal(TooLarge, await c.CommandAsync("SETRANGE", "setrangelimit:k", "536870912", "x"));
        Assert.Equal(TooLarge, await c.CommandAsync("SETRANGE", "setrangelimit:k", "536870911", "xy"));
        Assert.Equal(TooLarge, await c.CommandAsync("SETRANGE", "setrangelimit:k", "9223372036854775807", "x"));
        Assert.Equal(TooLarge, await c.CommandAsync("SETRANGE", "setrangelimit:k", "9223372036854775806", "xy"));
        Assert.Equal(Int(0), await c.CommandAsync("EXISTS", "setrangelimit:k"));
        Assert.Equal(Int(0), await c.CommandAsync("SETRANGE", "setrangelimit:k", "536870912", ""));
        Assert.Equal(Ok, await c.CommandAsync("SET", "setrangelimit:k", "abc"));
        Assert.Equal(TooLarge, await c.CommandAsync("SETRANGE", "setrangelimit:k", "9223372036854775807", "x"));
        Assert.Equal(Int(3), await c.CommandAsync("SETRANGE", "setrangelimit:k", "9223372036854775807", ""));
        Assert.Equal(Bulk("abc"), await c.CommandAsync("GET", "setrangelimit:k"));
    }

    [Fact]
    public async Task Getrange_needs_integer_indexes()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(Ok, await c.CommandAsync("SET", "getrangeint:k", "hello"));
        Assert.Equal(NotInteger, await c.CommandAsync("GETRANGE", "getrangeint:k", "a", "1"));
        Assert.Equal(NotInteger, await c.CommandAsync("GETRANGE", "getrangeint:k", "0", "1.5"));
        Assert.Equal(NotInteger, await c.CommandAsync("SUBSTR", "getrangeint:k", "0", "9223372036854775808"));
        Assert.Equal(NotInteger, await c.CommandAsync("GETRANGE", "getrangeint:missing", "x", "1"));
    }

    [Fact]
    public async Task Lcs_replies_in_resp2()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(Ok, await c.CommandAsync("MSET", "lcs2:a", "ohmytext", "lcs2:b", "mynewtext"));
        Assert.Equal(Bulk("mytext"), await c.CommandAsync("LCS", "lcs2:a", "lcs2:b"));
        Assert.Equal(Int(6), await c.CommandAsync("LCS", "lcs2:a", "lcs2:b", "LEN"));
        Assert.Equal(Int(6), await c.CommandAsync("LCS", "lcs2:a", "lcs2:b", "len", "WITHMATCHLEN", "MINMATCHLEN", "3"));
        // Matches come last-first, as [[a_start, a_end], [b_start, b_end]] (+ length with WITHMATCHLEN).
        Assert.Equal("*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n",
            await c.CommandAsync("LCS", "lcs2:a", "lcs2:b", "IDX"));
        Assert.Equal("*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:6\r\n",
            await c.CommandAsync("LCS", "lcs2:a", "lcs2:b", "IDX", "WITHMATCHLEN"));
        Assert.Equal("*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n$3\r\nlen\r\n:6\r\n",
            await c.CommandAsync("LCS", "lcs2:a", "lcs2:b", "idx", "minmatchlen", "4", "withmatchlen"));
        // A negative MINMATCHLEN counts as 0: every match.
        Assert.Equal("*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n",
            await c.CommandAsync("LCS", "lcs2:a", "lcs2:b", "IDX", "MINMATCHLEN", "-5"));
        Assert.Equal(Ok, await c.CommandAsync("MSET", "lcs2:x", "abcdefg", "lcs2:y", "xxabcyydefg"));
        Assert.Equal("*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:3\r\n:6\r\n*2\r\n:7\r\n:10\r\n:4\r\n*3\r\n*2\r\n:0\r\n:2\r\n*2\r\n:2\r\n:4\r\n:3\r\n$3\r\nlen\r\n:7\r\n",
            await c.CommandAsync("LCS", "lcs2:x", "lcs2:y", "IDX", "WITHMATCHLEN"));
        Assert.Equal("*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:0\r\n:7\r\n*2\r\n:0\r\n:7\r\n:8\r\n$3\r\nlen\r\n:8\r\n",
            await c.CommandAsync("LCS", "lcs2:a", "lcs2:a", "IDX", "WITHMATCHLEN"));
    }

    [Fact]
    public async Task Lcs_replies_in_resp3()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(3, (await c.ReadValueAfterAsync("HELLO", "3")).Pairs.Single(p => p.Key.AsString() == "proto").Value.AsInteger());
        Assert.Equal(Ok, await c.CommandAsync("MSET", "lcs3:a", "ohmytext", "lcs3:b", "mynewtext"));
        Assert.Equal(Bulk("mytext"), await c.CommandAsync("LCS", "lcs3:a", "lcs3:b"));
        Assert.Equal(Int(6), await c.CommandAsync("LCS", "lcs3:a", "lcs3:b", "LEN"));
        Assert.Equal("%2\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:6\r\n",
            await c.CommandAsync("LCS", "lcs3:a", "lcs3:b", "IDX", "WITHMATCHLEN"));
        Assert.Equal("%2\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n", await c.CommandAsync("LCS", "lcs3:missing1", "lcs3:missing2", "IDX"));
    }

    [Fact]
    public async Task Lcs_of_missing_and_binary_strings()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(Bulk(""), await c.CommandAsync("LCS", "lcsmissing:a", "lcsmissing:b"));
        Assert.Equal(Int(0), await c.CommandAsync("LCS", "lcsmissing:a", "lcsmissing:b", "LEN"));
        Assert.Equal(Ok, await c.CommandAsync("SET", "lcsmissing:a", "text"));
        Assert.Equal(Bulk(""), await c.CommandAsync("LCS", "lcsmissing:a", "lcsmissing:b"));
        Assert.Equal("*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n", await c.CommandAsync("LCS", "lcsmissing:b", "lcsmissing:a", "IDX"));
        Assert.Equal(Ok, await c.CommandAsync("MSET", "lcsmissing:x", "a\r\n\0b", "lcsmissing:y", "\r\nc\0"));
        Assert.Equal("$3\r\n\r\n\0\r\n", await c.CommandAsync("LCS", "lcsmissing:x", "lcsmissing:y"));
    }

    [Fact]
    public async Task Lcs_option_errors()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(Ok, await c.CommandAsync("MSET", "lcserr:a", "abc", "lcserr:b", "abd"));
        Assert.Equal("-ERR If you want both the length and indexes, please just use IDX.\r\n", await c.CommandAsync("LCS", "lcserr:a", "lcserr:b", "LEN", "IDX"));
        Assert.Equal(Syntax, await c.CommandAsync("LCS", "lcserr:a", "lcserr:b", "MINMATCHLEN"));
        Assert.Equal(Syntax, await c.CommandAsync("LCS", "lcserr:a", "lcserr:b", "FOO"));
        Assert.Equal(NotInteger, await c.CommandAsync("LCS", "lcserr:a", "lcserr:b", "IDX", "MINMATCHLEN", "abc"));
        Assert.Equal(NotInteger, await c.CommandAsync("LCS", "lcserr:missing", "lcserr:b", "MINMATCHLEN", "1.5"));
    }

    [Fact]
    public async Task Lcs_through_the_client()
    {
        var db = fixture.Db;
        await db.StringSetAsync("lcsclient:a", "ohmytext");
        await db.StringSetAsync("lcsclient:b", "mynewtext");
        Assert.Equal("mytext", await db.StringLongestCommonSubsequenceAsync("lcsclient:a", "lcsclient:b"));
        Assert.Equal(6, await db.StringLongestCommonSubsequenceLengthAsync("lcsclient:a", "lcsclient:b"));
        var result = await db.StringLongestCommonSubsequenceWithMatchesAsync("lcsclient:a", "lcsclient:b", minLength: 4);
        Assert.Equal(6, result.LongestMatchLength);
        var match = Assert.Single(result.Matches);
        Assert.Equal((4, 5, 4), (match.FirstStringIndex, match.SecondStringIndex, match.Length));
    }
}
