using System.Text;
using Istore.Tests.Infrastructure;
using Istore.Tests.Net;

namespace Istore.Tests.Node;

/// <summary>
/// Strings larger than a record of the memory engine's log (one page) are held beside it, so the
/// memory engine stores strings up to Redis's 512 MB. With 1 MB pages, strings of a few MB take
/// the path a 100 MB string takes on the default 8 MB pages: every string command on them answers
/// as redis-server does, byte for byte, across the boundary both ways; they survive kill -9 (log
/// replay and checkpoint recovery) and reach a replica by full sync and by the stream.
/// </summary>
public sealed class LargeStringTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static readonly string[] SmallPages = ["--engine", "memory", "--page-size", "1mb"];

    /// <summary>A value of <paramref name="megabytes"/> MB whose bytes differ along it (Latin-1: one char per byte).</summary>
    private static string Pattern(double megabytes, int seed)
    {
        var bytes = new byte[(int)(megabytes * 1024 * 1024)];
        new Random(seed).NextBytes(bytes);
        return Encoding.Latin1.GetString(bytes);
    }

    [Fact]
    public async Task String_commands_on_strings_beyond_a_log_page_answer_as_redis_does()
    {
        await using var node = await NodeProcess.StartAsync(SmallPages);
        await using var both = new ReplyOracle(await node.ConnectAsync(), await RawConnection.ConnectAsync(redis.Port));
        string big = Pattern(3, 1), justUnder = Pattern(0.9, 2), tail = Pattern(0.2, 3);
        string[][] script =
        [
            ["DEL", "ls:a", "ls:b", "ls:c", "ls:h", "ls:bits"],
            ["SET", "ls:a", big], ["GET", "ls:a"], ["STRLEN", "ls:a"], ["TYPE", "ls:a"], ["OBJECT", "ENCODING", "ls:a"],
            ["GETRANGE", "ls:a", "1048570", "1048600"], ["GETRANGE", "ls:a", "-10", "-1"], ["SUBSTR", "ls:a", "0", "5"],
            ["APPEND", "ls:a", "tail"], ["SETRANGE", "ls:a", "2000000", "middle"], ["GETRANGE", "ls:a", "1999998", "2000008"],
            ["SETRANGE", "ls:a", "4000000", "past the end"], ["STRLEN", "ls:a"], ["GETRANGE", "ls:a", "3145730", "3145740"],
            ["BITCOUNT", "ls:a"], ["BITCOUNT", "ls:a", "1000", "2000000"], ["BITPOS", "ls:a", "0", "3000000"], ["GETBIT", "ls:a", "8000001"],
            ["SETBIT", "ls:a", "8000001", "1"], ["GETBIT", "ls:a", "8000001"], ["GET", "ls:a"],
            ["HSET", "ls:a", "f", "v"], ["LPUSH", "ls:a", "x"], ["INCR", "ls:a"], ["INCRBYFLOAT", "ls:a", "1"],
            // Expiry on a large string, and commands that move it.
            ["EXPIRE", "ls:a", "1000"], ["TTL", "ls:a"], ["PERSIST", "ls:a"], ["TTL", "ls:a"], ["PEXPIRE", "ls:a", "500000"],
            ["COPY", "ls:a", "ls:b"], ["GET", "ls:b"], ["RENAME", "ls:b", "ls:c"], ["EXISTS", "ls:a", "ls:b", "ls:c"], ["GET", "ls:c"],
            ["GETEX", "ls:c", "PERSIST"], ["GETDEL", "ls:c"], ["EXISTS", "ls:c"],
            // Across the boundary both ways: a small string grown past a page, a large one replaced by a small one.
            ["SET", "ls:b", justUnder], ["APPEND", "ls:b", tail], ["GET", "ls:b"], ["SET", "ls:b", "small"], ["GET", "ls:b"],
            ["SET", "ls:b", big, "KEEPTTL", "GET"], ["SET", "ls:b", justUnder, "GET"], ["GET", "ls:b"],
            // Types replaced by a large string and the other way round.
            ["HSET", "ls:h", "f", "v"], ["SET", "ls:h", big, "GET"], ["SET", "ls:h", big], ["TYPE", "ls:h"], ["STRLEN", "ls:h"],
            ["DEL", "ls:h"], ["RPUSH", "ls:h", "1"], ["SET", "ls:h", big], ["LLEN", "ls:h"], ["STRLEN", "ls:h"],
            ["SETBIT", "ls:bits", "9000000", "1"], ["STRLEN", "ls:bits"], ["BITCOUNT", "ls:bits"], ["BITPOS", "ls:bits", "1"],
            ["BITFIELD", "ls:bits", "SET", "u8", "#1500000", "255", "GET", "u8", "#1500000"], ["STRLEN", "ls:bits"],
            ["MSET", "ls:a", big, "ls:c", "x"], ["MGET", "ls:a", "ls:c"], ["UNLINK", "ls:a", "ls:c", "ls:b", "ls:h", "ls:bits"],
        ];
        await both.AgreeAllAsync(script);
        Assert.Equal(":0\r\n", await ReplicationGroup.CommandAsync(node, "DBSIZE"));
        Assert.DoesNotContain("internal error", node.Output);
    }

    [Fact]
    public async Task Large_strings_survive_kill_9_through_log_replay_and_a_checkpoint_and_reach_a_replica()
    {
        await using var master = await NodeProcess.StartAsync(SmallPages);
        var acknowledged = new Dictionary<string, string>();
        async Task WriteAsync(string key, string value)
        {
            await using var c = await master.ConnectAsync();
            await c.SendAsync(Encoding.Latin1.GetBytes(RespEncoding.CommandText(Encoding.Latin1, ["SET", key, value])));
            Assert.Equal("+OK\r\n", await c.ReadFrameAsync());
            acknowledged[key] = value;
        }
        async Task<int> LostAsync(NodeProcess node)
        {
            await using var c = await node.ConnectAsync();
            int lost = 0;
            foreach (var (key, value) in acknowledged)
            {
                await c.SendCommandAsync("GET", key);
                if (Encoding.Latin1.GetString(await c.ReadFrameBytesAsync()) != $"${value.Length}\r\n{value}\r\n")
                    lost++;
            }
            return lost;
        }

        await WriteAsync("ld:one", Pattern(2, 4));
        await WriteAsync("ld:small", "small");
        string digest = await ReplicationGroup.DigestAsync(master);
        master.Kill();
        await master.RestartAsync();   // the log replays the large SET
        Assert.Equal(0, await LostAsync(master));
        Assert.Equal(digest, await ReplicationGroup.DigestAsync(master));

        Assert.Equal("+Background saving started\r\n", await ReplicationGroup.CommandAsync(master, "BGSAVE"));
        await ReplicationGroup.WaitForInfoAsync(master, i => i["rdb_bgsave_in_progress"] == "0" && i["rdb_last_bgsave_status"] == "ok", "persistence");
        await WriteAsync("ld:two", Pattern(1.5, 5));
        digest = await ReplicationGroup.DigestAsync(master);
        master.Kill();
        await master.RestartAsync();   // the checkpoint holds ld:one, the log ld:two
        Assert.Equal(0, await LostAsync(master));
        Assert.Equal(digest, await ReplicationGroup.DigestAsync(master));

        await using var replica = await NodeProcess.StartAsync([.. SmallPages, "--replicaof", $"127.0.0.1:{master.Port}"]);
        await ReplicationGroup.WaitInSyncAsync(master, [replica]);   // full sync
        await WriteAsync("ld:three", Pattern(1.2, 6));                // the stream
        await ReplicationGroup.WaitInSyncAsync(master, [replica]);
        Assert.Equal(0, await LostAsync(replica));
        await ReplicationGroup.AssertSameDataAsync(master, replica);
        Assert.Equal($":{acknowledged.Count}\r\n", await ReplicationGroup.CommandAsync(replica, "DBSIZE"));
    }
}
