using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node;

/// <summary>
/// Ranklist members are interned once per database and released with the last entry naming them:
/// every way an entry or a whole list goes (RL.REM, MAXLEN eviction, RL.TRIM, DEL, UNLINK, expiry,
/// FLUSHALL, overwrite by a string or another type, RENAME onto a list) must release exactly once,
/// and RENAME and COPY must keep the members a list still uses — checked through INFO's
/// ranklist_members count and the lists' contents, on a node of its own.
/// </summary>
public class RankListReleaseTests
{
    /// <summary>INFO memory's ranklist_members: the members interned in the database's table.</summary>
    internal static async Task<long> MembersAsync(RawConnection c) =>
        long.Parse(InfoText.Fields(await c.CommandAsync("INFO", "memory"))["ranklist_members"].Trim('\r', '\n', '$'));

    private static async Task ExpectAsync(RawConnection c, long members, string step)
    {
        long actual = await MembersAsync(c);
        Assert.True(members == actual, $"after {step}: {members} members expected, {actual} interned");
    }

    [Fact]
    public async Task Every_release_path_releases_once_and_moves_keep_members()
    {
        await using var node = await NodeProcess.StartAsync();
        await using var c = await node.ConnectAsync();
        await c.CommandAsync("RL.ADD", "a", "1", "x", "2", "y", "3", "z");
        await c.CommandAsync("RL.ADD", "b", "1", "y", "2", "w");
        await ExpectAsync(c, 4, "adds sharing y");
        await c.CommandAsync("RL.REM", "a", "x");
        await ExpectAsync(c, 3, "RL.REM");
        await c.CommandAsync("RL.ADD", "c", "MAXLEN", "1", "1", "p", "2", "q");
        await ExpectAsync(c, 4, "MAXLEN eviction of p");
        await c.CommandAsync("RL.TRIM", "b", "1");
        await ExpectAsync(c, 4, "RL.TRIM of b's y, still in a");

        Assert.Equal(":1\r\n", await c.CommandAsync("COPY", "a", "a2"));
        await c.CommandAsync("DEL", "a");
        await ExpectAsync(c, 4, "COPY then DEL of the original");
        Assert.Equal("+OK\r\n", await c.CommandAsync("RENAME", "a2", "a3"));
        await ExpectAsync(c, 4, "RENAME");
        Assert.Equal("*2\r\n$1\r\nz\r\n$1\r\ny\r\n", await c.CommandAsync("RL.RANGE", "a3", "0", "-1"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("RENAME", "c", "a3"));
        await ExpectAsync(c, 2, "RENAME onto a list (y, z go)");
        Assert.Equal("*1\r\n$1\r\nq\r\n", await c.CommandAsync("RL.RANGE", "a3", "0", "-1"));
        await c.CommandAsync("UNLINK", "b");
        await ExpectAsync(c, 1, "UNLINK");
        await c.CommandAsync("SET", "a3", "now a string");
        await ExpectAsync(c, 0, "overwrite by SET");

        await c.CommandAsync("RL.ADD", "e", "1", "m");
        await c.CommandAsync("SADD", "s", "v");
        await c.CommandAsync("SUNIONSTORE", "e", "s");
        await ExpectAsync(c, 0, "overwrite by SUNIONSTORE");
        await c.CommandAsync("RL.ADD", "f", "1", "m");
        await c.CommandAsync("EXPIRE", "f", "-1");
        await ExpectAsync(c, 0, "EXPIRE in the past");
        await c.CommandAsync("RL.ADD", "g", "1", "m");
        await c.CommandAsync("PEXPIRE", "g", "20");
        await Task.Delay(100);
        Assert.Equal(":0\r\n", await c.CommandAsync("RL.CARD", "g"));
        await ExpectAsync(c, 0, "expiry");
        await c.CommandAsync("RL.ADD", "h", "1", "m", "2", "n");
        await c.CommandAsync("RL.ADD", "i", "1", "n");
        await c.CommandAsync("FLUSHALL");
        await ExpectAsync(c, 0, "FLUSHALL");

        // Freed ids come back for new members; their order is by bytes, not by id.
        await c.CommandAsync("RL.ADD", "j", "1", "b", "1", "a", "1", "c", "0", "d");
        Assert.Equal("*4\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n", await c.CommandAsync("RL.RANGE", "j", "0", "-1"));
        await ExpectAsync(c, 4, "reuse");
    }

    [Fact]
    public async Task Replay_and_checkpoint_load_intern_each_member_once()
    {
        await using var node = await NodeProcess.StartAsync(["--appendfsync", "always"]);
        await using (var c = await node.ConnectAsync())
        {
            await c.CommandAsync("RL.ADD", "a", "1", "x", "2", "y");
            await c.CommandAsync("COPY", "a", "b");
            await c.CommandAsync("RL.ADD", "b", "3", "z");
            await c.CommandAsync("RL.ADD", "gone", "1", "t");
            await c.CommandAsync("RENAME", "gone", "a");
            await ExpectAsync(c, 4, "writes");   // x, y (in b), z, t
        }
        await node.StopAsync(graceful: false);
        await node.RestartAsync();
        await using (var c = await node.ConnectAsync())
        {
            await ExpectAsync(c, 4, "replay of the log");
            Assert.Equal("*3\r\n$1\r\nz\r\n$1\r\ny\r\n$1\r\nx\r\n", await c.CommandAsync("RL.RANGE", "b", "0", "-1"));
            Assert.Equal("+OK\r\n", await c.CommandAsync("SAVE"));
            await c.CommandAsync("DEL", "a");
        }
        await node.StopAsync(graceful: false);
        await node.RestartAsync();
        await using var check = await node.ConnectAsync();
        await ExpectAsync(check, 3, "checkpoint load plus the log tail");
        Assert.Equal("*0\r\n", await check.CommandAsync("RL.RANGE", "a", "0", "-1"));
        await check.CommandAsync("DEL", "b");
        await ExpectAsync(check, 0, "DEL after recovery");
    }
}
