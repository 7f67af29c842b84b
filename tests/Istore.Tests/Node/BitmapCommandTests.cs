using Istore.Tests.Infrastructure;
using Istore.Tests.Net;

namespace Istore.Tests.Node;

/// <summary>
/// SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD BITFIELD_RO, run side by side on the node and on
/// a real redis-server 7: every reply (values, integers, errors) must be byte-identical. Edge
/// ranges are enumerated exhaustively, long strings exercise the vectorised paths and their
/// tails, and a seeded random stream mixes every command with type changes and bad input.
/// </summary>
public abstract class BitmapCommandTests(NodeFixture fixture, RedisServerFixture redis)
{
    private Task<ReplyOracle> ConnectAsync() => ReplyOracle.ConnectAsync(fixture, redis);

    /// <summary>A string of raw bytes, one Latin-1 char per byte.</summary>
    private static string Bytes(Random random, int length)
    {
        var chars = new char[length];
        for (int i = 0; i < length; i++)
            chars[i] = (char)random.Next(256);
        return new string(chars);
    }

    [Fact]
    public async Task Setbit_and_getbit_grow_pad_and_keep_the_ttl()
    {
        await using var both = await ConnectAsync();
        await both.AgreeAsync("DEL", "bm:s");
        Assert.Equal(":0\r\n", await both.AgreeAsync("SETBIT", "bm:s", "7", "1"));
        Assert.Equal(":1\r\n", await both.AgreeAsync("SETBIT", "bm:s", "7", "1"));
        await both.AgreeAsync("SETBIT", "bm:s", "100", "1");
        await both.AgreeAsync("SETBIT", "bm:s", "100", "0");
        await both.AgreeAsync("GET", "bm:s");
        await both.AgreeAsync("STRLEN", "bm:s");
        await both.AgreeAsync("EXPIRE", "bm:s", "1000");
        await both.AgreeAsync("SETBIT", "bm:s", "500", "1");
        await both.AgreeAsync("TTL", "bm:s");
        foreach (var offset in new[] { "0", "7", "8", "100", "500", "501", "4000", "4294967295" })
            await both.AgreeAsync("GETBIT", "bm:s", offset);
        await both.AgreeAsync("GETBIT", "bm:missing", "3");
        // SETBIT 0 on a missing key still creates it (zero bytes up to the offset).
        await both.AgreeAsync("DEL", "bm:zero");
        await both.AgreeAsync("SETBIT", "bm:zero", "20", "0");
        await both.AgreeAsync("GET", "bm:zero");
        // A number stored by SET is its decimal text, bit by bit.
        await both.AgreeAsync("SET", "bm:n", "12345");
        await both.AgreeAsync("SETBIT", "bm:n", "3", "1");
        await both.AgreeAsync("GET", "bm:n");
    }

    [Fact]
    public async Task Bitcount_and_bitpos_agree_on_every_edge_range()
    {
        await using var both = await ConnectAsync();
        string[] values = ["", "\xff", "\x00\x00", "\xff\xf0\x00", "\x00\x0f\xff\x00", "foobar", new string('\xff', 40), new string('\x00', 40) + "\x01"];
        string[] bounds = ["-100", "-17", "-9", "-8", "-1", "0", "1", "2", "3", "7", "8", "9", "15", "16", "17", "100"];
        for (int v = 0; v < values.Length; v++)
        {
            string key = $"bm:edge:{v}";
            await both.AgreeAsync("SET", key, values[v]);
            await both.AgreeAsync("BITCOUNT", key);
            foreach (var bit in new[] { "0", "1" })
            {
                await both.AgreeAsync("BITPOS", key, bit);
                foreach (var start in bounds)
                    await both.AgreeAsync("BITPOS", key, bit, start);
            }
            foreach (var start in bounds)
            {
                foreach (var end in bounds)
                {
                    await both.AgreeAsync("BITCOUNT", key, start, end);
                    await both.AgreeAsync("BITCOUNT", key, start, end, "BIT");
                    await both.AgreeAsync("BITCOUNT", key, start, end, "byte");
                    foreach (var bit in new[] { "0", "1" })
                    {
                        await both.AgreeAsync("BITPOS", key, bit, start, end);
                        await both.AgreeAsync("BITPOS", key, bit, start, end, "BIT");
                        await both.AgreeAsync("BITPOS", key, bit, start, end, "BYTE");
                    }
                }
            }
        }
        Assert.True(both.Compared > 18_000);
    }

