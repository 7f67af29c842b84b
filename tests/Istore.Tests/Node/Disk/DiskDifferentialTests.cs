using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node.Disk;

/// <summary>
/// The same seeded random stream of collection commands (every type, EXEC blocks, RENAME, COPY,
/// DEL, EXPIRE, type changes, WRONGTYPE midway through an EXEC) against a memory-engine node and a
/// disk-engine node: every reply byte for byte, then the whole keyspace, then the disk node's again
/// after kill -9. Commands whose reply order is the engine's own (HGETALL, SMEMBERS, KEYS) are left
/// to the final dump, which sorts them.
/// </summary>
public class DiskDifferentialTests
{
    private const int Commands = 2_500;

    private static readonly string[] Keys = ["k0", "k1", "k2", "k3", "k4"];
    private static readonly string[] Members = ["a", "b", "c", "d", "e", "f", "g"];
    private static readonly string[] Scores = ["0", "1", "2", "-1", "+inf", "-inf", "1.5", "3"];
    private static readonly string[] ScoreBounds = ["-inf", "+inf", "0", "(0", "1", "(1", "2", "(2", "-1", "(-1"];
    private static readonly string[] LexBounds = ["-", "+", "[a", "(a", "[c", "(c", "[e", "(g", "[b"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task A_random_command_stream_gets_the_memory_engines_replies_and_survives_kill_9(int seed)
    {
        await using var memory = await NodeProcess.StartAsync();
        await using var disk = await NodeProcess.StartAsync(["--engine", "disk", "--appendfsync", "always"]);
        await using var m = await memory.ConnectAsync();
        await using (var d = await disk.ConnectAsync())
        {
            var random = new Random(seed);
            for (int i = 0; i < Commands; i++)
            {
                var block = random.Next(10) < 3
                    ? [["MULTI"], .. Enumerable.Range(0, random.Next(1, 10)).Select(_ => RandomCommand(random)), ["EXEC"]]
                    : new[] { RandomCommand(random) };
                foreach (var command in block.Append(["DBSIZE"]))
                {
                    string expected = await m.CommandAsync(command), actual = await d.CommandAsync(command);
                    Assert.True(expected == actual, $"command {i}, {string.Join(' ', command)} of [{string.Join(" ; ", block.Select(c => string.Join(' ', c)))}]: " +
                        $"memory {expected.ReplaceLineEndings("|")} disk {actual.ReplaceLineEndings("|")}");
                }
            }
            string before = await DiskCollectionTests.DumpAsync(m);
            Assert.Equal(before, await DiskCollectionTests.DumpAsync(d));
            await disk.AssertSurvivesKillAndRestartAsync(DiskCollectionTests.DumpAsync, before);
        }
    }

    private static string[] RandomCommand(Random r)
    {
        string K() => Keys[r.Next(Keys.Length)];
        string M() => Members[r.Next(Members.Length)];
        string S() => Scores[r.Next(Scores.Length)];
        string B() => ScoreBounds[r.Next(ScoreBounds.Length)];
        string X() => LexBounds[r.Next(LexBounds.Length)];
        string I() => r.Next(-6, 7).ToString();
        string N(int min, int max) => r.Next(min, max + 1).ToString();
        string Side() => r.Next(2) == 0 ? "LEFT" : "RIGHT";
        // Lex ranges are defined only over members of one score: they run on "lex", whose scores are all 7.
        return r.Next(62) switch
        {
            0 => ["HSET", K(), M(), M()],
            1 => ["HDEL", K(), M()],
            2 => ["HLEN", K()],
            3 => ["HSETNX", K(), M(), M()],
            4 => ["HINCRBY", K(), M(), "3"],
            5 => ["HMGET", K(), M(), M()],
            6 => ["SADD", K(), M(), M()],
            7 => ["SREM", K(), M()],
            8 => ["SMOVE", K(), K(), M()],
            9 => ["SINTERSTORE", K(), K(), K()],
            10 => ["SUNIONSTORE", K(), K(), K()],
            11 => ["SDIFFSTORE", K(), K(), K()],
            12 => ["SISMEMBER", K(), M()],
            13 => ["SCARD", K()],
            14 => ["SINTERCARD", "2", K(), K()],
            15 => ["LPUSH", K(), M(), M()],
            16 => ["RPUSH", K(), M()],
            17 => ["LPOP", K()],
            18 => ["RPOP", K(), "2"],
            19 => ["LRANGE", K(), I(), I()],
            20 => ["LINSERT", K(), r.Next(2) == 0 ? "BEFORE" : "AFTER", M(), M()],
            21 => ["LREM", K(), I(), M()],
            22 => ["LTRIM", K(), I(), I()],
            23 => ["LSET", K(), I(), M()],
            24 => ["LMOVE", K(), K(), Side(), Side()],
            25 => ["LINDEX", K(), I()],
            26 => ["LPOS", K(), M()],
            27 => ["LPUSHX", K(), M()],
            28 => ["LMPOP", "2", K(), K(), Side(), "COUNT", "2"],
            29 => ["BLMOVE", K(), K(), Side(), Side(), "0.01"],
            30 => ["ZADD", K(), S(), M(), S(), M()],
            31 => ["ZADD", K(), new[] { "GT", "LT", "NX", "XX" }[r.Next(4)], "CH", S(), M()],
            32 => ["ZADD", K(), "INCR", S(), M()],
            33 => ["ZINCRBY", K(), S(), M()],
            34 => ["ZRANGE", K(), I(), I(), "WITHSCORES"],
            35 => ["ZRANGE", K(), I(), I(), "REV"],
            36 => ["ZRANGEBYSCORE", K(), B(), B(), "WITHSCORES"],
            37 => ["ZREVRANGEBYSCORE", K(), B(), B(), "LIMIT", N(0, 3), N(-1, 3)],
            38 => ["ZRANGE", K(), B(), B(), "BYSCORE", "REV", "LIMIT", N(0, 2), N(-1, 3), "WITHSCORES"],
            39 => ["ZCOUNT", K(), B(), B()],
            40 => ["ZRANK", K(), M()],
            41 => ["ZREVRANK", K(), M()],
            42 => ["ZREM", K(), M()],
            43 => ["ZMSCORE", K(), M(), M()],
            44 => ["ZREMRANGEBYSCORE", K(), B(), B()],
            45 => ["ZREMRANGEBYRANK", K(), I(), I()],
            46 => ["ZPOPMIN", K(), N(1, 3)],
            47 => ["ZPOPMAX", K()],
            48 => ["ZUNIONSTORE", K(), "2", K(), K()],
            49 => ["ZINTERSTORE", K(), "2", K(), K(), "AGGREGATE", "MAX"],
            50 => ["ZRANGESTORE", K(), K(), I(), I()],
            51 => ["ZMPOP", "2", K(), K(), r.Next(2) == 0 ? "MIN" : "MAX", "COUNT", "2"],
            52 => ["BZPOPMIN", K(), "0.01"],
            53 => r.Next(4) switch
            {
                0 => ["ZADD", "lex", "7", M()],
                1 => ["ZRANGEBYLEX", "lex", X(), X()],
                2 => ["ZREVRANGEBYLEX", "lex", X(), X(), "LIMIT", N(0, 2), N(-1, 3)],
                _ => ["ZREMRANGEBYLEX", "lex", X(), X()],
            },
            54 => ["DEL", K()],
            55 => ["RENAME", K(), K()],
            56 => ["COPY", K(), K(), "REPLACE"],
            57 => ["EXPIRE", K(), "100"],
            58 => ["PERSIST", K()],
            59 => ["SET", K(), M()],
            60 => ["TYPE", K()],
            _ => ["DBSIZE"],
        };
    }
}
