using Istore.Node.Dump;
using Istore.Tests.Infrastructure;
using Istore.Tests.Net;
using StackExchange.Redis;

namespace Istore.Tests.Node;

/// <summary>
/// DUMP and RESTORE against a real redis-server 7.0: every type in every encoding Redis makes for
/// it (small and large collections, int strings, LZF-compressed strings and quicklist nodes)
/// dumped by Redis restores here with the same value, and what this node dumps restores into
/// Redis; older encodings (ziplist, zipmap, quicklist v1) restore as on Redis; corrupt payloads
/// get Redis's errors and write nothing.
/// </summary>
public abstract class DumpRestoreTests(NodeFixture fixture, RedisServerFixture redis) : IAsyncLifetime
{
    private ConnectionMultiplexer _redis = null!;

    private IDatabase Redis => _redis.GetDatabase();

    private IDatabase Node => fixture.Db;

    public async Task InitializeAsync() => _redis = await ConnectionMultiplexer.ConnectAsync(NodeFixture.Options(redis.Port));

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    private static RedisValue[] Items(int count, Func<int, RedisValue> item) => Enumerable.Range(0, count).Select(item).ToArray();

    /// <summary>Values of every type in every encoding Redis makes for it, by name (also <see cref="DumpBytesOracleTests"/>'s cases).</summary>
    internal static readonly Dictionary<string, Func<IDatabase, RedisKey, Task>> Builders = new()
    {
        ["string-raw"] = (db, k) => db.StringSetAsync(k, "hello world"),
        ["string-empty"] = (db, k) => db.StringSetAsync(k, ""),
        ["string-int8"] = (db, k) => db.StringSetAsync(k, "-7"),
        ["string-int32"] = (db, k) => db.StringSetAsync(k, "2147483647"),
        ["string-int64"] = (db, k) => db.StringSetAsync(k, "9223372036854775807"),
        ["string-not-canonical-int"] = (db, k) => db.StringSetAsync(k, "007"),
        ["string-compressible-100k"] = (db, k) => db.StringSetAsync(k, new string('a', 50_000) + new string('b', 50_000)),
        ["string-random-30k"] = (db, k) => db.StringSetAsync(k, RandomBytes(30_000)),
        ["list-listpack"] = (db, k) => db.ListRightPushAsync(k, ["a", "12", "-3", "", "x" + new string('y', 100)]),
        ["list-int-widths"] = (db, k) => db.ListRightPushAsync(k, Items(40, i => (RedisValue)(i % 2 == 0 ? (1L << (i + 1)) : -(1L << i)))),
        ["list-quicklist-5000"] = (db, k) => db.ListRightPushAsync(k, Items(5000, i => $"element-{i}")),
        ["set-intset"] = (db, k) => db.SetAddAsync(k, [1, 2, -3, 40000, 5_000_000_000]),
        ["set-hashtable-strings"] = (db, k) => db.SetAddAsync(k, ["a", "b", "c"]),
        ["set-hashtable-1000-ints"] = (db, k) => db.SetAddAsync(k, Items(1000, i => i)),
        ["set-intset-300"] = (db, k) => db.SetAddAsync(k, Items(300, i => i * 3 - 100)),
        ["set-intset-512"] = (db, k) => db.SetAddAsync(k, Items(512, i => 512 - i)),
        ["set-hashtable-513-ints"] = (db, k) => db.SetAddAsync(k, Items(513, i => i)),
        ["zset-listpack-fractions"] = (db, k) => db.SortedSetAddAsync(k, [new("a", 0.1), new("b", 1e-5), new("c", -2.5e20), new("d", 7), new("e", 0)]),
        ["list-quicklist-mixed-3000"] = (db, k) => db.ListRightPushAsync(k, Items(3000, i => i % 3 == 0 ? (RedisValue)(i * 7919L) : $"item-{i}-{i * 7919 % 1000}")),
        ["hash-listpack-100"] = (db, k) => db.HashSetAsync(k, Enumerable.Range(0, 100).Select(i => new HashEntry($"field:{i}", i % 2 == 0 ? $"value-{i * 31}" : i * 31)).ToArray()),
        ["set-intset-wide-100"] = (db, k) => db.SetAddAsync(k, Items(100, i => (long)i * i * i * 1000)),
        ["zset-listpack"] = (db, k) => db.SortedSetAddAsync(k, [new("a", 1), new("b", 2.5), new("c", -3), new("d", 1e300), new("e", double.PositiveInfinity), new("f", double.NegativeInfinity)]),
        ["zset-skiplist-1000"] = (db, k) => db.SortedSetAddAsync(k, Enumerable.Range(0, 1000).Select(i => new SortedSetEntry($"m{i}", i * 0.5)).ToArray()),
        ["hash-listpack"] = (db, k) => db.HashSetAsync(k, [new("f", "v"), new("n", "12"), new("neg", "-400000"), new("e", "")]),
        ["hash-listpack-fields-in-order"] = (db, k) => db.HashSetAsync(k, Enumerable.Range(0, 50).Select(i => new HashEntry($"f{i:D3}", i * 1000)).ToArray()),
        ["hash-hashtable-1000"] = (db, k) => db.HashSetAsync(k, Enumerable.Range(0, 1000).Select(i => new HashEntry($"f{i}", $"v{i}")).ToArray()),
        ["hash-long-value"] = (db, k) => db.HashSetAsync(k, [new("f", new string('z', 200))]),
    };

