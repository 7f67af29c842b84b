using Istore.Net.Resp;
using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node;

/// <summary>
/// Type-generic key commands against a real node, replies compared byte for byte with what
/// Redis 7 sends: DEL UNLINK EXISTS TOUCH TYPE RENAME RENAMENX COPY KEYS SCAN RANDOMKEY DBSIZE
/// FLUSHDB FLUSHALL OBJECT. Each test uses its own key prefix; empty-database cases get their own node.
/// </summary>
public abstract class KeyCommandTests(NodeFixture fixture)
{
    private static string[] Sorted(RespValue array) => array.AsStringArray().Select(s => s!).Order(StringComparer.Ordinal).ToArray();

    private static async Task SetAllAsync(RawConnection c, params string[] keys)
    {
        foreach (var key in keys)
            Assert.Equal("+OK\r\n", await c.CommandAsync("SET", key, "1"));
    }

    [Fact]
    public async Task Del_and_unlink_count_only_the_keys_they_removed()
    {
        await using var c = await fixture.ConnectAsync();
        await SetAllAsync(c, "del:a", "del:b", "del:c");
        Assert.Equal(":2\r\n", await c.CommandAsync("DEL", "del:a", "del:b", "del:missing"));
        Assert.Equal(":0\r\n", await c.CommandAsync("DEL", "del:a"));
        Assert.Equal(":1\r\n", await c.CommandAsync("UNLINK", "del:c", "del:c"));
        Assert.Equal(":0\r\n", await c.CommandAsync("EXISTS", "del:a", "del:b", "del:c"));
        Assert.Equal("-ERR wrong number of arguments for 'del' command\r\n", await c.CommandAsync("DEL"));
        Assert.Equal("-ERR wrong number of arguments for 'unlink' command\r\n", await c.CommandAsync("UNLINK"));
    }

    [Fact]
    public async Task Exists_and_touch_count_a_repeated_key_each_time()
    {
        await using var c = await fixture.ConnectAsync();
        await SetAllAsync(c, "exists:a", "exists:b");
        Assert.Equal(":1\r\n", await c.CommandAsync("EXISTS", "exists:a"));
        Assert.Equal(":3\r\n", await c.CommandAsync("EXISTS", "exists:a", "exists:a", "exists:b", "exists:missing"));
        Assert.Equal(":0\r\n", await c.CommandAsync("EXISTS", "exists:missing"));
        Assert.Equal(":2\r\n", await c.CommandAsync("TOUCH", "exists:a", "exists:a", "exists:missing"));
        Assert.Equal(":0\r\n", await c.CommandAsync("TOUCH", "exists:missing"));
    }

    [Fact]
    public async Task Type_names_string_and_none()
    {
        await using var c = await fixture.ConnectAsync();
        await SetAllAsync(c, "type:s");
        Assert.Equal("+string\r\n", await c.CommandAsync("TYPE", "type:s"));
        Assert.Equal("+none\r\n", await c.CommandAsync("TYPE", "type:missing"));
        Assert.Equal("-ERR wrong number of arguments for 'type' command\r\n", await c.CommandAsync("TYPE", "type:s", "x"));
    }

