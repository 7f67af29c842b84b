using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node;

/// <summary>
/// Ranklists and bloom filters survive a graceful restart and kill -9: every logged write kind is
/// replayed to the same state, from the log alone and from a checkpoint plus the log tail.
/// </summary>
public abstract class RankListDurabilityTests(string engine)
{
    private static readonly string[] Keys = ["p:a", "p:cap", "p:gone", "p:bf", "p:fixed", "p:big"];

    private static readonly string[][] Writes =
    [
        ["RL.ADD", "p:a", "1", "x", "2.5", "y", "-inf", "z", "3", "w"],
        ["RL.ADD", "p:a", "GT", "0", "x", "7", "y"],
        ["RL.ADD", "p:a", "XX", "LT", "-1", "w", "5", "nope"],
        ["RL.INCRBY", "p:a", "0.25", "x"],
        ["RL.REM", "p:a", "z", "missing"],
        ["RL.ADD", "p:cap", "MAXLEN", "3", "1", "a", "2", "b", "3", "c", "4", "d"],
        ["RL.ADD", "p:cap", "0", "low", "9", "high"],
        ["RL.ADD", "p:gone", "1", "g", "2", "h"],
        ["RL.TRIM", "p:gone", "0"],
        ["BF.RESERVE", "p:bf", "0.01", "2", "EXPANSION", "2"],
        ["BF.MADD", "p:bf", "a", "b", "c", "d", "e"],
        ["BF.INSERT", "p:fixed", "CAPACITY", "2", "NONSCALING", "ITEMS", "a", "b", "c"],
    ];

    private static async Task<Dictionary<string, string>> SnapshotAsync(RawConnection c)
    {
        var state = new Dictionary<string, string>();
        foreach (var key in Keys)
        {
            var type = await c.CommandAsync("TYPE", key);
            state[key] = type + (type == "+ranklist\r\n"
                ? await c.CommandAsync("RL.RANGE", key, "0", "-1", "WITHSCORES")
                : type == "+MBbloom--\r\n"
                    ? await c.CommandAsync("BF.INFO", key) + await c.CommandAsync("BF.MEXISTS", key, "a", "b", "c", "e", "zz")
                    : "");
        }
        return state;
    }

    private static IEnumerable<string[]> BigListWrites()
    {
        for (int batch = 0; batch < 10; batch++)
        {
            var args = new List<string> { "RL.ADD", "p:big" };
            for (int i = 0; i < 300; i++)
                args.AddRange([((batch * 300 + i) * 7 % 1000 / 8.0).ToString(System.Globalization.CultureInfo.InvariantCulture), $"big{batch}:{i}"]);
            yield return [.. args];
        }
        yield return ["RL.TRIM", "p:big", "2500"];
    }

    private static async Task WriteAllAsync(RawConnection c, IEnumerable<string[]> writes)
    {
        foreach (var write in writes)
            Assert.False((await c.CommandAsync(write)).StartsWith("-ERR syntax"), string.Join(' ', write));
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
            await WriteAllAsync(c, Writes.Concat(BigListWrites()));
            before = await SnapshotAsync(c);
        }
        Assert.Equal("+none\r\n", before["p:gone"]);
        Assert.Equal("+ranklist\r\n*6\r\n$4\r\nhigh\r\n$1\r\n9\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n3\r\n", before["p:cap"]);
        await node.StopAsync(graceful);
        await node.RestartAsync();
        await using var check = await node.ConnectAsync();
        Assert.Equal(before, await SnapshotAsync(check));
        Assert.Equal(":3\r\n", await check.CommandAsync("RL.ADD", "p:cap", "5", "e", "6", "f", "7", "g"));   // the cap came back too
        Assert.Equal(":3\r\n", await check.CommandAsync("RL.CARD", "p:cap"));
    }

    [Fact]
    public async Task Kill9_after_a_checkpoint_recovers_checkpoint_plus_log_tail()
    {
        await using var node = await NodeProcess.StartAsync(["--engine", engine, "--appendfsync", "always"]);
        Dictionary<string, string> before;
        await using (var c = await node.ConnectAsync())
        {
            await WriteAllAsync(c, Writes.Take(7).Concat(BigListWrites()).Append(Writes[9]).Append(["BF.ADD", "p:bf", "a"]));
            Assert.Equal("+OK\r\n", await c.CommandAsync("SAVE"));
            await WriteAllAsync(c, Writes.Skip(7));
            before = await SnapshotAsync(c);
        }
        node.Kill();
        await node.RestartAsync();
        await using var check = await node.ConnectAsync();
        Assert.Equal(before, await SnapshotAsync(check));
        Assert.Equal(":3\r\n", await check.CommandAsync("RL.ADD", "p:cap", "5", "e", "6", "f", "7", "g"));
        Assert.Equal(":3\r\n", await check.CommandAsync("RL.CARD", "p:cap"));
        Assert.Equal(":2500\r\n", await check.CommandAsync("RL.CARD", "p:big"));
    }
}