    public static TheoryData<string> Kinds() => [.. Builders.Keys];

    /// <summary>The same bytes every time (a value is built once on each server and compared).</summary>
    private static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        return bytes;
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_value_dumped_by_redis_restores_here_and_back(string kind)
    {
        string key = "dump:" + kind;
        await Redis.KeyDeleteAsync(key);
        await Node.KeyDeleteAsync(key);
        await Builders[kind](Redis, key);
        string expected = await ValueSnapshot.OfAsync(Redis, key);

        await Node.KeyRestoreAsync(key, (await Redis.KeyDumpAsync(key))!);
        Assert.Equal(expected, await ValueSnapshot.OfAsync(Node, key));

        var ours = (await Node.KeyDumpAsync(key))!;
        await Redis.KeyDeleteAsync(key);
        await Redis.KeyRestoreAsync(key, ours);
        Assert.Equal(expected, await ValueSnapshot.OfAsync(Redis, key));
    }

    [Fact]
    public async Task Compressed_quicklist_nodes_restore()
    {
        const string key = "dump:compressed-list";
        await Redis.ExecuteAsync("CONFIG", "SET", "list-compress-depth", "1");
        try
        {
            await Redis.KeyDeleteAsync(key);
            await Node.KeyDeleteAsync(key);
            await Redis.ListRightPushAsync(key, Items(3000, i => $"a fairly compressible element number {i % 10}"));
            await Node.KeyRestoreAsync(key, (await Redis.KeyDumpAsync(key))!);
            Assert.Equal(await ValueSnapshot.OfAsync(Redis, key), await ValueSnapshot.OfAsync(Node, key));
        }
        finally
        {
            await Redis.ExecuteAsync("CONFIG", "SET", "list-compress-depth", "0");
        }
    }

    [Fact]
    public async Task Restore_sets_the_ttl_and_accepts_absttl_idletime_and_freq()
    {
        await using var c = await fixture.ConnectAsync();
        await Node.KeyDeleteAsync(["dump:ttl", "dump:abs", "dump:idle", "dump:freq", "dump:past"]);
        await RestoreAsync(c, "dump:ttl", "60000", DumpOf("v"));
        Assert.InRange((long)(await Node.ExecuteAsync("PTTL", "dump:ttl")), 50_000, 60_000);
        long at = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 90_000;
        await RestoreAsync(c, "dump:abs", at.ToString(), DumpOf("v"), "ABSTTL");
        Assert.Equal(at, (long)await Node.ExecuteAsync("PEXPIRETIME", "dump:abs"));
        await RestoreAsync(c, "dump:idle", "0", DumpOf("v"), "IDLETIME", "100");
        await RestoreAsync(c, "dump:freq", "0", DumpOf("v"), "FREQ", "5");
        Assert.Equal(-1, (long)await Node.ExecuteAsync("PTTL", "dump:freq"));
        await RestoreAsync(c, "dump:past", "1000", DumpOf("v"), "ABSTTL");
        Assert.False(await Node.KeyExistsAsync("dump:past"));
    }

