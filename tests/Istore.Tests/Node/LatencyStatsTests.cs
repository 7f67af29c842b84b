using System.Globalization;
using System.Text.RegularExpressions;
using Istore.Node.Admin;
using Istore.Tests.Infrastructure;
using Istore.Tests.Net;

namespace Istore.Tests.Node;

/// <summary>
/// INFO latencystats: per command (a container's per subcommand) the percentiles
/// latency-tracking-info-percentiles names, read from an HdrHistogram laid out as Redis's, so the
/// figures have Redis's steps (a 1 µs call reads 1.003); latency-tracking off records nothing;
/// the parameter's checks, errors and CONFIG GET form are redis-server's.
/// </summary>
public abstract partial class LatencyStatsTests(NodeFixture fixture, RedisServerFixture redis)
{
    private const string Ok = "+OK\r\n";

    [Fact]
    public void Percentiles_read_as_redis_servers_histogram_reads_them()
    {
        var one = new LatencyPercentiles();
        one.Record(1000);
        Assert.Equal(1003, one.ValueAt(50));   // Redis's p50=1.003 for a 1 µs call
        Assert.Equal(1000, one.ValueAt(0));

        var spread = new LatencyPercentiles();
        for (int i = 1; i <= 100; i++)
            spread.Record(i * 1000L);
        Assert.Equal(100, spread.Total);
        Assert.Equal(50_175, spread.ValueAt(50));      // 50 000 ns, in a bucket 256 ns wide
        Assert.Equal(99_327, spread.ValueAt(99));
        Assert.Equal(100_351, spread.ValueAt(100));
        Assert.Equal(0, new LatencyPercentiles().ValueAt(50));
    }

    [Fact]
    public async Task Info_latencystats_shows_the_configured_percentiles_per_command()
    {
        await using var c = await fixture.ConnectAsync();
        try
        {
            Assert.Equal(Ok, await c.CommandAsync("CONFIG", "RESETSTAT"));
            Assert.Null(Line(await Info(c), "set"));
            Assert.Equal(Ok, await c.CommandAsync("SET", "lat:k", "v"));
            Assert.Equal("$1\r\nv\r\n", await c.CommandAsync("GET", "lat:k"));
            await c.CommandAsync("CLIENT", "ID");
            string info = await Info(c);
            Assert.StartsWith("# Latencystats\r\n", info);
            Assert.Matches(ThreePercentiles(), Line(info, "set")!);
            Assert.Matches(ThreePercentiles(), Line(info, "get")!);
            Assert.Matches(ThreePercentiles(), Line(info, "client|id")!);

            Assert.Equal(Ok, await c.CommandAsync("CONFIG", "SET", "latency-tracking-info-percentiles", "0.0 50.0 100.0"));
            Assert.Equal("*2\r\n$33\r\nlatency-tracking-info-percentiles\r\n$8\r\n0 50 100\r\n", await c.CommandAsync("CONFIG", "GET", "latency-tracking-info-percentiles"));
            Assert.Matches(@"^p0=\d+\.\d{3},p50=\d+\.\d{3},p100=\d+\.\d{3}$", Line(await Info(c), "set")!);

            // Not among INFO's default sections.
            Assert.DoesNotContain("latency_percentiles_usec_", await c.CommandAsync("INFO"));
            Assert.Equal(Ok, await c.CommandAsync("CONFIG", "RESETSTAT"));
            Assert.Null(Line(await Info(c), "set"));
        }
        finally
        {
            Assert.Equal(Ok, await c.CommandAsync("CONFIG", "SET", "latency-tracking-info-percentiles", "50 99 99.9"));
        }
    }

    [Fact]
    public async Task Latency_tracking_off_records_nothing()
    {
        await using var c = await fixture.ConnectAsync();
        try
        {
            Assert.Equal(Ok, await c.CommandAsync("CONFIG", "RESETSTAT"));
            Assert.Equal(Ok, await c.CommandAsync("CONFIG", "SET", "latency-tracking", "no"));
            Assert.Equal(Ok, await c.CommandAsync("SET", "lat:off", "v"));
            Assert.Equal("# Latencystats\r\n", await Info(c));
            Assert.Equal(Ok, await c.CommandAsync("CONFIG", "SET", "latency-tracking", "yes"));
            Assert.Null(Line(await Info(c), "set"));   // the call made while off was not kept
            Assert.Equal(Ok, await c.CommandAsync("SET", "lat:off", "v"));
            Assert.Matches(ThreePercentiles(), Line(await Info(c), "set")!);
        }
        finally
        {
            await c.CommandAsync("CONFIG", "SET", "latency-tracking", "yes");
        }
    }

    [Fact]
    public async Task A_slow_call_reads_at_least_its_duration()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(Ok, await c.CommandAsync("CONFIG", "RESETSTAT"));
        Assert.Equal(Ok, await c.CommandAsync("DEBUG", "SLEEP", "0.05"));
        var p50 = Regex.Match(Line(await Info(c), "debug")!, @"p50=([0-9.]+)");
        Assert.True(double.Parse(p50.Groups[1].Value, CultureInfo.InvariantCulture) >= 50_000, p50.Value);
    }

    [Theory]
    [InlineData("10.0 50.0 a")]
    [InlineData("10.0 50.0 101.0")]
    [InlineData("-1")]
    public async Task A_bad_percentile_list_is_refused_as_redis_refuses_it_and_changes_nothing(string value)
    {
        await using var c = await fixture.ConnectAsync();
        await using var oracle = await RawConnection.ConnectAsync(redis.Port);
        string before = await c.CommandAsync("CONFIG", "GET", "latency-tracking-info-percentiles");
        Assert.Equal(await oracle.CommandAsync("CONFIG", "SET", "latency-tracking-info-percentiles", value),
            await c.CommandAsync("CONFIG", "SET", "latency-tracking-info-percentiles", value));
        Assert.Equal(before, await c.CommandAsync("CONFIG", "GET", "latency-tracking-info-percentiles"));
    }

    [Fact]
    public async Task Config_get_shows_the_percentiles_as_redis_prints_them()
    {
        await using var c = await fixture.ConnectAsync();
        await using var oracle = await RawConnection.ConnectAsync(redis.Port);
        try
        {
            foreach (var conn in new[] { c, oracle })
                Assert.Equal(Ok, await conn.CommandAsync("CONFIG", "SET", "latency-tracking-info-percentiles", "99.990 1.5e1 0"));
            Assert.Equal(await oracle.CommandAsync("CONFIG", "GET", "latency-tracking-info-percentiles"),
                await c.CommandAsync("CONFIG", "GET", "latency-tracking-info-percentiles"));
        }
        finally
        {
            foreach (var conn in new[] { c, oracle })
                await conn.CommandAsync("CONFIG", "SET", "latency-tracking-info-percentiles", "50 99 99.9");
        }
    }

    private static async Task<string> Info(RawConnection c)
    {
        var reply = await c.ReadValueAfterAsync("INFO", "latencystats");
        return reply.AsString()!;
    }

    /// <summary>The value of latency_percentiles_usec_&lt;command&gt;, or null.</summary>
    private static string? Line(string info, string command)
    {
        string prefix = $"latency_percentiles_usec_{command}:";
        return info.Split("\r\n").FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..];
    }

    [GeneratedRegex(@"^p50=\d+\.\d{3},p99=\d+\.\d{3},p99\.9=\d+\.\d{3}$")]
    private static partial Regex ThreePercentiles();
}
