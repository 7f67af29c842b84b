using System.Globalization;
using Istore.Net.Resp;
using Istore.Tests.Infrastructure;
using Istore.Tests.Net;

namespace Istore.Tests.Node;

/// <summary>
/// The same random sorted-set workload on istore-node and a real redis-server 7.0, reply for reply,
/// in RESP2 and RESP3: writes with every ZADD option, ranges of all kinds, unions, intersections,
/// differences, STOREs, range removals and pops. Scores are compared numerically (redis 7.0 prints
/// %.17g, istore the shortest round-trip form) and chosen as multiples of 0.5, so sums are exact in
/// any order.
/// </summary>
public abstract class SortedSetOracleTests(NodeFixture node, RedisServerFixture redis)
{
    private const int Commands = 1500;

    private static readonly string[] ScoreKeys = ["o:a", "o:b", "o:c", "o:d"];
    private static readonly string[] LexKeys = ["o:l1", "o:l2"];

    /// <summary>
    /// With Redis's listpack limit (128) every set here stays packed on both servers; with a limit of
    /// 6 they convert to their large form mid-run (on the memory engine: the tree and table).
    /// </summary>
    [Theory]
    [InlineData(2, 11, 128)]
    [InlineData(3, 12, 128)]
    [InlineData(2, 13, 6)]
    public async Task Random_workload_gets_the_same_replies_as_redis(int protocol, int seed, int listpackEntries)
    {
        await using var ours = await node.ConnectAsync();
        await using var theirs = await RawConnection.ConnectAsync(redis.Port);
        foreach (var c in new[] { ours, theirs })
        {
            await c.ReadValueAfterAsync("HELLO", protocol.ToString(CultureInfo.InvariantCulture));
            await c.ReadValueAfterAsync(["DEL", .. ScoreKeys, .. LexKeys]);
            await c.ReadValueAfterAsync("CONFIG", "SET", "zset-max-listpack-entries", listpackEntries.ToString(CultureInfo.InvariantCulture));
        }
        try
        {
            await RunAsync(ours, theirs, seed);
        }
        finally
        {
            foreach (var c in new[] { ours, theirs })
                await c.ReadValueAfterAsync("CONFIG", "SET", "zset-max-listpack-entries", "128");
        }
    }

    private static async Task RunAsync(RawConnection ours, RawConnection theirs, int seed)
    {
        var random = new Random(seed);
        int nonEmpty = 0;
        for (int i = 0; i < Commands; i++)
        {
            var command = NextCommand(random);
            var expected = await theirs.ReadValueAfterAsync(command);
            var actual = await ours.ReadValueAfterAsync(command);
            AssertSame(expected, actual, $"#{i}: {string.Join(' ', command)}");
            if (expected.IsAggregate && expected.Count > 0)
                nonEmpty++;
        }
        // The workload must keep the sets populated, or it compares empty replies.
        Assert.True(nonEmpty > Commands / 8, $"only {nonEmpty} non-empty array replies");
    }

    private static void AssertSame(RespValue expected, RespValue actual, string context)
    {
        Assert.True(expected.Type == actual.Type, $"{context}: type {actual.Type}, redis {expected.Type} ({expected})");
        if (expected.IsAggregate)
        {
            Assert.True(expected.Count == actual.Count, $"{context}: {actual} vs redis {expected}");
            for (int i = 0; i < expected.Count; i++)
                AssertSame(expected[i], actual[i], context);
        }
        else if (expected.Type == RespType.Double || IsNumber(expected) && IsNumber(actual))
            Assert.True(expected.AsDouble().Equals(actual.AsDouble()), $"{context}: {actual} vs redis {expected}");
        else
            Assert.True(expected.AsString() == actual.AsString(), $"{context}: {actual} vs redis {expected}");
    }