    private static byte[] DumpOf(string value) => DumpPayloads.Seal(RdbType.String, DumpPayloads.RdbString(value));

    private static async Task RestoreAsync(RawConnection c, string key, string ttl, byte[] payload, params string[] options)
    {
        var args = new List<byte[]> { "RESTORE"u8.ToArray(), System.Text.Encoding.UTF8.GetBytes(key), System.Text.Encoding.UTF8.GetBytes(ttl), payload };
        args.AddRange(options.Select(System.Text.Encoding.UTF8.GetBytes));
        await c.SendAsync(RespEncoding.Command([.. args]));
        Assert.Equal("+OK\r\n", await c.ReadFrameAsync());
    }

    public static TheoryData<string> BadRestores() =>
    [
        "busy", "negative-ttl", "ttl-not-integer", "bad-crc", "truncated", "short", "unknown-type", "newer-version",
        "empty-list", "bad-intset", "bad-ziplist", "duplicate-set-member", "nan-score", "idletime-negative", "freq-256",
        "idletime-and-freq", "syntax", "istore-ranklist-type",
    ];

    /// <summary>The same bad RESTORE to redis-server and here: the same reply, and nothing written on either.</summary>
    [Theory]
    [MemberData(nameof(BadRestores))]
    public async Task A_bad_restore_gets_redis_error_and_writes_nothing(string kind)
    {
        string key = "dump:bad:" + kind;
        var good = DumpOf("v");
        var corrupt = (byte[])good.Clone();
        corrupt[2] ^= 0x20;
        var args = kind switch
        {
            "busy" => Args(key, "0", good),
            "negative-ttl" => Args(key, "-1", good),
            "ttl-not-integer" => Args(key, "soon", good),
            "bad-crc" => Args(key, "0", corrupt),
            "truncated" => Args(key, "0", good[..^3]),
            "short" => Args(key, "0", good[..5]),
            "unknown-type" => Args(key, "0", DumpPayloads.Seal(99, DumpPayloads.RdbString("v"))),
            "newer-version" => Args(key, "0", DumpPayloads.Seal(RdbType.String, DumpPayloads.RdbString("v"), version: 11)),
            "empty-list" => Args(key, "0", DumpPayloads.Seal(RdbType.List, [0])),
            "bad-intset" => Args(key, "0", DumpPayloads.Seal(RdbType.SetIntset, DumpPayloads.RdbString(new byte[] { 3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0 }))),
            "bad-ziplist" => Args(key, "0", DumpPayloads.Seal(RdbType.ListZiplist, DumpPayloads.RdbString(DumpPayloads.Ziplist("a", "b")[..^4]))),
            "duplicate-set-member" => Args(key, "0", DumpPayloads.Seal(RdbType.Set, [2, .. DumpPayloads.RdbString("a"), .. DumpPayloads.RdbString("a")])),
            "nan-score" => Args(key, "0", DumpPayloads.Seal(RdbType.ZSet2, [1, .. DumpPayloads.RdbString("a"), .. BitConverter.GetBytes(double.NaN)])),
            "idletime-negative" => Args(key, "0", good, "IDLETIME", "-1"),
            "freq-256" => Args(key, "0", good, "FREQ", "256"),
            "idletime-and-freq" => Args(key, "0", good, "IDLETIME", "1", "FREQ", "1"),
            "syntax" => Args(key, "0", good, "SOON"),
            "istore-ranklist-type" => Args(key, "0", DumpPayloads.Seal(RdbType.IstoreRankList, DumpPayloads.RdbString("x"))),
            _ => throw new ArgumentException(kind),
        };
        await using var node = await fixture.ConnectAsync();
        await using var oracle = await RawConnection.ConnectAsync(redis.Port);
        foreach (var c in new[] { node, oracle })
        {
            await c.CommandAsync("DEL", key);
            if (kind == "busy")
                await c.CommandAsync("SET", key, "old");
        }
        await oracle.SendAsync(RespEncoding.Command(args));
        string expected = await oracle.ReadFrameAsync();
        await node.SendAsync(RespEncoding.Command(args));
        Assert.Equal(expected, await node.ReadFrameAsync());
        Assert.StartsWith("-", expected);
        string before = kind == "busy" ? "$3\r\nold\r\n" : "$-1\r\n";
        Assert.Equal(before, await node.CommandAsync("GET", key));
        Assert.Equal(before, await oracle.CommandAsync("GET", key));
    }