    [Fact]
    public async Task Long_strings_count_and_search_like_redis()
    {
        await using var both = await ConnectAsync();
        var random = new Random(42);
        // Lengths around the vector widths, so every tail length is met; then a 1 MB string.
        foreach (int length in new[] { 31, 32, 33, 63, 64, 65, 95, 127, 129, 1000, 4099, 1 << 20 })
        {
            string key = $"bm:long:{length}";
            await both.AgreeAsync("SET", key, Bytes(random, length));
            await both.AgreeAsync("BITCOUNT", key);
            await both.AgreeAsync("BITCOUNT", key, "1", "-2");
            await both.AgreeAsync("BITCOUNT", key, "3", (length * 8 - 5).ToString(), "BIT");
            // A long run of zeros (or ones) before the first hit.
            string zeros = $"bm:zeros:{length}";
            await both.AgreeAsync("SET", zeros, new string('\0', length - 1) + "\x10");
            await both.AgreeAsync("BITPOS", zeros, "1");
            await both.AgreeAsync("BITPOS", zeros, "1", "1");
            await both.AgreeAsync("BITPOS", zeros, "1", "9", "-1", "BIT");
            await both.AgreeAsync("SET", zeros, new string('\xff', length - 1) + "\xfe");
            await both.AgreeAsync("BITPOS", zeros, "0");
            await both.AgreeAsync("BITPOS", zeros, "0", "0", "-2");
            await both.AgreeAsync("BITPOS", zeros, "0", "0", "-1");
        }
    }

    [Fact]
    public async Task Bitop_pads_shorter_sources_and_replaces_or_deletes_the_destination()
    {
        await using var both = await ConnectAsync();
        var random = new Random(7);
        string[] sources = ["bm:op:a", "bm:op:b", "bm:op:c", "bm:op:missing"];
        await both.AgreeAsync("SET", sources[0], Bytes(random, 1000));
        await both.AgreeAsync("SET", sources[1], Bytes(random, 37));
        await both.AgreeAsync("SET", sources[2], Bytes(random, 1033));
        await both.AgreeAsync("DEL", sources[3]);
        string[][] combinations = [[sources[0]], [sources[0], sources[1]], [sources[1], sources[2], sources[0]], [sources[3], sources[1]], sources, [sources[0], sources[0]]];
        foreach (var op in new[] { "AND", "or", "Xor" })
        {
            foreach (var from in combinations)
            {
                await both.AgreeAsync(["BITOP", op, "bm:op:dest", .. from]);
                await both.AgreeAsync("GET", "bm:op:dest");
            }
        }
        foreach (var from in sources)
        {
            await both.AgreeAsync("BITOP", "NOT", "bm:op:dest", from);
            await both.AgreeAsync("GET", "bm:op:dest");
        }
        // The result replaces any type and drops the TTL; an all-missing input deletes the destination.
        await both.AgreeAsync("RPUSH", "bm:op:list", "x");
        await both.AgreeAsync("BITOP", "OR", "bm:op:list", sources[1]);
        await both.AgreeAsync("TYPE", "bm:op:list");
        await both.AgreeAsync("SET", "bm:op:ttl", "x", "EX", "100");
        await both.AgreeAsync("BITOP", "AND", "bm:op:ttl", sources[1], sources[0]);
        await both.AgreeAsync("TTL", "bm:op:ttl");
        await both.AgreeAsync("BITOP", "AND", "bm:op:ttl", sources[3]);
        await both.AgreeAsync("EXISTS", "bm:op:ttl");
        // The destination may be a source.
        await both.AgreeAsync("BITOP", "XOR", sources[1], sources[1], sources[2]);
        await both.AgreeAsync("GET", sources[1]);
    }