    private static bool IsNumber(RespValue value) =>
        value.Type == RespType.BulkString && double.TryParse(value.AsString(), NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    private static T Pick<T>(Random r, params T[] items) => items[r.Next(items.Length)];

    private static string Member(Random r) => $"m{r.Next(16)}";

    private static string Score(Random r) => (r.Next(-10, 11) / 2.0).ToString(CultureInfo.InvariantCulture);

    private static string ScoreBound(Random r) => r.Next(8) switch
    {
        0 => "-inf",
        1 => "+inf",
        2 => "(" + Score(r),
        _ => Score(r),
    };

    private static string LexBound(Random r) => r.Next(6) switch
    {
        0 => "-",
        1 => "+",
        2 => "(" + Member(r),
        _ => "[" + Member(r),
    };

    private static string Rank(Random r) => r.Next(-20, 20).ToString(CultureInfo.InvariantCulture);

    private static string[] Limit(Random r) => r.Next(3) == 0 ? ["LIMIT", r.Next(-1, 6).ToString(CultureInfo.InvariantCulture), r.Next(-1, 6).ToString(CultureInfo.InvariantCulture)] : [];

    private static string[] Sources(Random r, out int count)
    {
        count = r.Next(1, 4);
        var keys = new string[count];
        for (int i = 0; i < count; i++)
            keys[i] = Pick(r, ScoreKeys);
        return [count.ToString(CultureInfo.InvariantCulture), .. keys];
    }

    private static string[] AggregateOptions(Random r, int sources)
    {
        var options = new List<string>();
        if (r.Next(2) == 0)
        {
            options.Add("WEIGHTS");
            for (int i = 0; i < sources; i++)
                options.Add(Pick(r, "-1", "0", "0.5", "1", "2"));
        }
        if (r.Next(2) == 0)
            options.AddRange(["AGGREGATE", Pick(r, "SUM", "MIN", "MAX")]);
        return [.. options];
    }

    private static string[] NextCommand(Random r)
    {
        string key = Pick(r, ScoreKeys), lex = Pick(r, LexKeys);
        string[] withScores = r.Next(2) == 0 ? ["WITHSCORES"] : [];
        switch (r.Next(24))
        {
            case 0 or 1 or 2:
                var options = new List<string>();
                if (r.Next(3) == 0) options.Add(Pick(r, "NX", "XX"));
                if (r.Next(3) == 0) options.Add(Pick(r, "GT", "LT"));
                if (r.Next(3) == 0) options.Add("CH");
                bool incr = r.Next(5) == 0;
                if (incr) options.Add("INCR");
                var pairs = Enumerable.Range(0, incr ? 1 : r.Next(1, 5)).SelectMany(_ => new[] { Score(r), Member(r) });
                return ["ZADD", key, .. options, .. pairs];
            case 3:
                return ["ZADD", lex, .. Enumerable.Range(0, r.Next(1, 4)).SelectMany(_ => new[] { "0", Member(r) })];
            case 4:
                return ["ZINCRBY", key, Score(r), Member(r)];
            case 5:
                return ["ZREM", Pick(r, key, lex), Member(r), Member(r)];
            case 6:
                return [Pick(r, "ZRANK", "ZREVRANK", "ZSCORE"), key, Member(r)];
            case 7:
                return ["ZMSCORE", key, Member(r), Member(r), Member(r)];
            case 8:
                return ["ZRANGE", key, Rank(r), Rank(r), .. r.Next(2) == 0 ? ["REV"] : Array.Empty<string>(), .. withScores];
            case 9:
                return ["ZRANGE", key, ScoreBound(r), ScoreBound(r), "BYSCORE", .. r.Next(2) == 0 ? ["REV"] : Array.Empty<string>(), .. Limit(r), .. withScores];
            case 10:
                return ["ZRANGE", lex, LexBound(r), LexBound(r), "BYLEX", .. r.Next(2) == 0 ? ["REV"] : Array.Empty<string>(), .. Limit(r)];
            case 11:
                return [Pick(r, "ZRANGEBYSCORE", "ZREVRANGEBYSCORE"), key, ScoreBound(r), ScoreBound(r), .. withScores, .. Limit(r)];
            case 12:
                return [Pick(r, "ZRANGEBYLEX", "ZREVRANGEBYLEX"), lex, LexBound(r), LexBound(r), .. Limit(r)];
            case 13:
                return ["ZCOUNT", key, ScoreBound(r), ScoreBound(r)];
            case 14:
                return ["ZLEXCOUNT", lex, LexBound(r), LexBound(r)];
            case 15:
                var union = Sources(r, out int n);
                return [Pick(r, "ZUNION", "ZINTER"), .. union, .. AggregateOptions(r, n), .. withScores];
            case 16:
                return ["ZDIFF", .. Sources(r, out _), .. withScores];
            case 17:
                var stored = Sources(r, out int m);
                string op = Pick(r, "ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE");
                return [op, key, .. stored, .. op == "ZDIFFSTORE" ? [] : AggregateOptions(r, m)];
            case 18:
                return ["ZINTERCARD", .. Sources(r, out _), .. r.Next(2) == 0 ? ["LIMIT", r.Next(0, 4).ToString(CultureInfo.InvariantCulture)] : Array.Empty<string>()];
            case 19:
                return r.Next(2) == 0
                    ? ["ZRANGESTORE", key, Pick(r, ScoreKeys), ScoreBound(r), ScoreBound(r), "BYSCORE", .. Limit(r)]
                    : ["ZRANGESTORE", key, Pick(r, ScoreKeys), Rank(r), Rank(r)];
            case 20:
                return r.Next(2) == 0 ? ["ZREMRANGEBYRANK", key, Rank(r), Rank(r)] : ["ZREMRANGEBYSCORE", key, ScoreBound(r), ScoreBound(r)];
            case 21:
                return ["ZREMRANGEBYLEX", lex, LexBound(r), LexBound(r)];
            case 22:
                return r.Next(2) == 0 ? [Pick(r, "ZPOPMIN", "ZPOPMAX"), key] : [Pick(r, "ZPOPMIN", "ZPOPMAX"), key, r.Next(0, 4).ToString(CultureInfo.InvariantCulture)];
            default:
                return ["ZMPOP", .. Sources(r, out _), Pick(r, "MIN", "MAX"), .. r.Next(2) == 0 ? ["COUNT", r.Next(1, 4).ToString(CultureInfo.InvariantCulture)] : Array.Empty<string>()];
        }
    }
}
