using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node;

/// <summary>BZPOPMIN, BZPOPMAX and BZMPOP: served at once, woken by another client's ZADD, timed out, and durable once served.</summary>
public abstract class SortedSetBlockingTests(NodeFixture fixture)
{
    private static string Bulk(string s) => $"${s.Length}\r\n{s}\r\n";

    private async Task<RawConnection> BlockAsync(params string[] command)
    {
        var c = await fixture.ConnectAsync();
        await c.SendCommandAsync(command);
        await using var admin = await fixture.ConnectAsync();
        await admin.WaitForBlockedClientsAsync(1);
        return c;
    }

    [Fact]
    public async Task Bzpopmin_and_bzpopmax_serve_at_once_from_the_first_non_empty_key()
    {
        await using var c = await fixture.ConnectAsync();
        await c.CommandAsync("ZADD", "bz:now", "1", "a", "2", "b", "3", "c");
        Assert.Equal("*3\r\n" + Bulk("bz:now") + Bulk("a") + Bulk("1"), await c.CommandAsync("BZPOPMIN", "bz:empty", "bz:now", "0"));
        Assert.Equal("*3\r\n" + Bulk("bz:now") + Bulk("c") + Bulk("3"), await c.CommandAsync("BZPOPMAX", "bz:now", "0"));
        await c.ReadValueAfterAsync("HELLO", "3");
        Assert.Equal("*3\r\n" + Bulk("bz:now") + Bulk("b") + ",2\r\n", await c.CommandAsync("BZPOPMIN", "bz:now", "0"));
        Assert.Equal(":0\r\n", await c.CommandAsync("EXISTS", "bz:now"));
    }

    [Fact]
    public async Task A_blocked_bzpopmin_is_woken_by_zadd_from_another_client_with_the_lowest_member()
    {
        await using var waiter = await BlockAsync("BZPOPMIN", "bz:wake", "0");
        await using var writer = await fixture.ConnectAsync();
        Assert.Equal(":3\r\n", await writer.CommandAsync("ZADD", "bz:wake", "5", "five", "-1", "minus", "7", "seven"));
        Assert.Equal("*3\r\n" + Bulk("bz:wake") + Bulk("minus") + Bulk("-1"), await waiter.ReadFrameAsync());
        Assert.Equal(":2\r\n", await writer.CommandAsync("ZCARD", "bz:wake"));
        Assert.Equal("+PONG\r\n", await waiter.CommandAsync("PING"));
    }

    [Fact]
    public async Task Bzmpop_pops_a_count_and_times_out_with_a_null_array()
    {
        await using var c = await fixture.ConnectAsync();
        await c.CommandAsync("ZADD", "bzm:k", "1", "a", "2", "b", "3", "c");
        Assert.Equal("*2\r\n" + Bulk("bzm:k") + "*2\r\n*2\r\n" + Bulk("c") + Bulk("3") + "*2\r\n" + Bulk("b") + Bulk("2"),
            await c.CommandAsync("BZMPOP", "0", "2", "bzm:none", "bzm:k", "MAX", "COUNT", "2"));
        Assert.Equal("*-1\r\n", await c.CommandAsync("BZMPOP", "0.05", "1", "bzm:none", "MIN"));
        Assert.Equal("*-1\r\n", await c.CommandAsync("BZPOPMIN", "bzm:none", "0.05"));
        Assert.Equal("-ERR timeout is negative\r\n", await c.CommandAsync("BZPOPMIN", "bzm:none", "-1"));
        Assert.Equal("-ERR numkeys should be greater than 0\r\n", await c.CommandAsync("BZMPOP", "0", "0", "bzm:k", "MIN"));
        Assert.Equal("-ERR syntax error\r\n", await c.CommandAsync("BZMPOP", "0", "1", "bzm:k", "MIDDLE"));
        await c.CommandAsync("SET", "bzm:string", "x");
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", await c.CommandAsync("BZPOPMIN", "bzm:string", "0"));
    }

    [Fact]
    public async Task A_pop_served_to_a_blocked_client_survives_kill_9()
    {
        await using var node = await NodeProcess.StartAsync();
        await using (var waiter = await node.ConnectAsync())
        {
            await waiter.SendCommandAsync("BZPOPMAX", "bzk:k", "0");
            await using (var admin = await node.ConnectAsync())
                await admin.WaitForBlockedClientsAsync(1);
            await using var writer = await node.ConnectAsync();
            await writer.CommandAsync("ZADD", "bzk:k", "1", "low", "9", "high");
            Assert.Equal("*3\r\n" + Bulk("bzk:k") + Bulk("high") + Bulk("9"), await waiter.ReadFrameAsync());
        }
        node.Kill();
        await node.RestartAsync();
        await using var check = await node.ConnectAsync();
        Assert.Equal("*2\r\n" + Bulk("low") + Bulk("1"), await check.CommandAsync("ZRANGE", "bzk:k", "0", "-1", "WITHSCORES"));
    }
}
