using System.Text;
using Istore.Net.Commands;
using Istore.Net.Resp;
using Istore.Tests.Infrastructure;
using Istore.Tests.Net;

namespace Istore.Tests.Node;

/// <summary>
/// COMMAND INFO of every command both servers have is byte for byte redis-server 7.0's — name,
/// arity, flags, key positions, ACL categories, tips and key specs, in RESP2 and RESP3 — except
/// the listed fields of the listed commands, each for a stated reason. COMMAND GETKEYSANDFLAGS
/// names the same keys with the same flags.
/// </summary>
public class CommandInfoOracleTests(NodeFixture fixture, RedisServerFixture redis) : IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>
{
    private const int Flags = 2, FirstKey = 3, LastKey = 4, Step = 5, KeySpecs = 8, Subcommands = 9;

    /// <summary>Fields of COMMAND INFO that differ on purpose, by command.</summary>
    private static readonly Dictionary<string, int[]> KnownDifferences = new()
    {
        // Containers: Redis gives flags, keys and key specs to each subcommand (field 9); here a
        // container is one row whose flags and key positions serve all its subcommands.
        ["acl"] = [Flags, Subcommands], ["client"] = [Flags, Subcommands], ["config"] = [Flags, Subcommands],
        ["function"] = [Flags, Subcommands], ["latency"] = [Flags, Subcommands], ["script"] = [Flags, Subcommands],
        ["slowlog"] = [Flags, Subcommands], ["cluster"] = [Subcommands], ["pubsub"] = [Subcommands], ["command"] = [Subcommands],
        ["memory"] = [Flags, FirstKey, LastKey, Step, KeySpecs, Subcommands], ["object"] = [Flags, FirstKey, LastKey, Step, KeySpecs, Subcommands],
        ["xgroup"] = [Flags, FirstKey, LastKey, Step, KeySpecs, Subcommands], ["xinfo"] = [Flags, FirstKey, LastKey, Step, KeySpecs, Subcommands],
        // PING answers while loading, for HA's probes; REPLCONF is refused inside MULTI.
        ["ping"] = [Flags], ["replconf"] = [Flags],
        // ZRANK and ZREVRANK take Redis 7.2's WITHSCORE.
        ["zrank"] = [1], ["zrevrank"] = [1],
    };

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Command_info_is_redis_byte_for_byte(int protocol)
    {
        await using var node = await fixture.ConnectAsync();
        await using var oracle = await RawConnection.ConnectAsync(redis.Port);
        foreach (var connection in new[] { node, oracle })
            await connection.ReadValueAfterAsync("HELLO", protocol.ToString());
        int compared = 0;
        var differing = new List<string>();
        foreach (var spec in CommandTable.All)
        {
            string name = spec.Name.ToLowerInvariant();
            await oracle.SendCommandAsync("COMMAND", "INFO", name);
            byte[] expected = await oracle.ReadFrameBytesAsync();
            await node.SendCommandAsync("COMMAND", "INFO", name);
            byte[] actual = await node.ReadFrameBytesAsync();
            if (RespValue.Parse(expected)[0].IsNull)
                continue;   // an istore command (RL.*, BF.*, SHARDGUARD)
            compared++;
            if (expected.AsSpan().SequenceEqual(actual))
                continue;
            differing.Add(name);
            var allowed = KnownDifferences.GetValueOrDefault(name, []);
            var (want, got) = (RespValue.Parse(expected)[0], RespValue.Parse(actual)[0]);
            for (int field = 0; field < 10; field++)
                if (!allowed.Contains(field))
                    Assert.True(Describe(want[field]) == Describe(got[field]), $"{name} field {field}: redis {Describe(want[field])}, istore {Describe(got[field])}");
        }
        Assert.True(compared >= 220, $"only {compared} commands compared");
        Assert.Equal(KnownDifferences.Keys.Order(), differing.Order());
    }

