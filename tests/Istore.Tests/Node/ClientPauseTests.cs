using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node;

/// <summary>CLIENT PAUSE / UNPAUSE on a node of its own (a pause stops every client of the node).</summary>
public sealed class ClientPauseTests
{
    [Fact]
    public async Task A_write_pause_holds_writes_in_order_lets_reads_through_and_runs_them_when_it_ends()
    {
        await using var node = await NodeProcess.StartAsync();
        await using var admin = await node.ConnectAsync();
        await using var writer = await node.ConnectAsync();
        await using var reader = await node.ConnectAsync();
        Assert.Equal("+OK\r\n", await admin.CommandAsync("SET", "k", "0"));
        Assert.Equal("+OK\r\n", await admin.CommandAsync("CLIENT", "PAUSE", "10000", "WRITE"));
        // A pipeline: the write waits, and so does the read behind it (a client's replies stay in order).
        await writer.SendAsync("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\n1\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
        Assert.Equal("$1\r\n0\r\n", await reader.CommandAsync("GET", "k"));
        await Assert.ThrowsAsync<TimeoutException>(() => writer.ReadFrameAsync(TimeSpan.FromMilliseconds(300)));
        Assert.Equal("+OK\r\n", await admin.CommandAsync("CLIENT", "UNPAUSE"));
        Assert.Equal("+OK\r\n", await writer.ReadFrameAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal("$1\r\n1\r\n", await writer.ReadFrameAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_pause_ends_by_itself_and_ALL_holds_reads_too()
    {
        await using var node = await NodeProcess.StartAsync();
        await using var admin = await node.ConnectAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal("+OK\r\n", await admin.CommandAsync("CLIENT", "PAUSE", "300"));
        var started = DateTime.UtcNow;
        Assert.Equal("$-1\r\n", await client.CommandAsync("GET", "k"));
        Assert.InRange((DateTime.UtcNow - started).TotalMilliseconds, 200, 5000);
        Assert.Equal("+OK\r\n", await admin.CommandAsync("CLIENT", "PAUSE", "300", "WRITE"));
        started = DateTime.UtcNow;
        Assert.Equal("+OK\r\n", await client.CommandAsync("SET", "k", "v"));
        Assert.InRange((DateTime.UtcNow - started).TotalMilliseconds, 200, 5000);
    }

    [Fact]
    public async Task Bad_arguments_get_Redis_errors()
    {
        await using var node = await NodeProcess.StartAsync();
        await using var c = await node.ConnectAsync();
        Assert.Equal("-ERR timeout is not an integer or out of range\r\n", await c.CommandAsync("CLIENT", "PAUSE", "soon"));
        Assert.Equal("-ERR timeout is not an integer or out of range\r\n", await c.CommandAsync("CLIENT", "PAUSE", "-1"));
        Assert.Equal("-ERR syntax error\r\n", await c.CommandAsync("CLIENT", "PAUSE", "10", "READS"));
        Assert.Equal("-ERR wrong number of arguments for 'client|pause' command\r\n", await c.CommandAsync("CLIENT", "PAUSE"));
        Assert.Equal("-ERR wrong number of arguments for 'client|unpause' command\r\n", await c.CommandAsync("CLIENT", "UNPAUSE", "x"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "k", "v"));   // nothing was paused
    }
}