    /// <summary>The result is made in 16 KB blocks: sources that end inside, at and past a block's edge.</summary>
    [Fact]
    public async Task Bitop_over_strings_longer_than_a_block_matches_redis()
    {
        await using var both = await ConnectAsync();
        var random = new Random(11);
        int[] lengths = [3 * 16384 + 5, 16384, 16383, 40000, 16385];
        string[] sources = [.. lengths.Select((_, i) => $"bm:long:{i}")];
        for (int i = 0; i < lengths.Length; i++)
            await both.AgreeAsync("SET", sources[i], Bytes(random, lengths[i]));
        foreach (var op in new[] { "AND", "OR", "XOR" })
        {
            await both.AgreeAsync(["BITOP", op, "bm:long:dest", .. sources]);
            await both.AgreeAsync("GET", "bm:long:dest");
            await both.AgreeAsync("BITOP", op, "bm:long:dest", sources[2], sources[0], "bm:long:missing");
            await both.AgreeAsync("GET", "bm:long:dest");
        }
        await both.AgreeAsync("BITOP", "NOT", "bm:long:dest", sources[0]);
        await both.AgreeAsync("GET", "bm:long:dest");
    }

    [Fact]
    public async Task Bitfield_reads_writes_and_overflows_like_redis()
    {
        await using var both = await ConnectAsync();
        string[] script =
        [
            "DEL bm:bf",
            "BITFIELD bm:bf",
            "BITFIELD bm:bf GET u8 0",
            "EXISTS bm:bf",
            "BITFIELD bm:bf SET u8 0 255 GET u8 0 GET i8 0 GET u4 4 GET i64 0",
            "BITFIELD bm:bf SET i5 #3 -7 GET i5 #3 GET u5 #3 INCRBY i5 #3 20",
            "BITFIELD bm:bf INCRBY u2 100 1 INCRBY u2 100 1 INCRBY u2 100 1 INCRBY u2 100 1 INCRBY u2 100 -5",
            "BITFIELD bm:bf OVERFLOW SAT INCRBY u2 102 10 INCRBY u2 102 -10 INCRBY i8 200 1000 INCRBY i8 200 -1000",
            "BITFIELD bm:bf OVERFLOW FAIL INCRBY u2 102 10 INCRBY u2 102 -1 SET i4 0 100 SET u3 0 8 GET u8 0",
            "BITFIELD bm:bf OVERFLOW WRAP SET i8 0 200 SET u8 8 -1 SET i64 64 -9223372036854775808 INCRBY i64 64 -1 GET i64 64",
            "BITFIELD bm:bf OVERFLOW SAT INCRBY i64 64 -1 INCRBY i64 64 9223372036854775807 INCRBY i64 64 9223372036854775807",
            "BITFIELD bm:bf OVERFLOW SAT SET u63 0 -1 GET u63 0 OVERFLOW WRAP INCRBY u63 0 1 INCRBY u63 0 -1",
            "BITFIELD bm:bf SET i1 3 1 GET i1 3 GET u1 3 INCRBY i1 3 1",
            "BITFIELD bm:bf GET u16 1000 GET i16 #10000",
            "GET bm:bf",
            "BITFIELD_RO bm:bf GET u8 0 GET i3 5",
            "BITFIELD_RO bm:bf",
            "BITFIELD_RO bm:missing GET u8 0",
            "DEL bm:fail",
            "BITFIELD bm:fail OVERFLOW FAIL INCRBY u2 0 9",
            "GET bm:fail",
            "EXPIRE bm:bf 1000",
            "BITFIELD bm:bf SET u8 #1 7",
            "TTL bm:bf",
        ];
        foreach (var line in script)
            await both.AgreeAsync(line.Split(' '));
    }

