using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node;

/// <summary>
/// Collections survive restarts and kill -9: state from the checkpoint (taken exactly at its log
/// boundary) plus the replayed log tail, including commands logged as rewrites (HINCRBYFLOAT as
/// HSET), keys that change type across the boundary, RENAME/COPY of collections and TTLs.
/// Every test runs its own node; the state is compared with a dump taken before the stop.
/// </summary>
public class CollectionDurabilityTests
{
    /// <summary>Writes touching every collection type, before and after a checkpoint.</summary>
    private static readonly string[][] Workload =
    [
        ["HSET", "d:h", "a", "1", "b", "2", "c", "3"],
        ["HINCRBYFLOAT", "d:h", "f", "0.1"],
        ["HINCRBYFLOAT", "d:h", "f", "0.2"],
        ["HDEL", "d:h", "b"],
        ["HSET", "d:gone", "x", "1"],
        ["HDEL", "d:gone", "x"],
        ["SET", "d:flip", "string first"],
        ["DEL", "d:flip"],
        ["HSET", "d:flip", "now", "a hash"],
        ["HSET", "d:renamed", "k", "v"],
        ["RENAME", "d:renamed", "d:moved"],
        ["COPY", "d:moved", "d:copy"],
        ["HSET", "d:copy", "extra", "1"],
        ["HSET", "d:ttl", "k", "v"],
        ["EXPIRE", "d:ttl", "1000"],
        ["HSET", "d:overwritten", "k", "v"],
        ["SET", "d:overwritten", "plain"],
        ["RPUSH", "d:list", "a", "b", "c", "d"],
        ["LPOP", "d:list"],
        ["LINSERT", "d:list", "BEFORE", "c", "x"],
        ["SADD", "d:set", "m1", "m2", "m3"],
        ["SADD", "d:spop", "x", "y", "z"],
        ["SPOP", "d:spop"],
        ["SMOVE", "d:set", "d:set2", "m1"],
        ["ZADD", "d:zset", "1", "a", "2", "b", "3", "c"],
        ["ZINCRBY", "d:zset", "10", "a"],
        ["ZPOPMIN", "d:zset"],
        ["ZUNIONSTORE", "d:zunion", "2", "d:zset", "d:set2"],
        ["LMOVE", "d:list", "d:hash-then-list", "RIGHT", "LEFT"],
        ["SINTERSTORE", "d:h", "d:set", "d:set2"],
    ];

    private static async Task RunAsync(RawConnection c, IEnumerable<string[]> commands)
    {
        foreach (var command in commands)
            Assert.DoesNotContain("ERR", await c.CommandAsync(command));
    }

    private static async Task CheckpointAsync(RawConnection c)
    {
        Assert.Equal("+OK\r\n", await c.CommandAsync("SAVE"));
    }

    /// <summary>A text dump of every key: type, TTL bucket and content in a canonical order.</summary>
    private static async Task<string> DumpAsync(RawConnection c)
    {
        var keys = (await c.ReadValueAfterAsync("KEYS", "*")).AsStringArray().Select(k => k!).Order(StringComparer.Ordinal);
        var lines = new List<string>();
        foreach (var key in keys)
        {
            string type = (await c.ReadValueAfterAsync("TYPE", key)).AsString()!;
            long ttl = (await c.ReadValueAfterAsync("TTL", key)).AsInteger();
            string content = type switch
            {
                "string" => (await c.ReadValueAfterAsync("GET", key)).AsString()!,
                "hash" => Pairs((await c.ReadValueAfterAsync("HGETALL", key)).AsStringArray()),
                "list" => string.Join(',', (await c.ReadValueAfterAsync("LRANGE", key, "0", "-1")).AsStringArray()),
                "set" => string.Join(',', (await c.ReadValueAfterAsync("SMEMBERS", key)).AsStringArray().Order(StringComparer.Ordinal)),
                "zset" => string.Join(',', (await c.ReadValueAfterAsync("ZRANGE", key, "0", "-1", "WITHSCORES")).AsStringArray()),
                _ => throw new InvalidOperationException($"no dump for type {type}"),
            };
            lines.Add($"{key} {type} ttl:{(ttl < 0 ? ttl.ToString() : "set")} {content}");
        }
        return string.Join('\n', lines);
    }

    private static string Pairs(string?[] flat) =>
        string.Join(',', flat.Chunk(2).Select(p => $"{p[0]}={p[1]}").Order(StringComparer.Ordinal));

    [Fact]
    public async Task Collections_survive_kill_9_with_a_checkpoint_in_the_middle_and_then_a_clean_restart()
    {
        await using var node = await NodeProcess.StartAsync();
        string before;
        await using (var c = await node.ConnectAsync())
        {
            await RunAsync(c, Workload.Take(8));
            await CheckpointAsync(c);
            await RunAsync(c, Workload.Skip(8));
            before = await DumpAsync(c);
        }
        Assert.Contains("d:list list ttl:-1 b,x,c", before);
        Assert.Contains("d:zset zset ttl:-1 c,3,a,11", before);
        Assert.Contains("d:zunion zset ttl:-1 m1,1,c,3,a,11", before);
        Assert.Contains("d:flip hash", before);
        Assert.Contains("d:copy hash ttl:-1 extra=1,k=v", before);
        Assert.Contains("d:overwritten string", before);
        Assert.DoesNotContain("d:gone", before);

        await node.AssertSurvivesKillAndRestartAsync(DumpAsync, before);
    }

    [Fact]
    public async Task Collections_replay_from_the_log_alone_after_kill_9()
    {
        await using var node = await NodeProcess.StartAsync();
        string before;
        await using (var c = await node.ConnectAsync())
        {
            await RunAsync(c, Workload);
            for (int i = 0; i < 2000; i++)
                await c.CommandAsync("HSET", "d:big", $"f{i}", $"{i}");
            await c.CommandAsync("HDEL", "d:big", "f7", "f1999");
            before = await DumpAsync(c);
        }
        node.Kill();
        await node.RestartAsync();
        await using var check = await node.ConnectAsync();
        Assert.Equal(before, await DumpAsync(check));
        Assert.Equal(":1998\r\n", await check.CommandAsync("HLEN", "d:big"));
    }

    [Fact]
    public async Task A_damaged_object_snapshot_stops_start_up_instead_of_losing_collections() =>
        await AssertStartUpRefusedAsync(snapshot =>
        {
            var bytes = File.ReadAllBytes(snapshot);
            bytes[bytes.Length / 2] ^= 0xFF;
            File.WriteAllBytes(snapshot, bytes);
        }, "checksum mismatch");

    [Fact]
    public async Task A_missing_object_snapshot_stops_start_up_instead_of_losing_collections() =>
        await AssertStartUpRefusedAsync(File.Delete, "the checkpoint's collections cannot be recovered");

    /// <summary>Checkpoints the workload, stops the node, does <paramref name="damage"/> to its object snapshot: the restart must fail saying why.</summary>
    private static async Task AssertStartUpRefusedAsync(Action<string> damage, string reason)
    {
        await using var node = await NodeProcess.StartAsync();
        await using (var c = await node.ConnectAsync())
        {
            await RunAsync(c, Workload);
            await CheckpointAsync(c);
        }
        Assert.Equal(0, await node.TerminateAsync());
        damage(Directory.GetFiles(Path.Combine(node.DataDirectory, "memory", "objects"), "*.snap").Single());
        await Assert.ThrowsAnyAsync<Exception>(node.RestartAsync);
        Assert.NotEqual(0, await node.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains(reason, node.Output);
    }
}
