using System.Globalization;
using Istore.Net.Resp;
using Istore.Tests.Infrastructure;
using Istore.Tests.Net;

namespace Istore.Tests.Node;

/// <summary>
/// The memory engine's compact forms of small sets and sorted sets (Redis's listpack, intset):
/// the encoding OBJECT ENCODING reports as a collection grows past Redis's limits (which CONFIG
/// SET changes), and a random set workload that converts sets mid-run answering as redis-server does.
/// </summary>
public sealed class SmallCollectionEncodingTests(NodeFixture fixture, RedisServerFixture redis)
    : IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task A_sorted_set_is_a_listpack_until_redis_limits_and_then_a_skiplist_as_on_redis_server()
    {
        await using var ours = await fixture.ConnectAsync();
        await using var theirs = await RawConnection.ConnectAsync(redis.Port);
        foreach (var (key, count, memberLength) in new[] { ("z:entries", 129, 4), ("z:value", 3, 65) })
            foreach (var c in new[] { ours, theirs })
            {
                await c.CommandAsync("DEL", key);
                for (int i = 0; i < count - 1; i++)
                    await c.CommandAsync("ZADD", key, (i % 7).ToString(CultureInfo.InvariantCulture), $"m{i}");
                Assert.Equal("$8\r\nlistpack\r\n", await c.CommandAsync("OBJECT", "ENCODING", key));
                await c.CommandAsync("ZADD", key, "1.5", new string('x', memberLength));
                Assert.Equal("$8\r\nskiplist\r\n", await c.CommandAsync("OBJECT", "ENCODING", key));
            }
        foreach (var args in new[] { new[] { "ZRANGE", "z:entries", "0", "-1", "WITHSCORES" }, ["ZRANGE", "z:value", "0", "-1", "WITHSCORES"], ["ZRANK", "z:entries", "m5"] })
            Assert.Equal(await theirs.CommandAsync(args), await ours.CommandAsync(args));
    }

    /// <summary>
    /// A packed sorted set keeps a whole score as a varint and any other as 8 bytes: the edges of that
    /// choice keep their exact value and order (and -0 reads back as 0, as from redis-server's listpack).
    /// </summary>
    [Fact]
    public async Task A_packed_sorted_set_keeps_every_score_exactly_at_the_edges_of_its_whole_number_form_as_redis_server()
    {
        await using var ours = await fixture.ConnectAsync();
        await using var theirs = await RawConnection.ConnectAsync(redis.Port);
        string[] scores = ["0", "-0", "1", "-1", "63", "64", "-63", "-64", "8191", "8192", "9007199254740992", "-9007199254740992",
            "9007199254740994", "-9007199254740994", "1e18", "-1e18", "1.5", "-0.25", "inf", "-inf", "1125899906842624.5", "1.7976931348623157e308"];
        string[] add = ["ZADD", "z:edges", .. scores.SelectMany((score, i) => new[] { score, $"m{i}" })];
        foreach (var c in new[] { ours, theirs })
        {
            await c.CommandAsync("DEL", "z:edges");
            Assert.Equal($":{scores.Length}\r\n", await c.CommandAsync(add));
            Assert.Equal("$8\r\nlistpack\r\n", await c.CommandAsync("OBJECT", "ENCODING", "z:edges"));
        }
        List<string[]> checks = [["ZRANGE", "z:edges", "0", "-1", "WITHSCORES"], ["ZRANGEBYSCORE", "z:edges", "-1", "(64", "WITHSCORES"]];
        checks.AddRange(scores.Select((_, i) => new[] { "ZSCORE", "z:edges", $"m{i}" }));
        checks.Add(["ZINCRBY", "z:edges", "0.5", "m5"]);   // 64 becomes 64.5: whole to 8 bytes
        checks.Add(["ZINCRBY", "z:edges", "-0.5", "m16"]);   // 1.5 becomes 1: 8 bytes to whole
        checks.Add(["ZRANGE", "z:edges", "0", "-1", "WITHSCORES"]);
        foreach (var args in checks)
            Assert.Equal(await theirs.CommandAsync(args), await ours.CommandAsync(args));
    }

    [Fact]
    public async Task A_small_set_is_named_intset_or_hashtable_as_redis_7_0_names_it_across_CONFIG_SET_of_the_packing_limit()
    {
        await using var c = await fixture.ConnectAsync();
        await c.CommandAsync("SADD", "s:ints", "1", "2", "-3");
        Assert.Equal("$6\r\nintset\r\n", await c.CommandAsync("OBJECT", "ENCODING", "s:ints"));
        await c.CommandAsync("SADD", "s:ints", "four");
        // Packed still, but named as Redis 7.0, which has no listpack sets, names it.
        Assert.Equal("$9\r\nhashtable\r\n", await c.CommandAsync("OBJECT", "ENCODING", "s:ints"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("CONFIG", "SET", "set-max-listpack-entries", "4"));
        try
        {
            await c.CommandAsync("SADD", "s:ints", "five");
            Assert.Equal("$9\r\nhashtable\r\n", await c.CommandAsync("OBJECT", "ENCODING", "s:ints"));
            Assert.Equal(["-3", "1", "2", "five", "four"], Sorted(await c.ReadValueAfterAsync("SMEMBERS", "s:ints")));
        }
        finally
        {
            await c.CommandAsync("CONFIG", "SET", "set-max-listpack-entries", "128");
        }
        await c.CommandAsync("SADD", "s:long", new string('x', 65));
        Assert.Equal("$9\r\nhashtable\r\n", await c.CommandAsync("OBJECT", "ENCODING", "s:long"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("CONFIG", "SET", "hash-max-listpack-entries", "2"));
        try
        {
            await c.CommandAsync("HSET", "h:small", "a", "1", "b", "2", "c", "3");
            Assert.Equal("$9\r\nhashtable\r\n", await c.CommandAsync("OBJECT", "ENCODING", "h:small"));
        }
        finally
        {
            await c.CommandAsync("CONFIG", "SET", "hash-max-listpack-entries", "512");
        }
    }

    /// <summary>set-max-intset-entries (512), not set-max-listpack-entries (128), ends an intset; a set that left it never returns.</summary>
    [Fact]
    public async Task A_set_of_integers_stays_an_intset_up_to_set_max_intset_entries_as_on_redis_server()
    {
        await using var ours = await fixture.ConnectAsync();
        await using var theirs = await RawConnection.ConnectAsync(redis.Port);
        foreach (var c in new[] { ours, theirs })
            await c.CommandAsync("DEL", "is:grow", "is:mixed");
        string[] Ints(int from, int to) => [.. Enumerable.Range(from, to - from).Select(i => (i * 7 - 1000).ToString(CultureInfo.InvariantCulture))];
        string[][] script = [
            ["SADD", "is:grow", .. Ints(0, 300)], ["OBJECT", "ENCODING", "is:grow"], ["SSCAN", "is:grow", "0", "COUNT", "5", "MATCH", "-99*"],
            ["SADD", "is:grow", .. Ints(300, 512)], ["OBJECT", "ENCODING", "is:grow"],
            ["SADD", "is:grow", .. Ints(512, 513)], ["OBJECT", "ENCODING", "is:grow"],
            ["SREM", "is:grow", .. Ints(0, 400)], ["OBJECT", "ENCODING", "is:grow"],
            ["SADD", "is:mixed", .. Ints(0, 200)], ["OBJECT", "ENCODING", "is:mixed"],
            ["SADD", "is:mixed", "x"], ["OBJECT", "ENCODING", "is:mixed"], ["SREM", "is:mixed", "x"], ["OBJECT", "ENCODING", "is:mixed"]];
        foreach (var args in script)
        {
            string command = string.Join(' ', args.Take(3)) + ": ";
            Assert.Equal(command + await theirs.CommandAsync(args), command + await ours.CommandAsync(args));
        }
    }

    /// <summary>Our limit is 5 members, so sets convert often; redis-server keeps its own encodings. Members compare as sets.</summary>
    [Fact]
    public async Task Random_set_workload_across_conversions_answers_as_redis_server()
    {
        await using var ours = await fixture.ConnectAsync();
        await using var theirs = await RawConnection.ConnectAsync(redis.Port);
        string[] keys = ["rs:a", "rs:b", "rs:c"];
        await ours.CommandAsync("CONFIG", "SET", "set-max-listpack-entries", "5");
        try
        {
            foreach (var c in new[] { ours, theirs })
                await c.CommandAsync(["DEL", .. keys]);
            var random = new Random(5);
            for (int i = 0; i < 1500; i++)
            {
                string key = keys[random.Next(keys.Length)], other = keys[random.Next(keys.Length)];
                string Member() => random.Next(4) == 0 ? random.Next(-3, 12).ToString(CultureInfo.InvariantCulture) : $"m{random.Next(12)}";
                string[] command = random.Next(10) switch
                {
                    0 or 1 or 2 => ["SADD", key, Member(), Member()],
                    3 or 4 => ["SREM", key, Member()],
                    5 => ["SISMEMBER", key, Member()],
                    6 => ["SMISMEMBER", key, Member(), Member()],
                    7 => ["SCARD", key],
                    8 => ["SMOVE", key, other, Member()],
                    _ => [random.Next(2) == 0 ? "SMEMBERS" : "SINTER", key],
                };
                var expected = await theirs.ReadValueAfterAsync(command);
                var actual = await ours.ReadValueAfterAsync(command);
                string what = $"#{i} {string.Join(' ', command)}";
                if (expected.IsAggregate && command[0] is "SMEMBERS" or "SINTER")
                    Assert.True(Sorted(expected).SequenceEqual(Sorted(actual)), what);
                else
                    Assert.True(expected.ToString() == actual.ToString(), $"{what}: {actual} vs redis {expected}");
            }
            foreach (var key in keys)
                Assert.Equal(Sorted(await theirs.ReadValueAfterAsync("SMEMBERS", key)), Sorted(await ours.ReadValueAfterAsync("SMEMBERS", key)));
        }
        finally
        {
            await ours.CommandAsync("CONFIG", "SET", "set-max-listpack-entries", "128");
        }
    }

    private static string[] Sorted(RespValue array) => SetCommandTests.Sorted(array);
}