    private static byte[][] Args(string key, string ttl, byte[] payload, params string[] options) =>
        [.. new[] { "RESTORE", key, ttl }.Select(System.Text.Encoding.UTF8.GetBytes), payload, .. options.Select(System.Text.Encoding.UTF8.GetBytes)];

    /// <summary>
    /// Valid payloads with bytes flipped or cut, re-sealed with a correct checksum (what passes the
    /// CRC and reaches the decoders): each restore answers OK or Bad data format — never an internal
    /// error, a dropped connection or a runaway allocation — and the node stays up.
    /// </summary>
    [Fact]
    public async Task Corrupt_payloads_with_valid_checksums_never_break_the_node()
    {
        string[] kinds = ["hash-listpack", "zset-listpack", "list-quicklist-5000", "set-intset", "string-compressible-100k", "hash-hashtable-1000"];
        var sources = new List<byte[]>();
        foreach (var kind in kinds)
        {
            string key = "dump:fuzz:" + kind;
            await Redis.KeyDeleteAsync(key);
            await Builders[kind](Redis, key);
            sources.Add((await Redis.KeyDumpAsync(key))!);
        }
        await Redis.KeyDeleteAsync("dump:fuzz:stream");
        for (int i = 0; i < 20; i++)
            await Redis.StreamAddAsync("dump:fuzz:stream", i % 3 == 0 ? "a" : "b", i);
        await Redis.ExecuteAsync("XGROUP", "CREATE", "dump:fuzz:stream", "g", "0");
        await Redis.ExecuteAsync("XREADGROUP", "GROUP", "g", "c", "COUNT", "3", "STREAMS", "dump:fuzz:stream", ">");
        sources.Add((await Redis.KeyDumpAsync("dump:fuzz:stream"))!);
        await using (var memory = await NodeProcess.StartAsync(["--engine", "memory"]))
        await using (var m = await memory.ConnectAsync())
        {
            await m.CommandAsync("RL.ADD", "rl", "5", "a", "9", "b", "1", "c");
            await m.CommandAsync("BF.INSERT", "bf", "CAPACITY", "20", "ITEMS", "x", "y", "z");
            sources.Add((await m.ReadValueAfterAsync("DUMP", "rl")).AsBytes()!);
            sources.Add((await m.ReadValueAfterAsync("DUMP", "bf")).AsBytes()!);
        }
        var random = new Random(1515);
        await using var c = await fixture.ConnectAsync();
        int restored = 0;
        foreach (var source in sources)
        {
            var body = source[1..^10];
            for (int round = 0; round < 150; round++)
            {
                var mutated = (byte[])body.Clone();
                if (round % 10 == 9)
                {
                    mutated = mutated[..random.Next(mutated.Length)];
                }
                else
                {
                    for (int flips = 1 + random.Next(3); flips > 0; flips--)
                        mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
                }
                var payload = DumpPayloads.Seal(source[0], mutated);
                await c.SendAsync(RespEncoding.Command("RESTORE"u8.ToArray(), "dump:fuzzed"u8.ToArray(), "0"u8.ToArray(), payload, "REPLACE"u8.ToArray()));
                string reply = await c.ReadFrameAsync();
                Assert.True(reply is "+OK\r\n" or "-ERR Bad data format\r\n" || reply.StartsWith("-ERR the disk engine does not store"),
                    $"{Convert.ToHexString(payload)} → {reply}");
                if (reply == "+OK\r\n")
                    restored++;
            }
        }
        Assert.Equal("+PONG\r\n", await c.CommandAsync("PING"));
        Assert.True(restored > 0, "no mutation restored: the mutations never reached a value's bytes");
    }

    public static TheoryData<string> OldEncodings() => ["list", "list-ziplist", "list-quicklist-v1", "zset-text-scores", "zset-ziplist", "hash-ziplist", "hash-zipmap"];

