using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node;

public sealed class BlockedSlowLogTestsOnMemory() : BlockedSlowLogTests("memory");
public sealed class BlockedSlowLogTestsOnDisk() : BlockedSlowLogTests("disk");

/// <summary>
/// SLOWLOG and blocking commands, as Redis's unit/slowlog "blocking command is reported only after
/// unblocked": nothing while the client waits, one entry once it is served (or gives up), timed
/// without the wait.
/// </summary>
public abstract class BlockedSlowLogTests(string engine)
{
    private const int WaitMs = 1000;

    /// <summary>The slow log's entries for <paramref name="command"/>: (microseconds, arguments).</summary>
    private static async Task<List<(long Micros, string Args)>> EntriesAsync(RawConnection c, string command)
    {
        var entries = (await c.ReadValueAfterAsync("SLOWLOG", "GET", "-1")).Items;
        return [.. entries
            .Select(e => (e.Items[2].AsInteger(), string.Join(' ', e.Items[3].Items.Select(a => a.AsString()))))
            .Where(e => e.Item2.StartsWith(command + " ", StringComparison.Ordinal))];
    }

    public static TheoryData<string[], string[]> Served() => new()
    {
        { ["BLPOP", "bs:list", "0"], ["RPUSH", "bs:list", "a"] },
        { ["BLMOVE", "bs:src", "bs:dst", "LEFT", "RIGHT", "0"], ["RPUSH", "bs:src", "a"] },
        { ["BZPOPMIN", "bs:zset", "0"], ["ZADD", "bs:zset", "1", "a"] },
        { ["XREAD", "BLOCK", "0", "STREAMS", "bs:stream", "$"], ["XADD", "bs:stream", "*", "f", "v"] },
    };

    [Theory]
    [MemberData(nameof(Served))]
    public async Task A_blocking_command_is_logged_once_when_served_without_its_wait(string[] blocking, string[] write)
    {
        await using var node = await NodeProcess.StartAsync(["--engine", engine]);
        await using var c = await node.ConnectAsync();
        await using var blocked = await node.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync("CONFIG", "SET", "slowlog-log-slower-than", "0"));
        await blocked.SendCommandAsync(blocking);
        await c.WaitForBlockedClientsAsync(1);
        await Task.Delay(WaitMs);
        Assert.Empty(await EntriesAsync(c, blocking[0]));

        await c.CommandAsync(write);
        Assert.DoesNotContain("-1", await blocked.ReadFrameAsync());   // served, not timed out
        var entries = await EntriesAsync(c, blocking[0]);
        Assert.Equal(string.Join(' ', blocking), Assert.Single(entries).Args);
        Assert.True(entries[0].Micros < WaitMs * 1000, $"logged {entries[0].Micros} µs: the wait was counted");
    }

    [Fact]
    public async Task A_blocking_command_that_times_out_is_logged_once()
    {
        await using var node = await NodeProcess.StartAsync(["--engine", engine]);
        await using var c = await node.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync("CONFIG", "SET", "slowlog-log-slower-than", "0"));
        Assert.Equal("*-1\r\n", await c.CommandAsync("BLPOP", "bs:none", "0.2"));
        Assert.Equal("BLPOP bs:none 0.2", Assert.Single(await EntriesAsync(c, "BLPOP")).Args);
        // Served at once, it is an ordinary command: logged when it runs.
        await c.CommandAsync("RPUSH", "bs:now", "a");
        Assert.Equal("*2\r\n$6\r\nbs:now\r\n$1\r\na\r\n", await c.CommandAsync("BLPOP", "bs:now", "0"));
        Assert.Equal(2, (await EntriesAsync(c, "BLPOP")).Count);
    }
}