    [Fact]
    public async Task Bad_input_gets_redis_errors_and_writes_nothing()
    {
        await using var both = await ConnectAsync();
        string[] script =
        [
            "DEL bm:bad bm:list",
            "RPUSH bm:list a",
            "SETBIT bm:bad -1 1", "SETBIT bm:bad 4294967296 1", "SETBIT bm:bad abc 1", "SETBIT bm:bad 1 2", "SETBIT bm:bad 1 -1",
            "SETBIT bm:bad 1 x", "SETBIT bm:bad 99999999999999999999 1", "GETBIT bm:bad 4294967296", "GETBIT bm:bad #1",
            "EXISTS bm:bad",
            "SETBIT bm:list 1 1", "GETBIT bm:list 1", "BITCOUNT bm:list", "BITCOUNT bm:list 0 1", "BITPOS bm:list 1",
            "BITPOS bm:list 2", "BITOP AND bm:bad bm:list", "BITOP AND bm:list bm:missing", "BITFIELD bm:list GET u8 0",
            "BITFIELD bm:list SET u8 0 1", "BITFIELD_RO bm:list GET u8 0",
            "SET bm:bad abc",
            "BITCOUNT bm:bad 0", "BITCOUNT bm:bad 0 1 2", "BITCOUNT bm:bad 0 1 BITS", "BITCOUNT bm:bad a 1", "BITCOUNT bm:bad 0 b BIT",
            "BITCOUNT bm:missing 0", "BITCOUNT bm:missing 0 1 bit",
            "BITPOS bm:bad 2", "BITPOS bm:bad x", "BITPOS bm:bad 1 0 1 BITS", "BITPOS bm:bad 1 0 1 BIT x", "BITPOS bm:bad 1 a",
            "BITPOS bm:bad 1 0 a", "BITPOS bm:missing 0 a", "BITPOS bm:missing 1 0 1 nonsense",
            "BITOP NAND bm:dest bm:bad", "BITOP NOT bm:dest bm:bad bm:bad", "BITOP NOT bm:dest",
            "BITFIELD bm:bad GET u64 0", "BITFIELD bm:bad GET i65 0", "BITFIELD bm:bad GET u0 0", "BITFIELD bm:bad GET I8 0",
            "BITFIELD bm:bad GET x8 0", "BITFIELD bm:bad GET u99999999999999999999 0", "BITFIELD bm:bad GET u8 -1",
            "BITFIELD bm:bad GET u8 4294967296", "BITFIELD bm:bad GET u8 #536870912", "BITFIELD bm:bad GET i64 #9223372036854775807",
            "BITFIELD bm:bad GET u8 ##1", "BITFIELD bm:bad SET u8 0", "BITFIELD bm:bad SET u8 0 x", "BITFIELD bm:bad INCRBY u8 0 1.5",
            "BITFIELD bm:bad OVERFLOW", "BITFIELD bm:bad OVERFLOW BOOM GET u8 0", "BITFIELD bm:bad FOO u8 0", "BITFIELD bm:bad GET u8",
            "BITFIELD bm:bad SET u8 0 1 GET u99 0", "BITFIELD_RO bm:bad SET u8 0 1", "BITFIELD_RO bm:bad GET u8 0 INCRBY u8 0 1",
            "BITFIELD_RO bm:bad OVERFLOW SAT GET u8 0",
            "GET bm:bad",
        ];
        foreach (var line in script)
            await both.AgreeAsync(line.Split(' '));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Random_command_streams_give_redis_replies(int seed)
    {
        await using var both = await ConnectAsync();
        var random = new Random(seed);
        string[] keys = [.. Enumerable.Range(0, 4).Select(i => $"bm:rnd{seed}:{i}")];
        await both.AgreeAsync(["DEL", .. keys]);
        string Key() => keys[random.Next(keys.Length)];
        string Index() => random.Next(8) switch
        {
            0 => "-" + random.Next(1, 300),
            1 => random.Next(0, 5).ToString(),
            _ => random.Next(-40, 300).ToString(),
        };
        string Type() => random.Next(20) == 0
            ? "u64"
            : random.Next(2) == 0 ? "i" + random.Next(1, 65) : "u" + random.Next(1, 64);
        string Offset(string type) => random.Next(4) == 0 ? "#" + random.Next(0, 40) : random.Next(0, 700).ToString();
        string Operand() => random.Next(4) switch
        {
            0 => random.NextInt64(long.MinValue, long.MaxValue).ToString(),
            1 => (random.Next(2) == 0 ? long.MaxValue : long.MinValue).ToString(),
            _ => random.Next(-300, 300).ToString(),
        };
        for (int step = 0; step < 2500; step++)
        {
            string[] command = random.Next(14) switch
            {
                0 => ["SETBIT", Key(), random.Next(0, 2000).ToString(), random.Next(2).ToString()],
                1 => ["GETBIT", Key(), random.Next(0, 2100).ToString()],
                2 => ["BITCOUNT", Key(), Index(), Index(), random.Next(2) == 0 ? "BIT" : "BYTE"],
                3 => random.Next(2) == 0 ? ["BITCOUNT", Key()] : ["BITCOUNT", Key(), Index(), Index()],
                4 => ["BITPOS", Key(), random.Next(2).ToString(), Index()],
                5 => ["BITPOS", Key(), random.Next(2).ToString(), Index(), Index(), random.Next(2) == 0 ? "BIT" : "BYTE"],
                6 => ["BITOP", new[] { "AND", "OR", "XOR" }[random.Next(3)], Key(), Key(), Key(), Key()],
                7 => ["BITOP", "NOT", Key(), Key()],
                8 => BitField(random, "BITFIELD", Key(), Type, Offset, Operand),
                9 => BitField(random, "BITFIELD_RO", Key(), Type, Offset, Operand, readOnly: true),
                10 => ["SET", Key(), Bytes(random, random.Next(0, 80))],
                11 => random.Next(3) == 0 ? ["SADD", Key(), "m"] : ["DEL", Key()],
                12 => ["APPEND", Key(), Bytes(random, random.Next(1, 20))],
                _ => ["GET", Key()],
            };
            await both.AgreeAsync(command);
        }
        foreach (var key in keys)
            await both.AgreeAsync("GET", key);
    }

    private static string[] BitField(Random random, string name, string key, Func<string> type, Func<string, string> offset, Func<string> operand, bool readOnly = false)
    {
        var args = new List<string> { name, key };
        int ops = random.Next(0, 5);
        for (int i = 0; i < ops; i++)
        {
            int kind = readOnly && random.Next(10) != 0 ? 0 : random.Next(4);
            string t = type();
            switch (kind)
            {
                case 0: args.AddRange(["GET", t, offset(t)]); break;
                case 1: args.AddRange(["SET", t, offset(t), operand()]); break;
                case 2: args.AddRange(["INCRBY", t, offset(t), operand()]); break;
                default: args.AddRange(["OVERFLOW", new[] { "WRAP", "SAT", "FAIL" }[random.Next(3)]]); break;
            }
        }
        return [.. args];
    }

    [Fact]
    public async Task Bitmaps_work_inside_a_transaction()
    {
        await using var both = await ConnectAsync();
        string[] script =
        [
            "DEL bm:tx", "MULTI", "SETBIT bm:tx 10 1", "BITFIELD bm:tx INCRBY u4 0 3", "BITCOUNT bm:tx", "BITPOS bm:tx 1",
            "BITOP NOT bm:tx2 bm:tx", "GET bm:tx2", "EXEC",
        ];
        foreach (var line in script)
            await both.AgreeAsync(line.Split(' '));
    }
}