    /// <summary>Payloads in encodings Redis 7 no longer writes but still loads: the same value here as on Redis.</summary>
    [Theory]
    [MemberData(nameof(OldEncodings))]
    public async Task An_older_encoding_restores_as_on_redis(string kind)
    {
        string key = "dump:old:" + kind;
        var ziplist = DumpPayloads.Ziplist("a", 7L, "-", -100L, "long element " + new string('e', 40), 123456L);
        var payload = kind switch
        {
            "list" => DumpPayloads.Seal(RdbType.List, [2, .. DumpPayloads.RdbString("x"), .. DumpPayloads.RdbString("12")]),
            "list-ziplist" => DumpPayloads.Seal(RdbType.ListZiplist, DumpPayloads.RdbString(ziplist)),
            "list-quicklist-v1" => DumpPayloads.Seal(RdbType.ListQuicklist, [2, .. DumpPayloads.RdbString(ziplist), .. DumpPayloads.RdbString(DumpPayloads.Ziplist("tail", 12L))]),
            "zset-text-scores" => DumpPayloads.Seal(RdbType.ZSet, [3, .. DumpPayloads.RdbString("a"), 3, .. "1.5"u8, .. DumpPayloads.RdbString("b"), 254, .. DumpPayloads.RdbString("c"), 255]),
            "zset-ziplist" => DumpPayloads.Seal(RdbType.ZSetZiplist, DumpPayloads.RdbString(DumpPayloads.Ziplist("c", -20L, "a", 1L, "b", "2.5"))),
            "hash-ziplist" => DumpPayloads.Seal(RdbType.HashZiplist, DumpPayloads.RdbString(ziplist)),
            "hash-zipmap" => DumpPayloads.Seal(RdbType.HashZipmap, DumpPayloads.RdbString(DumpPayloads.Zipmap("f", "v", "name", "istore"))),
            _ => throw new ArgumentException(kind),
        };
        await Redis.KeyDeleteAsync(key);
        await Node.KeyDeleteAsync(key);
        await Redis.KeyRestoreAsync(key, payload);
        await Node.KeyRestoreAsync(key, payload);
        Assert.Equal(await ValueSnapshot.OfAsync(Redis, key), await ValueSnapshot.OfAsync(Node, key));
    }

    [Fact]
    public async Task Restore_replace_overwrites_any_type_and_is_durable()
    {
        await using var node = await fixture.StartNodeAsync();
        await using var c = await node.ConnectAsync();
        await c.CommandAsync("SADD", "dump:r", "old");
        await Redis.KeyDeleteAsync("dump:src");
        await Redis.HashSetAsync("dump:src", [new("f", "v"), new("g", "w")]);
        var payload = (await Redis.KeyDumpAsync("dump:src"))!;
        await c.SendAsync(RespEncoding.Command("RESTORE"u8.ToArray(), "dump:r"u8.ToArray(), "0"u8.ToArray(), payload, "REPLACE"u8.ToArray()));
        Assert.Equal("+OK\r\n", await c.ReadFrameAsync());
        await c.SendAsync(RespEncoding.Command("RESTORE"u8.ToArray(), "dump:s"u8.ToArray(), "100000"u8.ToArray(), DumpOf("text")));
        Assert.Equal("+OK\r\n", await c.ReadFrameAsync());
        await node.AssertSurvivesKillAndRestartAsync(async r =>
            await r.CommandAsync("HGETALL", "dump:r") + await r.CommandAsync("GET", "dump:s") + (long.Parse((await r.CommandAsync("PTTL", "dump:s"))[1..].Trim()) is > 40_000 and < 100_000),
            "*4\r\n$1\r\nf\r\n$1\r\nv\r\n$1\r\ng\r\n$1\r\nw\r\n$4\r\ntext\r\nTrue");
    }

