using System.Globalization;
using Istore.Tests.Infrastructure;
using Istore.Tests.Net;

namespace Istore.Tests.Node;

/// <summary>
/// Redis keeps a set of at most set-max-intset-entries (512) integers as an intset, sorted
/// ascending by value, so every reply that walks one lists it in that order: compared byte for
/// byte with redis-server, including sizes past set-max-listpack-entries (128) and numbers whose
/// text order is not their numeric order.
/// </summary>
public abstract class IntsetOrderTests(NodeFixture fixture, RedisServerFixture redis)
{
    [Fact]
    public async Task Replies_that_walk_an_intset_list_it_ascending_as_redis_server()
    {
        await using var oracle = await ReplyOracle.ConnectAsync(fixture, redis);
        var random = new Random(15);
        string[] Integers(int count) =>
            [.. Enumerable.Range(0, count).Select(_ => random.NextInt64(-3_000_000_000, 3_000_000_000).ToString(CultureInfo.InvariantCulture))];
        foreach (var (key, count) in new[] { ("io:small", 7), ("io:mid", 129), ("io:full", 512) })
        {
            await oracle.AgreeAsync("DEL", key);
            await oracle.AgreeAsync(["SADD", key, .. Integers(count - 2), "-1", "10"]);
            await oracle.AgreeAsync("OBJECT", "ENCODING", key);
            await oracle.AgreeAsync("SMEMBERS", key);
            await oracle.AgreeAsync("SSCAN", key, "0");
            await oracle.AgreeAsync("SSCAN", key, "0", "MATCH", "-*");
        }
        await oracle.AgreeAsync("SREM", "io:mid", "10");
        await oracle.AgreeAsync("SMEMBERS", "io:mid");
        await oracle.AgreeAsync("SADD", "io:other", "9", "10", "-1", "100");
        await oracle.AgreeAsync("SINTER", "io:small", "io:other");
        await oracle.AgreeAsync("SUNION", "io:small", "io:other");
        await oracle.AgreeAsync("SDIFF", "io:small", "io:other");
        await oracle.AgreeAsync("SUNIONSTORE", "io:union", "io:mid", "io:other");
        await oracle.AgreeAsync("SMEMBERS", "io:union");
    }
}