    [Fact]
    public async Task Rename_moves_value_and_ttl_and_rejects_a_missing_source()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("-ERR no such key\r\n", await c.CommandAsync("RENAME", "rename:missing", "rename:x"));
        Assert.Equal("-ERR no such key\r\n", await c.CommandAsync("RENAMENX", "rename:missing", "rename:x"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "rename:src", "v", "PX", "100000"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("RENAME", "rename:src", "rename:dst"));
        Assert.Equal(":0\r\n", await c.CommandAsync("EXISTS", "rename:src"));
        Assert.Equal("$1\r\nv\r\n", await c.CommandAsync("GET", "rename:dst"));
        Assert.InRange((await c.ReadValueAfterAsync("PTTL", "rename:dst")).AsInteger(), 90_000, 100_000);

        // Overwriting a target with a TTL: the target takes the source's (absent) expiry.
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "rename:plain", "p"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("RENAME", "rename:plain", "rename:dst"));
        Assert.Equal("$1\r\np\r\n", await c.CommandAsync("GET", "rename:dst"));
        Assert.Equal(":-1\r\n", await c.CommandAsync("TTL", "rename:dst"));
    }

    [Fact]
    public async Task Rename_onto_itself_and_renamenx_onto_an_existing_key()
    {
        await using var c = await fixture.ConnectAsync();
        await SetAllAsync(c, "renamenx:a", "renamenx:b");
        Assert.Equal("+OK\r\n", await c.CommandAsync("RENAME", "renamenx:a", "renamenx:a"));
        Assert.Equal(":0\r\n", await c.CommandAsync("RENAMENX", "renamenx:a", "renamenx:a"));
        Assert.Equal(":0\r\n", await c.CommandAsync("RENAMENX", "renamenx:a", "renamenx:b"));
        Assert.Equal(":1\r\n", await c.CommandAsync("EXISTS", "renamenx:a"));
        Assert.Equal(":1\r\n", await c.CommandAsync("RENAMENX", "renamenx:a", "renamenx:c"));
        Assert.Equal(":2\r\n", await c.CommandAsync("EXISTS", "renamenx:a", "renamenx:b", "renamenx:c"));
        Assert.Equal("-ERR wrong number of arguments for 'rename' command\r\n", await c.CommandAsync("RENAME", "renamenx:b"));
    }

    [Fact]
    public async Task Copy_duplicates_value_and_ttl_and_honours_replace()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "copy:src", "v1", "EX", "1000"));
        Assert.Equal(":1\r\n", await c.CommandAsync("COPY", "copy:src", "copy:dst"));
        Assert.Equal("$2\r\nv1\r\n", await c.CommandAsync("GET", "copy:dst"));
        Assert.InRange((await c.ReadValueAfterAsync("TTL", "copy:dst")).AsInteger(), 990, 1000);
        Assert.Equal("$2\r\nv1\r\n", await c.CommandAsync("GET", "copy:src"));

        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "copy:src", "v2"));
        Assert.Equal(":0\r\n", await c.CommandAsync("COPY", "copy:src", "copy:dst"));
        Assert.Equal("$2\r\nv1\r\n", await c.CommandAsync("GET", "copy:dst"));
        Assert.Equal(":1\r\n", await c.CommandAsync("COPY", "copy:src", "copy:dst", "REPLACE"));
        Assert.Equal("$2\r\nv2\r\n", await c.CommandAsync("GET", "copy:dst"));
        Assert.Equal(":-1\r\n", await c.CommandAsync("TTL", "copy:dst"));
        Assert.Equal(":1\r\n", await c.CommandAsync("COPY", "copy:src", "copy:dst2", "DB", "0"));
        Assert.Equal(":1\r\n", await c.CommandAsync("COPY", "copy:src", "copy:dst2", "db", "0", "replace"));
        Assert.Equal(":0\r\n", await c.CommandAsync("COPY", "copy:missing", "copy:dst3"));
        Assert.Equal(":0\r\n", await c.CommandAsync("EXISTS", "copy:dst3"));
    }

    [Fact]
    public async Task Copy_errors_match_redis()
    {
        await using var c = await fixture.ConnectAsync();
        await SetAllAsync(c, "copyerr:src");
        Assert.Equal("-ERR DB index is out of range\r\n", await c.CommandAsync("COPY", "copyerr:src", "copyerr:dst", "DB", "1"));
        Assert.Equal("-ERR DB index is out of range\r\n", await c.CommandAsync("COPY", "copyerr:src", "copyerr:src", "DB", "1"));
        Assert.Equal("-ERR source and destination objects are the same\r\n", await c.CommandAsync("COPY", "copyerr:src", "copyerr:src"));
        Assert.Equal("-ERR source and destination objects are the same\r\n", await c.CommandAsync("COPY", "copyerr:missing", "copyerr:missing"));
        Assert.Equal("-ERR value is not an integer or out of range\r\n", await c.CommandAsync("COPY", "copyerr:src", "copyerr:dst", "DB", "x"));
        Assert.Equal("-ERR syntax error\r\n", await c.CommandAsync("COPY", "copyerr:src", "copyerr:dst", "DB"));
        Assert.Equal("-ERR syntax error\r\n", await c.CommandAsync("COPY", "copyerr:src", "copyerr:dst", "NOW"));
        Assert.Equal(":0\r\n", await c.CommandAsync("EXISTS", "copyerr:dst"));
        Assert.Equal("-ERR wrong number of arguments for 'copy' command\r\n", await c.CommandAsync("COPY", "copyerr:src"));
    }

    [Fact]
    public async Task Keys_matches_redis_glob_patterns()
    {
        await using var c = await fixture.ConnectAsync();
        string[] names = ["a", "b", "c", "d", "ab", "ba", "*", "?", "[", "]", "-", "\\"];
        await SetAllAsync(c, names.Select(n => "glob:" + n).ToArray());

        async Task<string[]> Keys(string pattern) => Sorted(await c.ReadValueAfterAsync("KEYS", "glob:" + pattern));
        string[] Expect(params string[] suffixes) => suffixes.Select(s => "glob:" + s).Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(Expect(names), await Keys("*"));
        Assert.Equal(Expect("a", "b", "c", "d", "*", "?", "[", "]", "-", "\\"), await Keys("?"));
        Assert.Equal(Expect("ab", "ba"), await Keys("??"));
        Assert.Equal(Expect("b", "ab"), await Keys("*b"));
        Assert.Equal(Expect("a", "b", "c"), await Keys("[a-c]"));
        Assert.Equal(Expect("a", "b", "c"), await Keys("[c-a]"));
        Assert.Equal(Expect("a", "d"), await Keys("[ad]"));
        Assert.Equal(Expect("b", "c", "d", "*", "?", "[", "]", "-", "\\"), await Keys("[^a]"));
        Assert.Equal(Expect("*"), await Keys("\\*"));
        Assert.Equal(Expect("?"), await Keys("\\?"));
        Assert.Equal(Expect("["), await Keys("\\["));
        Assert.Equal(Expect("\\"), await Keys("\\\\"));
        Assert.Equal(Expect("]"), await Keys("[\\]]"));
        Assert.Equal(Expect("a"), await Keys("\\a"));
        // Redis's quirks: "[a-]" is the range ']'..'a'; an unclosed class runs to the end of the pattern.
        Assert.Equal(Expect("a", "]"), await Keys("[a-]"));
        Assert.Equal(Expect("a", "b"), await Keys("[ab"));
        Assert.Equal(Expect("a", "ba"), await Keys("*a"));
        Assert.Empty(await Keys("[]]"));
        Assert.Empty(await Keys("nomatch*"));
        Assert.Equal("*0\r\n", await c.CommandAsync("KEYS", "glob-none:*"));
    }

    [Fact]
    public async Task Scan_with_count_visits_every_key()
    {
        await using var c = await fixture.ConnectAsync();
        var expected = Enumerable.Range(0, 300).Select(i => $"scan:all:{i}").ToHashSet();
        await SetAllAsync(c, [.. expected]);
        var seen = new HashSet<string>();
        string cursor = "0";
        int calls = 0;
        do
        {
            var reply = await c.ReadValueAfterAsync("SCAN", cursor, "MATCH", "scan:all:*", "COUNT", "25");
            Assert.Equal(2, reply.Count);
            cursor = reply[0].AsString()!;
            foreach (var key in reply[1].AsStringArray())
                seen.Add(key!);
            Assert.True(++calls < 10_000, "SCAN never returned cursor 0");
        }
        while (cursor != "0");
        Assert.Equal(expected.Order(), seen.Order());
        Assert.True(calls > 1, "COUNT 25 over 300 keys should take several calls");
    }

    private static async Task<List<string>> ScanAllAsync(RawConnection c, params string[] options)
    {
        var keys = new List<string>();
        string cursor = "0";
        do
        {
            var reply = await c.ReadValueAfterAsync(["SCAN", cursor, .. options]);
            cursor = reply[0].AsString()!;
            keys.AddRange(reply[1].AsStringArray().Select(k => k!));
        }
        while (cursor != "0");
        return keys;
    }

    [Fact]
    public async Task Scan_by_type_finds_hashes_sets_and_sorted_sets()
    {
        await using var c = await fixture.ConnectAsync();
        await SetAllAsync(c, "scant:str");
        Assert.Equal(":1\r\n", await c.CommandAsync("HSET", "scant:h", "f", "v"));
        Assert.Equal(":1\r\n", await c.CommandAsync("SADD", "scant:s", "m"));
        Assert.Equal(":1\r\n", await c.CommandAsync("ZADD", "scant:z", "1", "m"));
        Assert.Equal(new[] { "scant:h" }, await ScanAllAsync(c, "TYPE", "hash", "MATCH", "scant:*"));
        Assert.Equal(new[] { "scant:s" }, await ScanAllAsync(c, "TYPE", "set", "MATCH", "scant:*"));
        Assert.Equal(new[] { "scant:z" }, await ScanAllAsync(c, "TYPE", "zset", "MATCH", "scant:*"));
        Assert.Equal(new[] { "scant:h", "scant:s", "scant:str", "scant:z" }, (await ScanAllAsync(c, "MATCH", "scant:*")).Order());
    }

    [Fact]
    public async Task Scan_filters_by_match_and_type()
    {
        await using var c = await fixture.ConnectAsync();
        await SetAllAsync(c, "scanf:a1", "scanf:a2", "scanf:b1");
        Assert.Equal(new[] { "scanf:a1", "scanf:a2" }, (await ScanAllAsync(c, "MATCH", "scanf:a*", "COUNT", "1000")).Order());
        Assert.Equal(new[] { "scanf:a1", "scanf:a2", "scanf:b1" }, (await ScanAllAsync(c, "TYPE", "string", "MATCH", "scanf:*")).Order());
        Assert.Equal(new[] { "scanf:b1" }, await ScanAllAsync(c, "type", "STRING", "match", "scanf:b?", "count", "7"));
        Assert.Empty(await ScanAllAsync(c, "TYPE", "hash", "MATCH", "scanf:*"));
        Assert.Empty(await ScanAllAsync(c, "TYPE", "list"));
        Assert.Equal("-ERR unknown type name 'nosuch'\r\n", await c.CommandAsync("SCAN", "0", "TYPE", "nosuch"));
    }

    [Fact]
    public async Task Scan_argument_errors_match_redis()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("-ERR invalid cursor\r\n", await c.CommandAsync("SCAN", "abc"));
        Assert.Equal("-ERR invalid cursor\r\n", await c.CommandAsync("SCAN", "-1"));
        Assert.Equal("-ERR invalid cursor\r\n", await c.CommandAsync("SCAN", "18446744073709551616"));
        Assert.Equal("-ERR invalid cursor\r\n", await c.CommandAsync("SCAN", " 1"));
        // Any unsigned 64-bit cursor is valid; one past the keyspace ends the iteration (the memory
        // engine, as Redis, still answers the last bucket's keys, whichever other tests left there).
        Assert.StartsWith("*2\r\n$1\r\n0\r\n*", await c.CommandAsync("SCAN", "18446744073709551615"));
        Assert.Equal("-ERR syntax error\r\n", await c.CommandAsync("SCAN", "0", "COUNT", "0"));
        Assert.Equal("-ERR value is not an integer or out of range\r\n", await c.CommandAsync("SCAN", "0", "COUNT", "x"));
        Assert.Equal("-ERR syntax error\r\n", await c.CommandAsync("SCAN", "0", "MATCH"));
        Assert.Equal("-ERR syntax error\r\n", await c.CommandAsync("SCAN", "0", "FOO", "bar"));
        Assert.Equal("-ERR wrong number of arguments for 'scan' command\r\n", await c.CommandAsync("SCAN"));
    }

    [Fact]
    public async Task Randomkey_returns_an_existing_key()
    {
        await using var c = await fixture.ConnectAsync();
        await SetAllAsync(c, "random:a");
        var key = (await c.ReadValueAfterAsync("RANDOMKEY")).AsString();
        Assert.NotNull(key);
        Assert.Equal(":1\r\n", await c.CommandAsync("EXISTS", key!));
        Assert.Equal("-ERR wrong number of arguments for 'randomkey' command\r\n", await c.CommandAsync("RANDOMKEY", "x"));
    }

    [Fact]
    public async Task Dbsize_and_info_count_a_key_once_when_a_string_and_a_collection_replace_each_other()
    {
        await using var node = await fixture.StartNodeAsync();
        await using var c = await node.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "s", "1", "EX", "100"));
        Assert.Equal(":1\r\n", await c.CommandAsync("SADD", "set", "m"));
        Assert.Equal(":1\r\n", await c.CommandAsync("SUNIONSTORE", "s", "set"));
        Assert.Equal(":2\r\n", await c.CommandAsync("DBSIZE"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "s", "2"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("RENAME", "set", "s"));
        Assert.Equal(":1\r\n", await c.CommandAsync("DBSIZE"));
        Assert.Equal(":1\r\n", await c.CommandAsync("EXPIRE", "s", "100"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "s", "3", "KEEPTTL"));
        Assert.Contains("db0:keys=1,expires=1,", await c.CommandAsync("INFO", "keyspace"));
        Assert.Equal(":1\r\n", await c.CommandAsync("DEL", "s"));
        Assert.Equal(":0\r\n", await c.CommandAsync("DBSIZE"));
    }

    [Fact]
    public async Task Dbsize_randomkey_and_flush_on_a_fresh_node()
    {
        await using var node = await fixture.StartNodeAsync();
        await using var c = await node.ConnectAsync();
        Assert.Equal(":0\r\n", await c.CommandAsync("DBSIZE"));
        Assert.Equal("$-1\r\n", await c.CommandAsync("RANDOMKEY"));
        Assert.Equal("*0\r\n", await c.CommandAsync("KEYS", "*"));
        Assert.Equal("*2\r\n$1\r\n0\r\n*0\r\n", await c.CommandAsync("SCAN", "0"));

        await SetAllAsync(c, "a", "b", "c");
        Assert.Equal(":3\r\n", await c.CommandAsync("DBSIZE"));
        Assert.Contains((await c.ReadValueAfterAsync("RANDOMKEY")).AsString(), new[] { "a", "b", "c" });
        Assert.Equal("+OK\r\n", await c.CommandAsync("FLUSHDB"));
        Assert.Equal(":0\r\n", await c.CommandAsync("DBSIZE"));
        Assert.Equal("$-1\r\n", await c.CommandAsync("RANDOMKEY"));

        foreach (var flush in new[] { new[] { "FLUSHDB", "SYNC" }, ["FLUSHDB", "ASYNC"], ["FLUSHALL"], ["FLUSHALL", "SYNC"], ["flushall", "async"] })
        {
            await SetAllAsync(c, "x", "y");
            Assert.Equal(":2\r\n", await c.CommandAsync("DBSIZE"));
            Assert.Equal("+OK\r\n", await c.CommandAsync(flush));
            Assert.Equal(":0\r\n", await c.CommandAsync("DBSIZE"));
            Assert.Equal("$-1\r\n", await c.CommandAsync("GET", "x"));
        }
        Assert.Equal("-ERR syntax error\r\n", await c.CommandAsync("FLUSHALL", "foo"));
        Assert.Equal("-ERR syntax error\r\n", await c.CommandAsync("FLUSHDB", "SYNC", "ASYNC"));
        Assert.Equal("-ERR wrong number of arguments for 'dbsize' command\r\n", await c.CommandAsync("DBSIZE", "x"));
    }

    [Fact]
    public async Task Object_encoding_reports_int_embstr_and_raw()
    {
        await using var c = await fixture.ConnectAsync();
        (string Value, string Encoding)[] cases =
        [
            ("12345", "int"), ("-12345", "int"), ("0", "int"), ("-9223372036854775808", "int"), ("9223372036854775807", "int"),
            ("9223372036854775808", "embstr"), ("01", "embstr"), ("+1", "embstr"), (" 1", "embstr"), ("-0", "embstr"),
            ("hello", "embstr"), (new string('x', 44), "embstr"), (new string('x', 45), "raw"), (new string('x', 1000), "raw"),
        ];
        foreach (var (value, encoding) in cases)
        {
            Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "objenc:k", value));
            Assert.Equal($"${encoding.Length}\r\n{encoding}\r\n", await c.CommandAsync("OBJECT", "ENCODING", "objenc:k"));
        }
        Assert.Equal(":7\r\n", await c.CommandAsync("INCRBY", "objenc:n", "7"));
        Assert.Equal("$3\r\nint\r\n", await c.CommandAsync("object", "encoding", "objenc:n"));
        Assert.Equal("$-1\r\n", await c.CommandAsync("OBJECT", "ENCODING", "objenc:missing"));
        Assert.Equal(":2147483647\r\n", await c.CommandAsync("OBJECT", "REFCOUNT", "objenc:n"));   // a small integer is Redis's shared one
        Assert.Equal(":1\r\n", await c.CommandAsync("OBJECT", "REFCOUNT", "objenc:k"));
        Assert.Equal("-ERR wrong number of arguments for 'object|encoding' command\r\n", await c.CommandAsync("OBJECT", "ENCODING"));
        Assert.Equal("-ERR wrong number of arguments for 'object|encoding' command\r\n", await c.CommandAsync("OBJECT", "ENCODING", "a", "b"));
        Assert.Equal("-ERR unknown subcommand 'foo'. Try OBJECT HELP.\r\n", await c.CommandAsync("OBJECT", "foo"));
        Assert.Equal("-ERR wrong number of arguments for 'object' command\r\n", await c.CommandAsync("OBJECT"));
    }

    [Fact]
    public async Task Object_help_lists_the_subcommands()
    {
        await using var c = await fixture.ConnectAsync();
        var help = await c.ReadValueAfterAsync("OBJECT", "HELP");
        Assert.Equal(RespType.Array, help.Type);
        Assert.All(help.Items, line => Assert.Equal(RespType.SimpleString, line.Type));
        var lines = help.AsStringArray();
        Assert.Equal("OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", lines[0]);
        Assert.Contains("ENCODING <key>", lines);
        Assert.Contains("REFCOUNT <key>", lines);
        Assert.Contains("IDLETIME <key>", lines);
        Assert.Contains("FREQ <key>", lines);
        Assert.Equal("    Print this help.", lines[^1]);
        Assert.Equal("-ERR wrong number of arguments for 'object|help' command\r\n", await c.CommandAsync("OBJECT", "HELP", "x"));
    }
}