    /// <summary>
    /// A stream with mixed field sets, deleted entries, groups, consumers and pending entries
    /// dumped by Redis restores here (memory engine; the disk engine stores no streams) and back.
    /// </summary>
    [Fact]
    public async Task Streams_round_trip_with_their_groups()
    {
        const string key = "dump:stream";
        await using var oracle = await RawConnection.ConnectAsync(redis.Port);
        await using var node = await fixture.ConnectAsync();
        await oracle.CommandAsync("DEL", key, key + ":back");
        await node.CommandAsync("DEL", key);
        for (int i = 1; i <= 250; i++)
            await oracle.CommandAsync(i % 7 == 0 ? ["XADD", key, $"{i}-{i % 3}", "other", "x", "n", i.ToString()] : ["XADD", key, $"{i}-{i % 3}", "name", $"item{i}", "n", i.ToString()]);
        await oracle.CommandAsync("XDEL", key, "5-2", "100-1");
        await oracle.CommandAsync("XGROUP", "CREATE", key, "g1", "0");
        await oracle.CommandAsync("XGROUP", "CREATE", key, "g2", "$");
        await oracle.CommandAsync("XREADGROUP", "GROUP", "g1", "alice", "COUNT", "5", "STREAMS", key, ">");
        await oracle.CommandAsync("XREADGROUP", "GROUP", "g1", "bob", "COUNT", "3", "STREAMS", key, ">");
        await oracle.CommandAsync("XACK", key, "g1", "2-2");
        await oracle.CommandAsync("XGROUP", "CREATECONSUMER", key, "g2", "carol");
        var payload = (await oracle.ReadValueAfterAsync("DUMP", key)).AsBytes()!;

        await node.SendAsync(RespEncoding.Command("RESTORE"u8.ToArray(), System.Text.Encoding.UTF8.GetBytes(key), "0"u8.ToArray(), payload));
        string restored = await node.ReadFrameAsync();
        Assert.Equal("+OK\r\n", restored);
        Assert.Equal(await StreamStateAsync(oracle, key), await StreamStateAsync(node, key));

        var ours = (await node.ReadValueAfterAsync("DUMP", key)).AsBytes()!;
        await oracle.SendAsync(RespEncoding.Command("RESTORE"u8.ToArray(), System.Text.Encoding.UTF8.GetBytes(key + ":back"), "0"u8.ToArray(), ours));
        Assert.Equal("+OK\r\n", await oracle.ReadFrameAsync());
        Assert.Equal(await StreamStateAsync(oracle, key), await StreamStateAsync(oracle, key + ":back"));
        Assert.Equal("$5\r\n251-0\r\n", await oracle.CommandAsync("XADD", key + ":back", "251-0", "name", "next"));
    }

    /// <summary>What a stream holds, without what depends on its layout or the clock (radix tree sizes, idle times).</summary>
    private static async Task<string> StreamStateAsync(RawConnection c, string key)
    {
        var parts = new List<string> { Render(await c.ReadValueAfterAsync("XRANGE", key, "-", "+")) };
        var info = (await c.ReadValueAfterAsync("XINFO", "STREAM", key)).Items;
        for (int i = 0; i < info.Count; i += 2)
            if (info[i].AsString() is "length" or "last-generated-id" or "max-deleted-entry-id" or "entries-added" or "recorded-first-entry-id")
                parts.Add($"{info[i].AsString()}={Render(info[i + 1])}");
        parts.Add(Render(await c.ReadValueAfterAsync("XINFO", "GROUPS", key)));
        foreach (var group in new[] { "g1", "g2" })
        {
            foreach (var entry in (await c.ReadValueAfterAsync("XPENDING", key, group, "-", "+", "100")).Items)
                parts.Add($"{entry[0].AsString()} {entry[1].AsString()} {entry[3].AsInteger()}");
            foreach (var consumer in (await c.ReadValueAfterAsync("XINFO", "CONSUMERS", key, group)).Items)
                parts.Add($"{consumer[1].AsString()} pending {consumer[3].AsInteger()}");
        }
        return string.Join("\n", parts);
    }

    private static string Render(Istore.Net.Resp.RespValue value) =>
        value.IsAggregate ? "[" + string.Join(" ", value.Items.Select(Render)) + "]" : $"{value.AsString()}";