    public static TheoryData<string> KeyedCalls() =>
    [
        "get k", "set k v", "set k v GET", "set k v ex 10 get", "setnx k v", "mset a 1 b 2", "msetnx a 1 b 2", "del a b c", "unlink a",
        "exists a b", "touch a", "type k", "expire k 10", "ttl k", "copy a b", "copy a b db 0 replace", "rename a b", "renamenx a b",
        "getdel k", "getex k persist", "append k v", "incr k", "lcs a b", "setbit k 1 1", "bitcount k", "bitop and d a b",
        "bitfield k get u8 0", "bitfield k set u8 0 1", "bitfield k overflow sat incrby u8 0 1", "bitfield k", "bitfield_ro k get u8 0",
        "pfadd h a", "pfcount a b", "pfmerge d a b", "lpush l a", "lpop l", "llen l", "lmove a b left right", "rpoplpush a b",
        "lmpop 2 a b left", "blpop a b 0", "blmpop 0 2 a b left count 1", "blmove a b left left 0", "sadd s a", "srem s a", "scard s",
        "smove a b m", "sinter a b", "sintercard 2 a b limit 1", "sinterstore d a b", "sdiffstore d a", "sunionstore d a b", "hset h f v",
        "hsetnx h f v", "hdel h f", "hexists h f", "hstrlen h f", "hgetall h", "zadd z 1 a", "zrem z a", "zcard z", "zrangestore d s 0 1",
        "zunionstore d 2 a b", "zinterstore d 2 a b weights 1 2", "zdiffstore d 1 a", "zunion 2 a b", "zinter 1 a", "zdiff 2 a b",
        "zintercard 2 a b", "zmpop 1 a min", "bzmpop 0 2 a b max", "bzpopmin a b 0", "zpopmax z", "xadd s * f v", "xdel s 1",
        "xread streams a b 0 0", "xread count 1 block 0 streams a 0", "xreadgroup group g c streams a b > >", "xack s g 1", "xtrim s maxlen 1",
        "xautoclaim s g c 0 0", "sort k", "sort k store d", "sort k by w get # store d", "sort k limit 0 1 store d alpha", "sort_ro k by x",
        "georadius k 1 2 3 m", "georadius k 1 2 3 m store d", "georadius k 1 2 3 m store d storedist e",
        "georadiusbymember k m 3 km storedist d", "geosearchstore d s frommember m byradius 1 m", "geoadd g 1 2 m",
        "migrate h 1 k 0 5", "migrate h 1 \"\" 0 5 keys a b", "migrate h 1 k 0 5 copy replace", "dump k", "restore k 0 x",
        "eval s 2 a b", "eval s 0", "evalsha_ro s 1 a", "fcall f 1 a", "fcall_ro f 0", "watch a b", "object encoding k", "memory usage k",
        "xinfo stream s", "spublish c m", "ssubscribe a b", "getkeysandflags", "get", "zunionstore d x a", "pfmerge d", "eval s x", "blmpop 0 x a left",
    ];

    [Theory]
    [MemberData(nameof(KeyedCalls))]
    public async Task Command_getkeysandflags_is_redis_byte_for_byte(string call)
    {
        await using var node = await fixture.ConnectAsync();
        await using var oracle = await RawConnection.ConnectAsync(redis.Port);
        string[] args = ["COMMAND", "GETKEYSANDFLAGS", .. call.Split(' ').Select(a => a == "\"\"" ? "" : a)];
        await oracle.SendCommandAsync(args);
        string expected = Encoding.UTF8.GetString(await oracle.ReadFrameBytesAsync());
        await node.SendCommandAsync(args);
        string actual = Encoding.UTF8.GetString(await node.ReadFrameBytesAsync());
        Assert.Equal(expected, actual);
        Assert.True(expected.StartsWith('*') || call is "getkeysandflags" or "get" or "zunionstore d x a" or "ssubscribe a b" or "spublish c m" or "pfmerge d" or "blmpop 0 x a left", expected);
    }

    private static string Describe(RespValue value) =>
        value.IsAggregate ? "[" + string.Join(" ", value.Items.Select(Describe)) + "]" : $"{value.Type}:{value.AsString()}";
}
