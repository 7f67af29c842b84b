using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node;

/// <summary>
/// Sorted sets survive a graceful restart and kill -9: every kind of logged write (ZADD with its
/// options, increments, removals by member and range, pops, ZMPOP and the STORE commands) is
/// replayed to the same state, from the log alone and from a checkpoint plus the log tail.
/// </summary>
public abstract class SortedSetDurabilityTests(string engine)
{
    private static readonly string[] Keys = ["d:a", "d:b", "d:lex", "d:pop", "d:mpop", "d:union", "d:inter", "d:diff", "d:range", "d:gone", "d:big"];

    /// <summary>Writes of every logged kind; some leave keys empty (deleted), some replace a string.</summary>
    private static readonly string[][] Writes =
    [
        ["ZADD", "d:a", "1", "x", "2.5", "y", "-inf", "z", "3", "w"],
        ["ZADD", "d:a", "GT", "CH", "0", "x", "7", "y"],
        ["ZADD", "d:a", "LT", "XX", "-1", "w", "5", "nope"],
        ["ZADD", "d:a", "INCR", "0.25", "x"],
        ["ZINCRBY", "d:a", "1e10", "new"],
        ["ZADD", "d:b", "10", "y", "20", "x", "30", "v", "40", "u"],
        ["ZREM", "d:b", "u", "missing"],
        ["ZADD", "d:lex", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e"],
        ["ZREMRANGEBYLEX", "d:lex", "(a", "[b"],
        ["ZREMRANGEBYRANK", "d:lex", "-1", "-1"],
        ["ZADD", "d:pop", "1", "p1", "2", "p2", "3", "p3", "4", "p4", "5", "p5"],
        ["ZPOPMIN", "d:pop"],
        ["ZPOPMAX", "d:pop", "2"],
        ["ZADD", "d:mpop", "1", "m1", "2", "m2"],
        ["ZMPOP", "2", "d:none", "d:mpop", "MAX", "COUNT", "5"],
        ["SET", "d:union", "a string, replaced below"],
        ["ZUNIONSTORE", "d:union", "2", "d:a", "d:b", "WEIGHTS", "2", "0.5", "AGGREGATE", "MAX"],
        ["ZINTERSTORE", "d:inter", "2", "d:a", "d:b"],
        ["ZDIFFSTORE", "d:diff", "2", "d:a", "d:b"],
        ["ZRANGESTORE", "d:range", "d:union", "(1", "+inf", "BYSCORE", "LIMIT", "1", "3"],
        ["ZADD", "d:gone", "1", "g"],
        ["ZREMRANGEBYSCORE", "d:gone", "-inf", "+inf"],
        ["ZADD", "d:big", "1", "only"],
    ];

    private static async Task<Dictionary<string, string>> SnapshotAsync(RawConnection c)
    {
        var state = new Dictionary<string, string>();
        foreach (var key in Keys)
            state[key] = await c.CommandAsync("TYPE", key) + await c.CommandAsync("ZRANGE", key, "0", "-1", "WITHSCORES");
        return state;
    }

    private static async Task WriteAllAsync(RawConnection c, IEnumerable<string[]> writes)
    {
        foreach (var write in writes)
        {
            var reply = await c.CommandAsync(write);
            Assert.False(reply.StartsWith('-'), $"{string.Join(' ', write)} → {reply}");
        }
    }

    /// <summary>Thousands of members, so the checkpoint and the replay carry a set spanning many tree nodes.</summary>
    private static IEnumerable<string[]> BigSetWrites()
    {
        for (int batch = 0; batch < 20; batch++)
        {
            var args = new List<string> { "ZADD", "d:big" };
            for (int i = 0; i < 250; i++)
                args.AddRange([((batch * 250 + i) * 7 % 1000 / 8.0).ToString(System.Globalization.CultureInfo.InvariantCulture), $"big{batch}:{i}"]);
            yield return [.. args];
        }
        yield return ["ZREMRANGEBYRANK", "d:big", "100", "1099"];
        yield return ["ZPOPMAX", "d:big", "50"];
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Every_logged_write_replays_to_the_same_state(bool graceful)
    {
        await using var node = await NodeProcess.StartAsync(["--engine", engine, "--appendfsync", "always"]);
        Dictionary<string, string> before;
        await using (var c = await node.ConnectAsync())
        {
            await WriteAllAsync(c, Writes.Concat(BigSetWrites()));
            before = await SnapshotAsync(c);
        }
        Assert.Equal("+none\r\n*0\r\n", before["d:gone"]);
        Assert.Equal("+none\r\n*0\r\n", before["d:mpop"]);
        Assert.StartsWith("+zset\r\n*", before["d:union"]);
        await node.StopAsync(graceful);
        await node.RestartAsync();
        await using var check = await node.ConnectAsync();
        Assert.Equal(before, await SnapshotAsync(check));
    }

    [Fact]
    public async Task Kill9_after_a_checkpoint_recovers_checkpoint_plus_log_tail()
    {
        await using var node = await NodeProcess.StartAsync(["--engine", engine, "--appendfsync", "always"]);
        Dictionary<string, string> before;
        await using (var c = await node.ConnectAsync())
        {
            await WriteAllAsync(c, Writes.Take(10).Concat(BigSetWrites()));
            Assert.Equal("+OK\r\n", await c.CommandAsync("SAVE"));
            await WriteAllAsync(c, Writes.Skip(10));
            Assert.StartsWith("*4\r\n", await c.CommandAsync("ZPOPMIN", "d:big", "2"));
            before = await SnapshotAsync(c);
        }
        node.Kill();
        await node.RestartAsync();
        await using var check = await node.ConnectAsync();
        Assert.Equal(before, await SnapshotAsync(check));
        Assert.Equal(":3949\r\n", await check.CommandAsync("ZCARD", "d:big"));   // 5000 - 1000 - 50 - 2 + "only"
    }
}
