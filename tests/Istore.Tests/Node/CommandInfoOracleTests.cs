using Istore.Net.Resp;
using Istore.Tests.Infrastructure;
using Istore.Tests.Net;

namespace Istore.Tests.Node;

/// <summary>
/// COMMAND INFO of the bitmap, HyperLogLog, GEO, SORT and shard pub/sub commands names the same arity, flags
/// (movablekeys included), key positions and ACL categories as redis-server 7's — clients and
/// proxies read them. Key specifications and tips are not compared (the node sends none).
/// </summary>
public class CommandInfoOracleTests(NodeFixture fixture, RedisServerFixture redis) : IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>
{
    public static TheoryData<string> Commands() =>
    [
        "setbit", "getbit", "bitcount", "bitpos", "bitop", "bitfield", "bitfield_ro", "pfadd", "pfcount", "pfmerge", "pfdebug",
        "pfselftest", "sort", "sort_ro", "dump", "restore", "migrate", "geoadd", "geodist", "geohash", "geopos", "georadius", "georadius_ro",
        "georadiusbymember", "georadiusbymember_ro", "geosearch", "geosearchstore", "spublish", "ssubscribe", "sunsubscribe",
    ];

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Command_info_matches_redis(string name)
    {
        await using var node = await fixture.ConnectAsync();
        await using var oracle = await RawConnection.ConnectAsync(redis.Port);
        var expected = (await oracle.ReadValueAfterAsync("COMMAND", "INFO", name))[0];
        var actual = (await node.ReadValueAfterAsync("COMMAND", "INFO", name))[0];
        for (int i = 0; i < 7; i++)
            Assert.Equal(Describe(expected[i]), Describe(actual[i]));
    }

    private static string Describe(RespValue value) =>
        value.IsAggregate ? string.Join(" ", value.Items.Select(Describe)) : $"{value.Type}:{value.AsString()}";
}
