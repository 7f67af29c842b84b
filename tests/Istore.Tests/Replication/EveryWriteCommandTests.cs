using Istore.Net.Commands;
using Istore.Tests.Infrastructure;

namespace Istore.Tests.Replication;

public sealed class EveryWriteCommandTestsOnMemory() : EveryWriteCommandTests("memory");
public sealed class EveryWriteCommandTestsOnDisk() : EveryWriteCommandTests("disk");

/// <summary>
/// Every write command of the command table, run on a master: after each one the replica's DEBUG
/// DIGEST must equal the master's. A command that forgets to log its effect (or logs one the
/// replica applies differently) fails here; a write command added to the table without a sample
/// below fails too, so the list stays complete.
/// </summary>
public abstract class EveryWriteCommandTests(string engine)
{
    /// <summary>Each write command with arguments that make it change something (the keys it needs are set up by the commands before it).</summary>
    private static readonly string[][] Samples =
    [
        ["SET", "s", "1"], ["SETNX", "s2", "a"], ["SETEX", "s3", "100", "v"], ["PSETEX", "s4", "100000", "v"], ["GETSET", "s", "2"],
        ["GETEX", "s", "EX", "500"], ["GETDEL", "s2"], ["MSET", "m1", "a", "m2", "b"], ["MSETNX", "m3", "c", "m4", "d"], ["APPEND", "m1", "zz"],
        ["SETRANGE", "m2", "3", "xyz"], ["INCR", "n"], ["DECR", "n"], ["INCRBY", "n", "10"], ["DECRBY", "n", "3"], ["INCRBYFLOAT", "f", "2.5"],
        ["SET", "nt", "10", "PXAT", "4102444800000"], ["INCR", "nt"], ["PEXPIREAT", "nt", "4102444900000"], ["INCR", "nt"],
        ["HSET", "h", "a", "1", "b", "2"], ["HSETNX", "h", "c", "3"], ["HMSET", "h", "d", "4"], ["HDEL", "h", "d"], ["HINCRBY", "h", "a", "5"],
        ["HINCRBYFLOAT", "h", "b", "0.25"],
        ["LPUSH", "l", "a", "b", "c"], ["RPUSH", "l", "d", "e", "f", "g"], ["LPUSHX", "l", "z"], ["RPUSHX", "l", "y"], ["LPOP", "l"], ["RPOP", "l"],
        ["LINSERT", "l", "BEFORE", "d", "ins"], ["LSET", "l", "0", "set"], ["LREM", "l", "1", "ins"], ["LTRIM", "l", "0", "4"],
        ["LMOVE", "l", "l2", "LEFT", "RIGHT"], ["RPOPLPUSH", "l", "l2"], ["LMPOP", "1", "l", "LEFT", "COUNT", "1"], ["BLPOP", "l2", "0"],
        ["BRPOP", "l2", "0"], ["RPUSH", "l3", "p", "q", "r", "s"], ["BLMOVE", "l3", "l4", "LEFT", "LEFT", "0"], ["BRPOPLPUSH", "l3", "l4", "0"],
        ["BLMPOP", "0", "1", "l3", "RIGHT"],
        ["SADD", "set", "a", "b", "c", "d"], ["SREM", "set", "d"], ["SPOP", "set"], ["SADD", "set2", "a", "x"], ["SMOVE", "set", "set2", "a"],
        ["SINTERSTORE", "si", "set", "set2"], ["SUNIONSTORE", "su", "set", "set2"], ["SDIFFSTORE", "sd", "set2", "set"],
        ["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"], ["ZINCRBY", "z", "1.5", "a"], ["ZREM", "z", "e"],
        ["ZRANGESTORE", "zr", "z", "0", "1"], ["ZADD", "z2", "1", "a", "9", "x"], ["ZUNIONSTORE", "zu", "2", "z", "z2"],
        ["ZINTERSTORE", "zi", "2", "z", "z2", "WEIGHTS", "2", "3"], ["ZDIFFSTORE", "zd", "2", "z", "z2"], ["ZREMRANGEBYRANK", "zu", "0", "0"],
        ["ZREMRANGEBYSCORE", "zu", "9", "9"], ["ZADD", "zl", "0", "a", "0", "b", "0", "c"], ["ZREMRANGEBYLEX", "zl", "[a", "[a"],
        ["ZPOPMIN", "z"], ["ZPOPMAX", "z"], ["ZMPOP", "1", "z", "MIN"], ["BZPOPMIN", "zi", "0"], ["BZPOPMAX", "z2", "0"], ["BZMPOP", "0", "1", "zd", "MAX"],
        ["RL.ADD", "rl", "10", "a", "20", "b", "30", "c"], ["RL.INCRBY", "rl", "5", "a"], ["RL.REM", "rl", "b"], ["RL.TRIM", "rl", "1"],
        ["BF.RESERVE", "bf", "0.01", "100"], ["BF.ADD", "bf", "a"], ["BF.MADD", "bf2", "a", "b"], ["BF.INSERT", "bf3", "ITEMS", "x", "y"],
        ["SETBIT", "bits", "100", "1"], ["SETBIT", "bits", "3", "1"], ["BITFIELD", "bits", "SET", "u8", "#3", "200", "INCRBY", "i5", "40", "9"],
        ["BITFIELD", "bits", "OVERFLOW", "SAT", "SET", "i4", "0", "100"], ["BITOP", "XOR", "bits2", "bits", "m1"],
        ["PFADD", "hll", "a", "b", "c"], ["PFCOUNT", "hll"], ["PFADD", "hll2", "x", "y"], ["PFMERGE", "hll3", "hll", "hll2"],
        ["PFDEBUG", "TODENSE", "hll3"], ["PFADD", "hll3", "dense", "now"],
        ["GEOADD", "geo", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"], ["GEOADD", "geo", "XX", "CH", "15.1", "37.5", "Catania"],
        ["GEORADIUS", "geo", "15", "37", "200", "km", "STORE", "geo2"], ["GEORADIUSBYMEMBER", "geo", "Palermo", "300", "km", "STOREDIST", "geo3"],
        ["GEOSEARCHSTORE", "geo4", "geo", "FROMLONLAT", "15", "37", "BYBOX", "400", "400", "km"],
        ["RPUSH", "tosort", "3", "1", "2"], ["SORT", "tosort", "BY", "w_*", "GET", "#", "GET", "h_*->f", "STORE", "sorted"],
        ["EXPIRE", "m1", "1000"], ["PEXPIRE", "m2", "1000000"], ["EXPIREAT", "m3", "4102444800"], ["PEXPIREAT", "m4", "4102444800000"],
        ["PERSIST", "m1"], ["RENAME", "m2", "m2b"], ["RENAMENX", "m3", "m3b"], ["COPY", "h", "hcopy"], ["DEL", "m4"], ["UNLINK", "s3"],
        ["RESTORE", "hrestored", "0", DumpOf + "h"], ["RESTORE", "mrestored", "100000", DumpOf + "m1", "REPLACE"],
        ["MIGRATE", "127.0.0.1", TargetPort, "", "0", "5000", "KEYS", "hrestored", "mrestored"],
        ["XADD", "x", "1-1", "f", "v"], ["XADD", "x", "2-*", "f", "w"], ["XADD", "x", "*", "f", "auto"], ["XADD", "x", "MAXLEN", "~", "1", "*", "g", "1"],
        ["XDEL", "x", "2-0"], ["XGROUP", "CREATE", "x", "g", "0"], ["XREADGROUP", "GROUP", "g", "c", "COUNT", "2", "STREAMS", "x", ">"],
        ["XACK", "x", "g", "1-1"], ["XREADGROUP", "GROUP", "g", "c", "STREAMS", "x", ">"], ["XCLAIM", "x", "g", "c2", "0", "1-1", "2-0", "FORCE"],
        ["XAUTOCLAIM", "x", "g", "c3", "0", "0"], ["XGROUP", "CREATECONSUMER", "x", "g", "c4"], ["XGROUP", "DELCONSUMER", "x", "g", "c4"],
        ["XGROUP", "SETID", "x", "g", "0", "ENTRIESREAD", "0"], ["XTRIM", "x", "MAXLEN", "1"], ["XSETID", "x", "9999999999999-0"],
        ["XGROUP", "CREATE", "x2", "g2", "$", "MKSTREAM"], ["XGROUP", "DESTROY", "x2", "g2"],
        ["FLUSHDB"], ["SET", "after", "flushdb"], ["FLUSHALL"], ["SET", "after", "flushall"],
    ];

    /// <summary>An argument replaced by the DUMP of the key that follows (RESTORE's payload is binary).</summary>
    private const string DumpOf = "<dump>";

    /// <summary>An argument replaced by the port of a node started to receive MIGRATE's keys.</summary>
    private const string TargetPort = "<target port>";

    private static bool DiskRefuses(string[] sample) => sample[0].StartsWith('X');

    [Fact]
    public void Every_write_command_of_the_table_has_a_sample()
    {
        var sampled = Samples.Select(s => s[0]).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var missing = CommandTable.All.Where(c => (c.Flags & CommandFlags.Write) != 0 && !sampled.Contains(c.Name)).Select(c => c.Name).ToList();
        Assert.True(missing.Count == 0, "write commands without a replication sample: " + string.Join(", ", missing));
    }

    [Fact]
    public async Task The_replicas_digest_equals_the_masters_after_every_write_command()
    {
        await using var group = await ReplicationGroup.StartAsync(engine, replicas: 1);
        await group.WaitInSyncAsync();
        await using var target = await NodeProcess.StartAsync(["--engine", engine]);
        await using var c = await group.Master.ConnectAsync();
        foreach (var sample in Samples)
        {
            if (engine == "disk" && DiskRefuses(sample))
                continue;
            var args = new List<byte[]>();
            foreach (var arg in sample)
            {
                if (arg.StartsWith(DumpOf))
                    args.Add((await c.ReadValueAfterAsync("DUMP", arg[DumpOf.Length..])).AsBytes()!);
                else
                    args.Add(System.Text.Encoding.UTF8.GetBytes(arg == TargetPort ? target.Port.ToString() : arg));
            }
            await c.SendAsync(RespEncoding.Command([.. args]));
            string reply = await c.ReadFrameAsync();
            Assert.False(reply.StartsWith('-'), $"{string.Join(' ', sample)} → {reply}");
            await group.WaitInSyncAsync();
            string master = await ReplicationGroup.DigestAsync(group.Master), replica = await ReplicationGroup.DigestAsync(group.Replicas[0]);
            Assert.True(master == replica, $"after {string.Join(' ', sample)}: master {master}, replica {replica}");
        }
    }
}
