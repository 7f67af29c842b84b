using System.Text;
using Istore.Tests.Infrastructure;
using Istore.Tests.Net;

namespace Istore.Tests.Node;

/// <summary>
/// PFADD PFCOUNT PFMERGE PFDEBUG side by side with a real redis-server 7: replies byte for byte,
/// and the stored value too — header (with the cardinality PFCOUNT caches) and every register,
/// sparse and dense. Values made by either server are read by the other; corrupt values are
/// detected alike.
/// </summary>
public abstract class HyperLogLogTests(NodeFixture fixture, RedisServerFixture redis)
{
    private Task<ReplyOracle> ConnectAsync() => ReplyOracle.ConnectAsync(fixture, redis);

    /// <summary>Asserts both servers store the same HLL, byte for byte: header (cached cardinality included) and registers.</summary>
    private static async Task AgreeOnValueAsync(ReplyOracle both, string key) => await both.AgreeAsync("GET", key);

    [Fact]
    public async Task Counts_and_registers_equal_redis_from_sparse_to_dense_and_large_cardinalities()
    {
        await using var both = await ConnectAsync();
        const string key = "hll:grow";
        await both.AgreeAsync("DEL", key);
        Assert.Equal(":1\r\n", await both.AgreeAsync("PFADD", key));
        await AgreeOnValueAsync(both, key);
        Assert.Equal(":0\r\n", await both.AgreeAsync("PFCOUNT", key));
        // One element at a time through the sparse form, until it turns dense (past 3000 bytes).
        int added = 0;
        while (await both.AgreeAsync("GETRANGE", key, "4", "4") == "$1\r\n\x01\r\n")
        {
            await both.AgreeAsync("PFADD", key, $"element:{added++}");
            await AgreeOnValueAsync(both, key);
        }
        Assert.InRange(added, 1000, 10_000);
        int batch = 1;
        while (added < 250_000)
        {
            var elements = Enumerable.Range(added, batch).Select(i => $"element:{i}").ToArray();
            await both.AgreeAsync(["PFADD", key, .. elements]);
            await AgreeOnValueAsync(both, key);
            string count = await both.AgreeAsync("PFCOUNT", key);
            added += batch;
            batch = Math.Min(batch * 2 + 1, 20_000);
            long estimate = long.Parse(count[1..^2]);
            Assert.InRange(estimate, added * 0.95, added * 1.05);
        }
        Assert.Equal("$5\r\nHYLL\0\r\n", await both.AgreeAsync("GETRANGE", key, "0", "4"));   // dense by now
        Assert.Equal(":0\r\n", await both.AgreeAsync("PFADD", key, "element:7"));
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    public async Task Random_command_streams_give_redis_replies(int seed)
    {
        await using var both = await ConnectAsync();
        var random = new Random(seed);
        string[] keys = [.. Enumerable.Range(0, 4).Select(i => $"hll:rnd{seed}:{i}")];
        await both.AgreeAsync(["DEL", .. keys]);
        string Key() => keys[random.Next(keys.Length)];
        string[] Elements(int max) => [.. Enumerable.Range(0, random.Next(0, max)).Select(_ => random.Next(0, 5000).ToString())];
        for (int step = 0; step < 1500; step++)
        {
            string[] command = random.Next(20) switch
            {
                < 8 => ["PFADD", Key(), .. Elements(random.Next(10) == 0 ? 400 : 12)],
                < 12 => ["PFCOUNT", Key()],
                < 14 => ["PFCOUNT", Key(), Key(), Key()],
                < 16 => ["PFMERGE", Key(), Key(), Key()],
                16 => ["GETRANGE", Key(), "16", "-1"],
                17 => ["DEL", Key()],
                18 => ["SET", Key(), "not a hyperloglog"],
                _ => ["SADD", Key(), "m"],
            };
            await both.AgreeAsync(command);
        }
        foreach (var key in keys)
            await both.AgreeAsync("TYPE", key);
    }

    [Fact]
    public async Task Values_made_by_either_server_are_read_by_the_other()
    {
        await using var both = await ConnectAsync();
        foreach (int size in new[] { 10, 300, 5000 })
        {
            var elements = Enumerable.Range(0, size).Select(i => $"x{i}").ToArray();
            // Made by redis-server (cache written by its PFCOUNT), then stored on both.
            await both.Redis.CommandAsync(["PFADD", $"hll:made:{size}", .. elements]);
            await both.Redis.CommandAsync("PFCOUNT", $"hll:made:{size}");
            string fromRedis = Encoding.Latin1.GetString(await GetBytesAsync(both.Redis, $"hll:made:{size}"));
            await both.AgreeAsync("SET", $"hll:from-redis:{size}", fromRedis);
            await both.AgreeAsync("PFCOUNT", $"hll:from-redis:{size}");
            await both.AgreeAsync("PFADD", $"hll:from-redis:{size}", "one more", "and another");
            await both.AgreeAsync("PFCOUNT", $"hll:from-redis:{size}");
            await AgreeOnValueAsync(both, $"hll:from-redis:{size}");

            // Made by the node, then stored on both.
            await both.Node.CommandAsync(["PFADD", $"hll:made:{size}", .. elements.Reverse()]);
            string fromNode = Encoding.Latin1.GetString(await GetBytesAsync(both.Node, $"hll:made:{size}"));
            await both.AgreeAsync("SET", $"hll:from-node:{size}", fromNode);
            await both.AgreeAsync("PFCOUNT", $"hll:from-node:{size}");
            await both.AgreeAsync("PFMERGE", $"hll:merged:{size}", $"hll:from-node:{size}", $"hll:from-redis:{size}");
            await both.AgreeAsync("PFCOUNT", $"hll:merged:{size}");
            await both.AgreeAsync("PFCOUNT", $"hll:from-node:{size}", $"hll:from-redis:{size}", "hll:missing");
            await AgreeOnValueAsync(both, $"hll:merged:{size}");
        }
    }

    private static async Task<byte[]> GetBytesAsync(RawConnection c, string key)
    {
        await c.SendCommandAsync("GET", key);
        var frame = await c.ReadFrameBytesAsync();
        int header = Array.IndexOf(frame, (byte)'\n') + 1;
        return frame[header..^2];
    }

    [Fact]
    public async Task Merge_keeps_the_destination_registers_and_ttl_and_turns_dense_with_a_dense_input()
    {
        await using var both = await ConnectAsync();
        var big = Enumerable.Range(0, 3000).Select(i => $"b{i}").ToArray();
        string[] script =
        [
            "DEL hll:m:dest hll:m:a hll:m:b hll:m:empty",
            "PFADD hll:m:a 1 2 3 4 5",
            "PFADD hll:m:b 4 5 6 7",
            "PFADD hll:m:dest z",
            "EXPIRE hll:m:dest 1000",
            "PFMERGE hll:m:dest hll:m:a hll:m:b hll:m:missing",
            "TTL hll:m:dest",
            "PFCOUNT hll:m:dest",
            "PFMERGE hll:m:empty",
            "PFCOUNT hll:m:empty",
            "PFMERGE hll:m:a hll:m:a",
        ];
        foreach (var line in script)
            await both.AgreeAsync(line.Split(' '));
        await AgreeOnValueAsync(both, "hll:m:dest");
        await AgreeOnValueAsync(both, "hll:m:empty");
        await both.AgreeAsync(["PFADD", "hll:m:big", .. big]);
        await both.AgreeAsync("PFMERGE", "hll:m:dest", "hll:m:big");
        await AgreeOnValueAsync(both, "hll:m:dest");
        await both.AgreeAsync("PFCOUNT", "hll:m:dest");
    }

    [Fact]
    public async Task Bad_values_and_types_get_redis_errors()
    {
        await using var both = await ConnectAsync();
        // A sparse HLL whose runs cover 16383 registers, with a stale cache so PFCOUNT must walk it.
        string corrupt = "HYLL\x01\0\0\0\0\0\0\0\0\0\0\x80\x7f\xfe";
        string denseHeaderShort = "HYLL\0\0\0\0\0\0\0\0\0\0\0\x80" + new string('\0', 100);
        string[][] script =
        [
            ["DEL", "hll:bad:s", "hll:bad:l", "hll:bad:c", "hll:bad:d", "hll:bad:ok", "hll:bad:n"],
            ["SET", "hll:bad:s", "not an hll at all"],
            ["SET", "hll:bad:n", "12345"],
            ["RPUSH", "hll:bad:l", "x"],
            ["SET", "hll:bad:c", corrupt],
            ["SET", "hll:bad:d", denseHeaderShort],
            ["PFADD", "hll:bad:ok", "a"],
            ["PFADD", "hll:bad:s", "a"], ["PFADD", "hll:bad:n", "a"], ["PFADD", "hll:bad:l", "a"], ["PFADD", "hll:bad:d", "a"],
            ["PFADD", "hll:bad:c", "a"],
            ["PFCOUNT", "hll:bad:s"], ["PFCOUNT", "hll:bad:l"], ["PFCOUNT", "hll:bad:c"], ["PFCOUNT", "hll:bad:d"],
            ["PFCOUNT", "hll:bad:ok", "hll:bad:s"], ["PFCOUNT", "hll:bad:ok", "hll:bad:l"], ["PFCOUNT", "hll:bad:ok", "hll:bad:c"],
            ["PFMERGE", "hll:bad:ok", "hll:bad:c"], ["PFMERGE", "hll:bad:ok", "hll:bad:s"], ["PFMERGE", "hll:bad:l", "hll:bad:ok"],
            ["PFMERGE", "hll:bad:s", "hll:bad:ok"],
            ["PFCOUNT", "hll:bad:ok"],
            ["GET", "hll:bad:s"], ["GET", "hll:bad:c"], ["LRANGE", "hll:bad:l", "0", "-1"],
        ];
        foreach (var command in script)
            await both.AgreeAsync(command);
        await AgreeOnValueAsync(both, "hll:bad:ok");
    }

    [Fact]
    public async Task Pfcount_caches_the_cardinality_in_the_header_and_pfadd_invalidates_it()
    {
        await using var both = await ConnectAsync();
        string[] script =
        [
            "DEL hll:cache", "PFADD hll:cache a b c", "GETRANGE hll:cache 15 15", "PFCOUNT hll:cache", "GETRANGE hll:cache 8 15",
            "PFADD hll:cache a b c", "GETRANGE hll:cache 15 15", "PFADD hll:cache 1 2 3", "GETRANGE hll:cache 15 15",
            "EXPIRE hll:cache 1000", "PFCOUNT hll:cache", "TTL hll:cache", "GET hll:cache",
        ];
        foreach (var line in script)
            await both.AgreeAsync(line.Split(' '));
    }

    /// <summary>PFADD into a dense value raises its registers where the engine stores it (in place on the memory engine): TTL, cache bit and registers as redis-server's.</summary>
    [Fact]
    public async Task Pfadd_into_a_dense_value_with_a_ttl_keeps_the_ttl_and_invalidates_the_cache_like_redis()
    {
        await using var both = await ConnectAsync();
        const string key = "hll:dense-ttl";
        await both.AgreeAsync("DEL", key);
        await both.AgreeAsync(["PFADD", key, .. Enumerable.Range(0, 5_000).Select(i => $"e{i}")]);
        Assert.Equal("$5\r\nHYLL\0\r\n", await both.AgreeAsync("GETRANGE", key, "0", "4"));
        await both.AgreeAsync("EXPIRE", key, "1000");
        for (int i = 0; i < 200; i++)
        {
            await both.AgreeAsync("PFCOUNT", key);   // caches the count, so the next PFADD that grows a register must mark it stale
            await both.AgreeAsync("PFADD", key, $"x{i}", $"y{i}", $"e{i}");
            await AgreeOnValueAsync(both, key);
        }
        Assert.Equal(":1\r\n", await both.AgreeAsync("EXPIRE", key, "2000", "GT"));   // the TTL survived: GT needs one
        // Elements already counted change nothing, the cached count's freshness included (the disk engine does not write the value back).
        await both.AgreeAsync("PFCOUNT", key);
        Assert.Equal(":0\r\n", await both.AgreeAsync("PFADD", key, "e1", "e2", "e3"));
        await AgreeOnValueAsync(both, key);
        // In a transaction too (the disk engine then reads and writes through the command's batch).
        await both.AgreeAsync("MULTI");
        await both.AgreeAsync("PFADD", key, "e4");
        await both.AgreeAsync("PFADD", key, "z1", "z2", "z3");
        await both.AgreeAsync("PFCOUNT", key);
        await both.AgreeAsync("EXEC");
        await AgreeOnValueAsync(both, key);
        Assert.Equal(":1\r\n", await both.AgreeAsync("EXPIRE", key, "3000", "GT"));
    }

    /// <summary>Random bytes written over sparse and dense values: every command detects the damage as redis-server does, and the node never fails.</summary>
    [Fact]
    public async Task Corrupt_values_are_detected_like_redis()
    {
        await using var both = await ConnectAsync();
        var random = new Random(5);
        for (int round = 0; round < 300; round++)
        {
            int size = random.Next(2) == 0 ? random.Next(1, 50) : random.Next(2000, 4000);
            await both.AgreeAsync("DEL", "hll:fuzz", "hll:fuzz:ok");
            await both.AgreeAsync(["PFADD", "hll:fuzz", .. Enumerable.Range(0, size).Select(i => $"f{round}:{i}")]);
            await both.AgreeAsync("PFADD", "hll:fuzz:ok", "x", "y");
            var value = await both.AgreeAsync("GET", "hll:fuzz");
            int length = int.Parse(value[1..value.IndexOf('\r')]);
            for (int hits = random.Next(1, 4); hits > 0; hits--)
            {
                string garbage = new([.. Enumerable.Range(0, random.Next(1, 4)).Select(_ => (char)random.Next(256))]);
                int at = random.Next(5) == 0 ? length : random.Next(16, length);
                await both.AgreeAsync(random.Next(6) == 0 ? ["APPEND", "hll:fuzz", garbage] : ["SETRANGE", "hll:fuzz", at.ToString(), garbage]);
            }
            string[] command = random.Next(4) switch
            {
                0 => ["PFCOUNT", "hll:fuzz"],
                1 => ["PFCOUNT", "hll:fuzz", "hll:fuzz:ok"],
                2 => ["PFMERGE", "hll:fuzz:ok", "hll:fuzz"],
                _ => ["PFADD", "hll:fuzz", $"new{round}"],
            };
            string reply = await both.AgreeAsync(command);
            if (!reply.StartsWith('-'))
                await both.AgreeAsync("GET", command[0] == "PFMERGE" ? "hll:fuzz:ok" : "hll:fuzz");
        }
    }

    [Fact]
    public async Task Pfdebug_and_pfselftest_answer_as_redis()
    {
        await using var both = await ConnectAsync();
        var elements = Enumerable.Range(0, 200).Select(i => $"d{i}").ToArray();
        await both.AgreeAsync("DEL", "hll:dbg", "hll:dbg2", "hll:dbg:list");
        await both.AgreeAsync(["PFADD", "hll:dbg", .. elements]);
        await both.AgreeAsync("PFADD", "hll:dbg2", "x");
        await both.AgreeAsync("EXPIRE", "hll:dbg2", "1000");
        await both.AgreeAsync("RPUSH", "hll:dbg:list", "x");
        string[] script =
        [
            "PFDEBUG ENCODING hll:dbg", "PFDEBUG DECODE hll:dbg", "PFDEBUG encoding hll:dbg2", "PFDEBUG DECODE hll:dbg2",
            "PFDEBUG GETREG hll:dbg", "PFDEBUG ENCODING hll:dbg", "PFDEBUG DECODE hll:dbg", "PFDEBUG GETREG hll:dbg",
            "PFDEBUG TODENSE hll:dbg", "PFDEBUG TODENSE hll:dbg2", "PFDEBUG TODENSE hll:dbg2", "TTL hll:dbg2", "PFCOUNT hll:dbg2",
            "PFDEBUG ENCODING hll:missing", "PFDEBUG ENCODING hll:dbg:list", "PFDEBUG NOSUCH hll:dbg", "PFDEBUG GETREG",
            "PFSELFTEST", "PFSELFTEST extra",
        ];
        foreach (var line in script)
            await both.AgreeAsync(line.Split(' '));
        await AgreeOnValueAsync(both, "hll:dbg");
        await AgreeOnValueAsync(both, "hll:dbg2");
    }
}
