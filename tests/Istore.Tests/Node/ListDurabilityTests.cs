using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node;

/// <summary>
/// Lists survive a graceful stop, kill -9, and kill -9 after a checkpoint (snapshot plus log
/// tail): every list command's effect, including blocking pops served at once or by another
/// client's push, which are logged as LPOP/RPOP/LMOVE (on the disk engine: kept by RocksDB's WAL).
/// Each test runs its own node.
/// </summary>
public abstract class ListDurabilityTests(string engine)
{
    private static readonly string[] Keys =
    [
        "ld:push", "ld:pop", "ld:set", "ld:ins", "ld:rem", "ld:trim", "ld:src", "ld:dst", "ld:mp", "ld:gone",
        "ld:bl", "ld:blmove-src", "ld:blmove-dst", "ld:blmpop", "ld:now", "ld:big",
    ];

    [Theory]
    [InlineData("kill")]
    [InlineData("save-then-kill")]
    [InlineData("sigterm")]
    public async Task Every_list_effect_is_back_after_a_restart(string mode)
    {
        await using var node = await NodeProcess.StartAsync(["--engine", engine]);
        Dictionary<string, string> before;
        await using (var c = await node.ConnectAsync())
        {
            await RunAsync(c, "RPUSH", "ld:push", "a", "b", "c");
            await RunAsync(c, "LPUSH", "ld:push", "z");
            await RunAsync(c, "LPUSHX", "ld:push", "y");
            await RunAsync(c, "RPUSH", "ld:pop", "1", "2", "3", "4", "5");
            await RunAsync(c, "LPOP", "ld:pop");
            await RunAsync(c, "RPOP", "ld:pop", "2");
            await RunAsync(c, "RPUSH", "ld:set", "a", "b", "c");
            await RunAsync(c, "LSET", "ld:set", "-1", "C");
            if (mode == "save-then-kill")
                Assert.Equal("+OK\r\n", await c.CommandAsync("SAVE"));
            await RunAsync(c, "RPUSH", "ld:ins", "a", "c");
            await RunAsync(c, "LINSERT", "ld:ins", "BEFORE", "c", "b");
            await RunAsync(c, "RPUSH", "ld:rem", "x", "a", "x", "b", "x");
            await RunAsync(c, "LREM", "ld:rem", "-2", "x");
            await RunAsync(c, "RPUSH", "ld:trim", "0", "1", "2", "3", "4");
            await RunAsync(c, "LTRIM", "ld:trim", "1", "-2");
            await RunAsync(c, "RPUSH", "ld:src", "s1", "s2", "s3");
            await RunAsync(c, "LMOVE", "ld:src", "ld:dst", "LEFT", "RIGHT");
            await RunAsync(c, "RPOPLPUSH", "ld:src", "ld:dst");
            await RunAsync(c, "RPUSH", "ld:mp", "m1", "m2", "m3");
            await RunAsync(c, "LMPOP", "2", "ld:none", "ld:mp", "RIGHT", "COUNT", "2");
            await RunAsync(c, "RPUSH", "ld:gone", "g");
            await RunAsync(c, "RPOP", "ld:gone");
            await RunAsync(c, "RPUSH", "ld:now", "n1", "n2", "n3");
            await RunAsync(c, "BLPOP", "ld:none", "ld:now", "0");
            await RunAsync(c, "BLMPOP", "0", "1", "ld:now", "RIGHT", "COUNT", "1");
            for (int i = 0; i < 200; i++)
                await c.SendCommandAsync("RPUSH", "ld:big", $"element-{i}");
            for (int i = 0; i < 200; i++)
                await c.ReadFrameAsync();
            await RunAsync(c, "LTRIM", "ld:big", "10", "-10");

            // Blocked clients served by this client's pushes: logged as their non-blocking effect.
            await using (var blpop = await node.ConnectAsync())
            await using (var blmove = await node.ConnectAsync())
            await using (var blmpop = await node.ConnectAsync())
            {
                await blpop.SendCommandAsync("BLPOP", "ld:bl", "0");
                await blmove.SendCommandAsync("BLMOVE", "ld:blmove-src", "ld:blmove-dst", "RIGHT", "LEFT", "0");
                await blmpop.SendCommandAsync("BLMPOP", "0", "1", "ld:blmpop", "LEFT", "COUNT", "2");
                await c.WaitForBlockedClientsAsync(3);
                await RunAsync(c, "RPUSH", "ld:bl", "b1", "b2");
                await RunAsync(c, "RPUSH", "ld:blmove-src", "v1", "v2");
                await RunAsync(c, "RPUSH", "ld:blmpop", "p1", "p2", "p3");
                Assert.Equal("*2\r\n$5\r\nld:bl\r\n$2\r\nb1\r\n", await blpop.ReadFrameAsync());
                Assert.Equal("$2\r\nv2\r\n", await blmove.ReadFrameAsync());
                Assert.StartsWith("*2\r\n$9\r\nld:blmpop\r\n*2\r\n", await blmpop.ReadFrameAsync());
            }
            before = await SnapshotAsync(c);
        }
        // What the served waiters took is gone before the stop, and must stay gone after it.
        Assert.Equal("+list\r\n*1\r\n$2\r\nb2\r\n", before["ld:bl"]);
        Assert.Equal("+list\r\n*1\r\n$2\r\nv1\r\n", before["ld:blmove-src"]);
        Assert.Equal("+list\r\n*1\r\n$2\r\nv2\r\n", before["ld:blmove-dst"]);
        Assert.Equal("+list\r\n*1\r\n$2\r\np3\r\n", before["ld:blmpop"]);
        Assert.Equal("+list\r\n*1\r\n$2\r\nn2\r\n", before["ld:now"]);
        Assert.Equal("+none\r\n*0\r\n", before["ld:gone"]);
        if (mode == "sigterm")
            Assert.Equal(0, await node.TerminateAsync());
        else
            node.Kill();
        await node.RestartAsync();

        await using var check = await node.ConnectAsync();
        Assert.Equal(before, await SnapshotAsync(check));
        Assert.DoesNotContain("replayed log commands answered an error", node.Output);
    }

    private static async Task RunAsync(RawConnection c, params string[] args)
    {
        var reply = await c.CommandAsync(args);
        Assert.False(reply.StartsWith('-'), $"{string.Join(' ', args)} → {reply}");
    }

    /// <summary>Every test key's type and contents, as the node answers them.</summary>
    private static async Task<Dictionary<string, string>> SnapshotAsync(RawConnection c)
    {
        var state = new Dictionary<string, string>();
        foreach (var key in Keys)
            state[key] = await c.CommandAsync("TYPE", key) + await c.CommandAsync("LRANGE", key, "0", "-1");
        return state;
    }
}
