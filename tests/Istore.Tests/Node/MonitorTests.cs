using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node;

/// <summary>
/// MONITOR as Redis's introspection suite checks it: every command run, in Redis's line format,
/// a script before its calls (shown as [0 lua]), MULTI/EXEC in order, credentials redacted, and
/// administrative commands never shown.
/// </summary>
public abstract class MonitorTests(NodeFixture fixture)
{
    private static async Task<string> NextLineAsync(RawConnection monitor) => await monitor.ReadFrameAsync(TimeSpan.FromSeconds(10));

    [Fact]
    public async Task A_monitor_sees_each_command_in_redis_format()
    {
        await using var monitor = await fixture.ConnectAsync();
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("+OK\r\n", await monitor.CommandAsync("MONITOR"));
        await c.CommandAsync("set", "mon:k", "a \"b\"\n");
        await c.CommandAsync("get", "mon:k");
        Assert.Matches(@"^\+\d+\.\d{6} \[0 127\.0\.0\.1:\d+\] ""set"" ""mon:k"" ""a \\""b\\""\\n""\r\n$", await NextLineAsync(monitor));
        Assert.Matches(@"^\+\d+\.\d{6} \[0 127\.0\.0\.1:\d+\] ""get"" ""mon:k""\r\n$", await NextLineAsync(monitor));

        await c.CommandAsync("eval", "redis.call('set', KEYS[1], ARGV[1])", "1", "mon:k", "v");
        Assert.Contains("\"eval\"", await NextLineAsync(monitor));
        Assert.Matches(@"\[0 lua\] ""set"" ""mon:k"" ""v""\r\n$", await NextLineAsync(monitor));

        await c.CommandAsync("multi");
        await c.CommandAsync("set", "mon:k", "w");
        await c.CommandAsync("exec");
        Assert.EndsWith("\"multi\"\r\n", await NextLineAsync(monitor));
        Assert.EndsWith("\"set\" \"mon:k\" \"w\"\r\n", await NextLineAsync(monitor));
        Assert.EndsWith("\"exec\"\r\n", await NextLineAsync(monitor));

        await c.CommandAsync("auth", "not-real", "not-a-password");
        await c.CommandAsync("config", "get", "maxmemory");
        await c.CommandAsync("ping");
        Assert.EndsWith("\"auth\" \"(redacted)\" \"(redacted)\"\r\n", await NextLineAsync(monitor));
        Assert.EndsWith("\"ping\"\r\n", await NextLineAsync(monitor));   // CONFIG is administrative: never shown
    }
}