    /// <summary>istore's own types travel between istore nodes under their own type ids; Redis refuses them.</summary>
    [Fact]
    public async Task Ranklists_and_bloom_filters_round_trip_here_and_redis_refuses_them()
    {
        await using var memory = await NodeProcess.StartAsync(["--engine", "memory"]);
        await using var source = await memory.ConnectAsync();
        await source.CommandAsync("RL.ADD", "rl", "MAXLEN", "3", "5", "a", "9", "b", "1", "c", "7", "d");
        await source.CommandAsync("BF.ADD", "bf", "seen");
        var ranklist = (await source.ReadValueAfterAsync("DUMP", "rl")).AsBytes()!;
        var bloom = (await source.ReadValueAfterAsync("DUMP", "bf")).AsBytes()!;
        await using var c = await fixture.ConnectAsync();
        await c.CommandAsync("DEL", "dump:rl", "dump:bf");
        await c.SendAsync(RespEncoding.Command("RESTORE"u8.ToArray(), "dump:rl"u8.ToArray(), "0"u8.ToArray(), ranklist));
        string restored = await c.ReadFrameAsync();
        await c.SendAsync(RespEncoding.Command("RESTORE"u8.ToArray(), "dump:bf"u8.ToArray(), "0"u8.ToArray(), bloom));
        string restoredBloom = await c.ReadFrameAsync();
        Assert.Equal("+OK\r\n", restored);
        Assert.Equal("+OK\r\n", restoredBloom);
        Assert.Equal(await source.CommandAsync("RL.RANGE", "rl", "0", "-1", "WITHSCORES"), await c.CommandAsync("RL.RANGE", "dump:rl", "0", "-1", "WITHSCORES"));
        Assert.Equal(":1\r\n", await c.CommandAsync("BF.EXISTS", "dump:bf", "seen"));
        Assert.Equal(await source.CommandAsync("BF.INFO", "bf"), await c.CommandAsync("BF.INFO", "dump:bf"));
        // And back: this node's payloads (the disk engine's own reading of them) restore on the memory node, cap included.
        await c.CommandAsync("BF.ADD", "dump:bf", "later");
        foreach (var (key, copy) in new[] { ("dump:rl", "back:rl"), ("dump:bf", "back:bf") })
        {
            var payload = (await c.ReadValueAfterAsync("DUMP", key)).AsBytes()!;
            await source.SendAsync(RespEncoding.Command("RESTORE"u8.ToArray(), System.Text.Encoding.UTF8.GetBytes(copy), "0"u8.ToArray(), payload));
            Assert.Equal("+OK\r\n", await source.ReadFrameAsync());
        }
        Assert.Equal(await c.CommandAsync("RL.RANGE", "dump:rl", "0", "-1", "WITHSCORES"), await source.CommandAsync("RL.RANGE", "back:rl", "0", "-1", "WITHSCORES"));
        Assert.Equal(":1\r\n", await source.CommandAsync("RL.ADD", "back:rl", "100", "top"));
        Assert.Equal(":3\r\n", await source.CommandAsync("RL.CARD", "back:rl"));
        Assert.Equal("*3\r\n:1\r\n:1\r\n:0\r\n", await source.CommandAsync("BF.MEXISTS", "back:bf", "seen", "later", "never"));
        Assert.Equal(await c.CommandAsync("BF.INFO", "dump:bf"), await source.CommandAsync("BF.INFO", "back:bf"));
        await using var oracle = await RawConnection.ConnectAsync(redis.Port);
        await oracle.SendAsync(RespEncoding.Command("RESTORE"u8.ToArray(), "dump:rl"u8.ToArray(), "0"u8.ToArray(), ranklist));
        Assert.Equal("-ERR Bad data format\r\n", await oracle.ReadFrameAsync());
    }
}

/// <summary>Engine-free checks of the payload format.</summary>
public class DumpFormatTests
{
    [Fact]
    public void Crc64_is_redis_jones_checksum() =>
        Assert.Equal(0xe9c6d914c4b8d9caUL, Crc64Jones.Compute("123456789"u8));

    [Fact]
    public void Lzf_refuses_a_back_reference_before_the_start()
    {
        var output = new byte[8];
        Assert.False(Lzf.TryDecompress([0x20, 0x05], output));
        Assert.True(Lzf.TryDecompress([0x00, (byte)'a', 0xA0, 0x00], output));   // 'a', then 7 more copied from one back
        Assert.Equal("aaaaaaaa", System.Text.Encoding.ASCII.GetString(output));
    }
}
