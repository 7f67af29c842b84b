using Istore.Tests.Infrastructure;
using Istore.Tests.Net;
using StackExchange.Redis;

namespace Istore.Tests.Node;

/// <summary>
/// DUMP writes what redis-server 7.0 writes for the same value: built by the same commands on
/// both, wherever OBJECT ENCODING agrees on an encoding whose order Redis fixes (strings, listpack
/// hashes and sorted sets, intsets, quicklists — LZF compression included) the payloads are
/// byte-identical; and the payload's RDB type is always the one OBJECT ENCODING names. Both
/// engines choose Redis's encodings (the disk engine from the value's contents); the disk engine
/// keeps a hash's fields in byte order, not insertion order, so its listpack hashes match Redis's
/// bytes when the fields were added in that order.
/// </summary>
public abstract class DumpBytesOracleTests(NodeFixture fixture, RedisServerFixture redis) : IAsyncLifetime
{
    private ConnectionMultiplexer _redis = null!;

    public async Task InitializeAsync() => _redis = await ConnectionMultiplexer.ConnectAsync(NodeFixture.Options(redis.Port));

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    public static TheoryData<string> Kinds() => [.. DumpRestoreTests.Builders.Keys];

    /// <summary>The RDB type byte each OBJECT ENCODING stands for, per type.</summary>
    private static readonly Dictionary<(string Type, string Encoding), byte> TypeByte = new()
    {
        [("string", "raw")] = 0, [("string", "embstr")] = 0, [("string", "int")] = 0,
        [("list", "quicklist")] = 18,
        [("set", "intset")] = 11, [("set", "hashtable")] = 2,
        [("zset", "listpack")] = 17, [("zset", "skiplist")] = 5,
        [("hash", "listpack")] = 16, [("hash", "hashtable")] = 4,
    };

    /// <summary>Encodings whose element order is the same on both servers (a hash table's or skiplist's walk is each server's own).</summary>
    private static readonly HashSet<string> OrderFixed = ["raw", "embstr", "int", "quicklist", "intset", "listpack"];

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Dump_has_redis_servers_bytes_where_the_encodings_agree(string kind)
    {
        string key = "dumpbytes:" + kind;
        var node = fixture.Db;
        var oracle = _redis.GetDatabase();
        await node.KeyDeleteAsync(key);
        await oracle.KeyDeleteAsync(key);
        await DumpRestoreTests.Builders[kind](node, key);
        await DumpRestoreTests.Builders[kind](oracle, key);
        string type = (await node.ExecuteAsync("TYPE", key)).ToString();
        string ours = (await node.ExecuteAsync("OBJECT", "ENCODING", key)).ToString();
        string theirs = (await oracle.ExecuteAsync("OBJECT", "ENCODING", key)).ToString();
        // Both engines choose Redis 7.0's encodings.
        Assert.Equal(theirs, ours);
        var dump = (await node.KeyDumpAsync(key))!;
        Assert.Equal(TypeByte[(type, ours)], dump[0]);
        bool sameOrder = await SameFieldOrderAsync(type, node, oracle, key);
        Assert.True(sameOrder || kind != "hash-listpack-fields-in-order", "a hash built in field order walks in another order");
        if (ours == theirs && OrderFixed.Contains(ours) && sameOrder)
            Assert.Equal(Convert.ToHexString((await oracle.KeyDumpAsync(key))!), Convert.ToHexString(dump));
    }

    /// <summary>A listpack hash holds its fields in the order HKEYS gives (insertion order in Redis, byte order on disk).</summary>
    private async Task<bool> SameFieldOrderAsync(string type, IDatabase node, IDatabase oracle, string key)
    {
        if (type != "hash" || fixture is not DiskNodeFixture)
            return true;
        var ours = await node.HashKeysAsync(key);
        var theirs = await oracle.HashKeysAsync(key);
        return ours.SequenceEqual(theirs);
    }
}
