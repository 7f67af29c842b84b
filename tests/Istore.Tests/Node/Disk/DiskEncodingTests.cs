using Istore.Tests.Infrastructure;
using Istore.Tests.Net;

namespace Istore.Tests.Node.Disk;

/// <summary>
/// The disk engine names Redis's encoding for a collection's contents (listpack, intset, or the
/// large forms past Redis's limits) and SCANs a compact one whole with cursor 0, as redis-server
/// does for the same commands (elements compared as sets: the disk engine walks them in byte order).
/// </summary>
public sealed class DiskEncodingTests(DiskNodeFixture fixture, RedisServerFixture redis)
    : IClassFixture<DiskNodeFixture>, IClassFixture<RedisServerFixture>
{
    private static string[] Ints(int count) => [.. Enumerable.Range(0, count).Select(i => (i * 13 - 500).ToString())];

    public static TheoryData<string, string[], string[]> Cases() => new()
    {
        { "de:hash-small", ["HSET", "de:hash-small", "b", "1", "a", "two"], ["HSCAN", "de:hash-small", "0", "COUNT", "1"] },
        { "de:hash-long", ["HSET", "de:hash-long", "a", new string('v', 65)], ["HLEN", "de:hash-long"] },
        { "de:set-ints", ["SADD", "de:set-ints", .. Ints(300)], ["SSCAN", "de:set-ints", "0", "COUNT", "1"] },
        { "de:set-ints-513", ["SADD", "de:set-ints-513", .. Ints(513)], ["SCARD", "de:set-ints-513"] },
        { "de:zset-small", ["ZADD", "de:zset-small", "2", "b", "1.5", "a", "-1", "c"], ["ZSCAN", "de:zset-small", "0", "COUNT", "1"] },
        { "de:zset-129", ["ZADD", "de:zset-129", .. Enumerable.Range(0, 129).SelectMany(i => new[] { i.ToString(), $"m{i}" })], ["ZCARD", "de:zset-129"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Encoding_and_scan_of_a_collection_are_redis_servers(string key, string[] build, string[] read)
    {
        await using var ours = await fixture.ConnectAsync();
        await using var theirs = await RawConnection.ConnectAsync(redis.Port);
        foreach (var c in new[] { ours, theirs })
        {
            await c.CommandAsync("DEL", key);
            await c.CommandAsync(build);
        }
        Assert.Equal(await theirs.CommandAsync("OBJECT", "ENCODING", key), await ours.CommandAsync("OBJECT", "ENCODING", key));
        var expected = await theirs.ReadValueAfterAsync(read);
        var actual = await ours.ReadValueAfterAsync(read);
        if (!expected.IsAggregate)
        {
            Assert.Equal(expected.AsInteger(), actual.AsInteger());
            return;
        }
        Assert.Equal("0", actual[0].AsString());
        Assert.Equal(expected[0].AsString(), actual[0].AsString());
        bool paired = read[0] != "SSCAN";
        Assert.Equal(Elements(expected[1], paired), Elements(actual[1], paired));
    }

    /// <summary>
    /// -0 reads back as 0 from a sorted set redis-server holds in a listpack, and as -0 from a
    /// skiplist: the 129th member of a full listpack converts it first and keeps its -0, an update
    /// at 128 members stays in the listpack.
    /// </summary>
    [Fact]
    public async Task A_signed_zero_score_reads_back_as_from_redis_servers_listpack_or_skiplist()
    {
        await using var ours = await fixture.ConnectAsync();
        await using var theirs = await RawConnection.ConnectAsync(redis.Port);
        string[][] build =
        [
            ["DEL", "de:z0-small", "de:z0-full", "de:z0-over", "de:z0-long"],
            ["ZADD", "de:z0-small", "-0", "neg", "1", "one"],
            ["ZADD", "de:z0-full", .. Enumerable.Range(0, 128).SelectMany(i => new[] { i.ToString(), $"m{i}" })],
            ["ZADD", "de:z0-full", "-0", "m5"],
            ["ZADD", "de:z0-over", .. Enumerable.Range(0, 128).SelectMany(i => new[] { i.ToString(), $"m{i}" })],
            ["ZADD", "de:z0-over", "-0", "m128"],
            ["ZADD", "de:z0-long", "-0", new string('l', 65)],
        ];
        foreach (var c in new[] { ours, theirs })
            foreach (var args in build)
                await c.CommandAsync(args);
        string[][] checks =
        [
            ["ZSCORE", "de:z0-small", "neg"], ["ZRANGE", "de:z0-small", "0", "-1", "WITHSCORES"],
            ["ZSCORE", "de:z0-full", "m5"], ["OBJECT", "ENCODING", "de:z0-full"],
            ["ZSCORE", "de:z0-over", "m128"], ["OBJECT", "ENCODING", "de:z0-over"],
            ["ZRANGE", "de:z0-long", "0", "-1", "WITHSCORES"],
        ];
        foreach (var args in checks)
            Assert.Equal(await theirs.CommandAsync(args), await ours.CommandAsync(args));
    }

    /// <summary>A SCAN page's elements (HSCAN/ZSCAN: field=value pairs; SSCAN: members), in byte order.</summary>
    private static string[] Elements(Istore.Net.Resp.RespValue items, bool paired) =>
        [.. items.Items.Select(i => i.AsString()!).Chunk(paired ? 2 : 1).Select(c => string.Join('=', c)).Order(StringComparer.Ordinal)];
}
