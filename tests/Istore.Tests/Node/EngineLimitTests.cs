using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node;

/// <summary>A value larger than the engine's log page is refused with a clear error, before anything is written.</summary>
public class EngineLimitTests
{
    [Fact]
    public async Task Oversized_values_are_refused_cleanly_and_multi_key_writes_stay_all_or_nothing()
    {
        await using var node = await NodeProcess.StartAsync(["--page-size", "1mb"]);
        await using var c = await node.ConnectAsync();
        string big = new('x', 2 * 1024 * 1024);

        var reply = await c.CommandAsync("SET", "limit:big", big);
        Assert.StartsWith("-ERR key and value exceed the memory engine's limit of ", reply);
        Assert.Equal("$-1\r\n", await c.CommandAsync("GET", "limit:big"));

        Assert.StartsWith("-ERR key and value exceed", await c.CommandAsync("MSET", "limit:a", "1", "limit:b", big));
        Assert.Equal(":0\r\n", await c.CommandAsync("EXISTS", "limit:a", "limit:b"));

        // Growing a value past the limit fails the same way and leaves the old value.
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "limit:grow", "start"));
        Assert.StartsWith("-ERR key and value exceed", await c.CommandAsync("APPEND", "limit:grow", big));
        Assert.Equal("$5\r\nstart\r\n", await c.CommandAsync("GET", "limit:grow"));

        Assert.Equal("+PONG\r\n", await c.CommandAsync("PING"));
        Assert.DoesNotContain("internal error", node.Output);
    }

    [Fact]
    public async Task Bit_writes_past_the_page_are_refused_and_change_nothing()
    {
        await using var node = await NodeProcess.StartAsync(["--page-size", "1mb"]);
        await using var c = await node.ConnectAsync();
        Assert.StartsWith("-ERR key and value exceed", await c.CommandAsync("SETBIT", "limit:bits", "4294967295", "1"));
        Assert.StartsWith("-ERR key and value exceed", await c.CommandAsync("BITFIELD", "limit:bits", "SET", "u8", "#2000000", "1"));
        Assert.Equal(":0\r\n", await c.CommandAsync("EXISTS", "limit:bits"));
        Assert.Equal(":0\r\n", await c.CommandAsync("SETBIT", "limit:bits", "7", "1"));
        Assert.StartsWith("-ERR key and value exceed", await c.CommandAsync("SETBIT", "limit:bits", "9000000", "1"));
        Assert.Equal("$1\r\n\u0001\r\n", await c.CommandAsync("GET", "limit:bits"));
        Assert.Equal(":0\r\n", await c.CommandAsync("GETBIT", "limit:bits", "4294967295"));
        Assert.Equal("+PONG\r\n", await c.CommandAsync("PING"));
        Assert.DoesNotContain("internal error", node.Output);
    }
}
