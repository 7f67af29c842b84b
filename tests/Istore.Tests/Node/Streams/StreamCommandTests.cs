using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node.Streams;

/// <summary>
/// Stream commands one by one, on either engine (StreamEngineSuites.cs): Redis 7's exact errors for bad IDs, IDs that do
/// not move forward, bad options and WRONGTYPE (nothing half-written, no key left behind); the
/// stream as a key (TYPE, OBJECT ENCODING, SCAN TYPE, COPY, RENAME, EXPIRE); empty streams that
/// keep their key; large entries; XINFO's shapes.
/// </summary>
public abstract class StreamCommandTests(NodeFixture fixture)
{
    private const string InvalidId = "-ERR Invalid stream ID specified as stream command argument\r\n";
    private const string WrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
    private const string NotBigger = "-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n";

    [Fact]
    public async Task Ids_must_grow_and_bad_ids_are_refused_without_creating_the_key()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(InvalidId, await c.CommandAsync("XADD", "sc:ids", "abc", "f", "v"));
        Assert.Equal(InvalidId, await c.CommandAsync("XADD", "sc:ids", "1-x", "f", "v"));
        Assert.Equal(InvalidId, await c.CommandAsync("XADD", "sc:ids", "-1", "f", "v"));
        Assert.Equal(InvalidId, await c.CommandAsync("XADD", "sc:ids", "-", "f", "v"));
        Assert.Equal(InvalidId, await c.CommandAsync("XADD", "sc:ids", "18446744073709551616-0", "f", "v"));
        Assert.Equal("-ERR The ID specified in XADD must be greater than 0-0\r\n", await c.CommandAsync("XADD", "sc:ids", "0-0", "f", "v"));
        Assert.Equal(":0\r\n", await c.CommandAsync("EXISTS", "sc:ids"));

        Assert.Equal("$3\r\n5-5\r\n", await c.CommandAsync("XADD", "sc:ids", "5-5", "f", "v"));
        Assert.Equal(NotBigger, await c.CommandAsync("XADD", "sc:ids", "5-5", "f", "v"));
        Assert.Equal(NotBigger, await c.CommandAsync("XADD", "sc:ids", "5-4", "f", "v"));
        Assert.Equal(NotBigger, await c.CommandAsync("XADD", "sc:ids", "5", "f", "v"));
        Assert.Equal(NotBigger, await c.CommandAsync("XADD", "sc:ids", "4-*", "f", "v"));
        Assert.Equal("$3\r\n5-6\r\n", await c.CommandAsync("XADD", "sc:ids", "5-*", "f", "v"));
        Assert.Equal("$3\r\n6-0\r\n", await c.CommandAsync("XADD", "sc:ids", "6", "f", "v"));
        Assert.Equal("$3\r\n7-0\r\n", await c.CommandAsync("XADD", "sc:ids", "7-*", "f", "v"));
        // The automatic ID is the clock's, never below the last one.
        var auto = (await c.ReadValueAfterAsync("XADD", "sc:ids", "*", "f", "v")).AsString()!;
        Assert.True(ulong.Parse(auto.Split('-')[0]) > 1_600_000_000_000, auto);
        Assert.Equal(":5\r\n", await c.CommandAsync("XLEN", "sc:ids"));

        Assert.Equal("$41\r\n18446744073709551615-18446744073709551615\r\n", await c.CommandAsync("XADD", "sc:top", "18446744073709551615-18446744073709551615", "f", "v"));
        Assert.Equal("-ERR The stream has exhausted the last possible ID, unable to add more items\r\n", await c.CommandAsync("XADD", "sc:top", "*", "f", "v"));
        Assert.Equal(":1\r\n", await c.CommandAsync("XLEN", "sc:top"));
    }

    [Fact]
    public async Task Bad_options_get_redis_errors()
    {
        await using var c = await fixture.ConnectAsync();
        await c.CommandAsync("XADD", "sc:opt", "1-0", "f", "v");
        Assert.Equal("-ERR wrong number of arguments for 'xadd' command\r\n", await c.CommandAsync("XADD", "sc:opt", "*", "f", "v", "g"));
        Assert.Equal("-ERR wrong number of arguments for 'xadd' command\r\n", await c.CommandAsync("XADD", "sc:opt", "MAXLEN", "5", "*", "f"));
        Assert.Equal("-ERR The MAXLEN argument must be >= 0.\r\n", await c.CommandAsync("XADD", "sc:opt", "MAXLEN", "-1", "*", "f", "v"));
        Assert.Equal("-ERR syntax error, LIMIT cannot be used without the special ~ option\r\n", await c.CommandAsync("XADD", "sc:opt", "MAXLEN", "5", "LIMIT", "2", "*", "f", "v"));
        Assert.Equal("-ERR syntax error, MAXLEN and MINID options at the same time are not compatible\r\n", await c.CommandAsync("XADD", "sc:opt", "MAXLEN", "5", "MINID", "1", "*", "f", "v"));
        Assert.Equal("-ERR syntax error, XTRIM must be called with a trimming strategy\r\n", await c.CommandAsync("XTRIM", "sc:opt", "LIMIT", "0"));
        Assert.Equal("-ERR syntax error\r\n", await c.CommandAsync("XRANGE", "sc:opt", "-", "+", "COUNT"));
        Assert.Equal("-ERR invalid start ID for the interval\r\n", await c.CommandAsync("XRANGE", "sc:opt", "(18446744073709551615-18446744073709551615", "+"));
        Assert.Equal("-ERR invalid end ID for the interval\r\n", await c.CommandAsync("XRANGE", "sc:opt", "-", "(0-0"));
        Assert.Equal(InvalidId, await c.CommandAsync("XRANGE", "sc:opt", "(-", "+"));
        Assert.Equal("-ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.\r\n", await c.CommandAsync("XREAD", "STREAMS", "sc:opt", "sc:opt", "0"));
        Assert.Equal("-ERR timeout is negative\r\n", await c.CommandAsync("XREAD", "BLOCK", "-1", "STREAMS", "sc:opt", "0"));
        Assert.Equal("-ERR Missing GROUP option for XREADGROUP\r\n", await c.CommandAsync("XREADGROUP", "COUNT", "1", "NOACK", "STREAMS", "sc:opt", ">"));
        Assert.Equal("-NOGROUP No such key 'sc:opt' or consumer group 'nope' in XREADGROUP with GROUP option\r\n",
            await c.CommandAsync("XREADGROUP", "GROUP", "nope", "c", "STREAMS", "sc:opt", ">"));
        Assert.Equal("-ERR wrong number of arguments for 'xgroup|create' command\r\n", await c.CommandAsync("XGROUP", "CREATE", "sc:opt", "g"));
        Assert.Equal("-ERR unknown subcommand 'NOPE'. Try XGROUP HELP.\r\n", await c.CommandAsync("XGROUP", "NOPE", "sc:opt"));
        Assert.Equal("-ERR unknown subcommand or wrong number of arguments for 'CREATE'. Try XGROUP HELP.\r\n", await c.CommandAsync("XGROUP", "CREATE", "sc:opt", "g", "0", "BAD"));
        Assert.Equal("-ERR value for ENTRIESREAD must be positive or -1\r\n", await c.CommandAsync("XGROUP", "CREATE", "sc:opt", "g", "0", "ENTRIESREAD", "-2"));
        Assert.Equal("-ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.\r\n",
            await c.CommandAsync("XGROUP", "CREATE", "sc:missing", "g", "0"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("XGROUP", "CREATE", "sc:opt", "g", "0"));
        Assert.Equal("-BUSYGROUP Consumer Group name already exists\r\n", await c.CommandAsync("XGROUP", "CREATE", "sc:opt", "g", "$"));
        Assert.Equal("-NOGROUP No such consumer group 'h' for key name 'sc:opt'\r\n", await c.CommandAsync("XGROUP", "SETID", "sc:opt", "h", "0"));
        Assert.Equal("-ERR Invalid min-idle-time argument for XCLAIM\r\n", await c.CommandAsync("XCLAIM", "sc:opt", "g", "c", "soon", "1-0"));
        Assert.Equal("-ERR Unrecognized XCLAIM option 'SOON'\r\n", await c.CommandAsync("XCLAIM", "sc:opt", "g", "c", "0", "1-0", "SOON"));
        Assert.Equal("-ERR COUNT must be > 0\r\n", await c.CommandAsync("XAUTOCLAIM", "sc:opt", "g", "c", "0", "0", "COUNT", "0"));
        Assert.Equal("-NOGROUP No such key 'sc:opt' or consumer group 'h'\r\n", await c.CommandAsync("XPENDING", "sc:opt", "h"));
        Assert.Equal("-ERR syntax error\r\n", await c.CommandAsync("XPENDING", "sc:opt", "g", "-", "+"));
        Assert.Equal("-ERR The ID specified in XSETID is smaller than the target stream top item\r\n", await c.CommandAsync("XSETID", "sc:opt", "0-5"));
        Assert.Equal("-ERR no such key\r\n", await c.CommandAsync("XSETID", "sc:missing", "5-0"));
        Assert.Equal("-ERR no such key\r\n", await c.CommandAsync("XINFO", "STREAM", "sc:missing"));
        Assert.Equal("-ERR unknown subcommand 'NOPE'. Try XINFO HELP.\r\n", await c.CommandAsync("XINFO", "NOPE", "sc:opt"));
        Assert.StartsWith("*9\r\n+XINFO <subcommand>", await c.CommandAsync("XINFO", "HELP"));
        Assert.Contains("+CREATECONSUMER <key> <groupname> <consumer>\r\n", await c.CommandAsync("XGROUP", "HELP"));
        Assert.Equal("-ERR wrong number of arguments for 'xgroup|help' command\r\n", await c.CommandAsync("XGROUP", "HELP", "extra"));
        // Bad IDs in a list leave every ID untouched (all or nothing).
        Assert.Equal(InvalidId, await c.CommandAsync("XDEL", "sc:opt", "1-0", "bad"));
        Assert.Equal(":1\r\n", await c.CommandAsync("XLEN", "sc:opt"));
        Assert.Equal(InvalidId, await c.CommandAsync("XACK", "sc:opt", "g", "1-0", "bad"));
    }

    [Theory]
    [InlineData("XADD", "sc:str", "*", "f", "v")]
    [InlineData("XLEN", "sc:str")]
    [InlineData("XRANGE", "sc:str", "-", "+")]
    [InlineData("XREVRANGE", "sc:str", "+", "-")]
    [InlineData("XDEL", "sc:str", "1-0")]
    [InlineData("XTRIM", "sc:str", "MAXLEN", "0")]
    [InlineData("XSETID", "sc:str", "1-0")]
    [InlineData("XREAD", "STREAMS", "sc:str", "0")]
    [InlineData("XREADGROUP", "GROUP", "g", "c", "STREAMS", "sc:str", ">")]
    [InlineData("XGROUP", "CREATE", "sc:str", "g", "0", "MKSTREAM")]
    [InlineData("XACK", "sc:str", "g", "1-0")]
    [InlineData("XPENDING", "sc:str", "g")]
    [InlineData("XCLAIM", "sc:str", "g", "c", "0", "1-0")]
    [InlineData("XAUTOCLAIM", "sc:str", "g", "c", "0", "0")]
    [InlineData("XINFO", "STREAM", "sc:str")]
    public async Task Stream_commands_on_a_string_answer_wrongtype(params string[] command)
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "sc:str", "text"));
        Assert.Equal(WrongType, await c.CommandAsync(command));
        Assert.Equal("$4\r\ntext\r\n", await c.CommandAsync("GET", "sc:str"));
    }

    [Fact]
    public async Task A_stream_is_a_key_like_any_other()
    {
        await using var c = await fixture.ConnectAsync();
        await c.CommandAsync("XADD", "sc:key", "1-0", "f", "v");
        await c.CommandAsync("XGROUP", "CREATE", "sc:key", "g", "0");
        Assert.Equal("+stream\r\n", await c.CommandAsync("TYPE", "sc:key"));
        Assert.Equal("$6\r\nstream\r\n", await c.CommandAsync("OBJECT", "ENCODING", "sc:key"));
        Assert.Equal(WrongType, await c.CommandAsync("GET", "sc:key"));
        Assert.Equal(WrongType, await c.CommandAsync("LPUSH", "sc:key", "x"));
        var found = new List<string?>();
        string cursor = "0";
        do
        {
            var page = await c.ReadValueAfterAsync("SCAN", cursor, "MATCH", "sc:*", "TYPE", "stream", "COUNT", "1000");
            cursor = page[0].AsString()!;
            found.AddRange(page[1].AsStringArray());
        }
        while (cursor != "0");
        Assert.Equal(["sc:key"], found.Where(k => k is "sc:key" or "sc:str"));
        // COPY makes an independent stream with its groups; RENAME moves it.
        Assert.Equal(":1\r\n", await c.CommandAsync("COPY", "sc:key", "sc:copy"));
        await c.CommandAsync("XADD", "sc:copy", "2-0", "f", "w");
        Assert.Equal(":1\r\n", await c.CommandAsync("XLEN", "sc:key"));
        Assert.Equal(":2\r\n", await c.CommandAsync("XLEN", "sc:copy"));
        Assert.Equal(1, (await c.ReadValueAfterAsync("XINFO", "GROUPS", "sc:copy")).Count);
        Assert.Equal("+OK\r\n", await c.CommandAsync("RENAME", "sc:copy", "sc:moved"));
        Assert.Equal(":2\r\n", await c.CommandAsync("XLEN", "sc:moved"));
        Assert.Equal(":1\r\n", await c.CommandAsync("PEXPIRE", "sc:moved", "50"));
        await Task.Delay(150);
        Assert.Equal(":0\r\n", await c.CommandAsync("EXISTS", "sc:moved"));
        Assert.Equal(":1\r\n", await c.CommandAsync("DEL", "sc:key"));
        Assert.Equal("+none\r\n", await c.CommandAsync("TYPE", "sc:key"));
    }

    [Fact]
    public async Task Empty_streams_keep_their_key_and_nomkstream_makes_none()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("$-1\r\n", await c.CommandAsync("XADD", "sc:none", "NOMKSTREAM", "*", "f", "v"));
        Assert.Equal(":0\r\n", await c.CommandAsync("EXISTS", "sc:none"));
        await c.CommandAsync("XADD", "sc:empty", "1-0", "f", "v");
        await c.CommandAsync("XADD", "sc:empty", "2-0", "f", "v");
        Assert.Equal(":2\r\n", await c.CommandAsync("XDEL", "sc:empty", "1-0", "2-0"));
        Assert.Equal(":1\r\n", await c.CommandAsync("EXISTS", "sc:empty"));
        Assert.Equal(":0\r\n", await c.CommandAsync("XLEN", "sc:empty"));
        Assert.Equal("*0\r\n", await c.CommandAsync("XRANGE", "sc:empty", "-", "+"));
        Assert.Equal(NotBigger, await c.CommandAsync("XADD", "sc:empty", "2-0", "f", "v"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("XGROUP", "CREATE", "sc:made", "g", "$", "MKSTREAM"));
        Assert.Equal("+stream\r\n", await c.CommandAsync("TYPE", "sc:made"));
        Assert.Equal("*-1\r\n", await c.CommandAsync("XREAD", "STREAMS", "sc:made", "0"));
    }

    [Fact]
    public async Task Xread_keys_are_the_first_half_after_streams_for_routing()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("*2\r\n$1\r\na\r\n$1\r\nb\r\n", await c.CommandAsync("COMMAND", "GETKEYS", "XREAD", "COUNT", "1", "STREAMS", "a", "b", "0", "$"));
        Assert.Equal("*1\r\n$1\r\na\r\n", await c.CommandAsync("COMMAND", "GETKEYS", "XREADGROUP", "GROUP", "g", "c", "STREAMS", "a", ">"));
        Assert.Equal("*1\r\n$1\r\nk\r\n", await c.CommandAsync("COMMAND", "GETKEYS", "XGROUP", "CREATE", "k", "g", "$"));
        var spec = Istore.Net.Commands.CommandTable.Find("XREAD")!;
        Assert.True(spec.MovableKeys);
        var args = new Istore.Net.Resp.CommandArgs();
        var keys = new List<int>();
        args.SetFrom([.. new[] { "XREAD", "STREAMS", "a", "b", "0" }.Select(System.Text.Encoding.UTF8.GetBytes)]);
        spec.CollectKeyIndexes(args, keys);
        Assert.Empty(keys);   // an odd count after STREAMS names no keys
        args.SetFrom([.. new[] { "XREAD", "BLOCK", "5", "STREAMS", "a", "b", "0", "0" }.Select(System.Text.Encoding.UTF8.GetBytes)]);
        spec.CollectKeyIndexes(args, keys);
        Assert.Equal([4, 5], keys);
    }

    [Fact]
    public async Task Config_sets_the_block_size_that_approximate_trims_cut_at()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("*2\r\n$23\r\nstream-node-max-entries\r\n$3\r\n100\r\n", await c.CommandAsync("CONFIG", "GET", "stream-node-max-entries"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("CONFIG", "SET", "stream-node-max-entries", "10"));
        try
        {
            for (int i = 1; i <= 25; i++)
                await c.CommandAsync("XADD", "sc:blocks", $"{i}-0", "f", "v");
            Assert.Contains("$15\r\nradix-tree-keys\r\n:3\r\n", await c.CommandAsync("XINFO", "STREAM", "sc:blocks"));
            Assert.Equal(":10\r\n", await c.CommandAsync("XTRIM", "sc:blocks", "MAXLEN", "~", "12"));
            Assert.Equal(":15\r\n", await c.CommandAsync("XLEN", "sc:blocks"));
        }
        finally
        {
            Assert.Equal("+OK\r\n", await c.CommandAsync("CONFIG", "SET", "stream-node-max-entries", "100"));
        }
        Assert.StartsWith("-ERR CONFIG SET failed", await c.CommandAsync("CONFIG", "SET", "stream-node-max-bytes", "-1"));
    }

    [Fact]
    public async Task Large_entries_and_many_entries_read_back_whole()
    {
        await using var c = await fixture.ConnectAsync();
        string big = new('z', 100_000);
        Assert.Equal("$3\r\n1-0\r\n", await c.CommandAsync("XADD", "sc:big", "1-0", "big", big, "small", "s"));
        for (int i = 2; i <= 700; i++)
            await c.CommandAsync("XADD", "sc:big", $"{i}-0", "n", i.ToString(), "pad", new string('p', i % 90));
        var first = await c.ReadValueAfterAsync("XRANGE", "sc:big", "-", "1-0");
        Assert.Equal(big, first[0][1][1].AsString());
        for (int i = 100; i <= 700; i += 97)
            Assert.Equal(":1\r\n", await c.CommandAsync("XDEL", "sc:big", $"{i}-0"));
        var all = await c.ReadValueAfterAsync("XRANGE", "sc:big", "2", "+");
        var expected = Enumerable.Range(2, 699).Where(i => i < 100 || (i - 100) % 97 != 0).Select(i => $"{i}-0").ToArray();
        Assert.Equal(expected, all.Items.Select(e => e[0].AsString()!));
        var reversed = await c.ReadValueAfterAsync("XREVRANGE", "sc:big", "(650", "(2", "COUNT", "1000");
        // "(650" as an end is below 650-18446744073709551615, so 650-0 is in; "(2" as a start is above 2-0.
        Assert.Equal(expected.Where(id => int.Parse(id[..^2]) is > 2 and <= 650).Reverse(), reversed.Items.Select(e => e[0].AsString()!));
        var info = (await c.ReadValueAfterAsync("XINFO", "STREAM", "sc:big")).Pairs.ToDictionary(p => p.Key.AsString()!, p => p.Value);
        Assert.Equal(expected.Length + 1, info["length"].AsInteger());
        Assert.Equal("1-0", info["first-entry"][0].AsString());
        Assert.Equal("700-0", info["last-entry"][0].AsString());
        Assert.Equal("682-0", info["max-deleted-entry-id"].AsString());
        Assert.True(info["radix-tree-keys"].AsInteger() >= 7);
    }
}
