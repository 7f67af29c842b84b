using Istore.Net.Resp;
using Istore.Node.Admin;
using Istore.Tests.Infrastructure;
using Istore.Tests.Net;

namespace Istore.Tests.Node;

/// <summary>
/// LATENCY HISTOGRAM: Redis 7's reply shape (per command, a container's per subcommand: calls and
/// cumulative counts by bucket), Redis's bucket keys, the figures summed over event loops and
/// reset by CONFIG RESETSTAT, and each call in the bucket its own duration names.
/// </summary>
public abstract class LatencyHistogramTests(NodeFixture fixture, RedisServerFixture redis)
{
    /// <summary>The keys redis-server 7.0 reports (its HdrHistogram's log iterator from 1024 ns, in µs).</summary>
    [Fact]
    public void Bucket_keys_are_redis_servers()
    {
        Assert.Equal(
            [1, 2, 4, 8, 16, 33, 66, 132, 264, 528, 1056, 2113, 4227, 8454, 16908, 33816, 67633, 135266, 270532, 541065, 1082130],
            LatencyHistograms.BucketMicros);
    }

    private static Dictionary<string, RespValue> Map(RespValue reply) =>
        Enumerable.Range(0, reply.Count / 2).ToDictionary(i => reply[2 * i].AsString()!, i => reply[2 * i + 1]);

    /// <summary>calls N, then histogram_usec: bucket keys ascending with cumulative counts ending at N.</summary>
    private static List<(long Key, long Cumulative)> Histogram(RespValue entry, long calls)
    {
        Assert.Equal("calls", entry[0].AsString());
        Assert.Equal(calls, entry[1].AsInteger());
        Assert.Equal("histogram_usec", entry[2].AsString());
        var buckets = Enumerable.Range(0, entry[3].Count / 2).Select(i => (entry[3][2 * i].AsInteger(), entry[3][2 * i + 1].AsInteger())).ToList();
        Assert.All(buckets, bucket => Assert.Contains(bucket.Item1, LatencyHistograms.BucketMicros));
        Assert.Equal(buckets.OrderBy(b => b.Item1), buckets);
        Assert.Equal(buckets.OrderBy(b => b.Item2), buckets);
        Assert.Equal(calls, buckets[^1].Item2);
        return buckets;
    }

    /// <summary>As Redis: a blocked BLPOP is no call while it waits, and one call once served or timed out.</summary>
    [Fact]
    public async Task A_blocked_command_counts_once_when_it_is_answered()
    {
        await using var blocked = await fixture.ConnectAsync();
        await using var other = await fixture.ConnectAsync();
        await other.CommandAsync("DEL", "lhb:list");
        await other.CommandAsync("CONFIG", "RESETSTAT");
        await blocked.SendCommandAsync("BLPOP", "lhb:list", "0");
        await other.WaitForBlockedClientsAsync(1);
        Assert.DoesNotContain("cmdstat_blpop", await other.CommandAsync("INFO", "commandstats"));
        Assert.Equal(0, (await other.ReadValueAfterAsync("LATENCY", "HISTOGRAM", "blpop")).Count);

        await other.CommandAsync("RPUSH", "lhb:list", "x");
        Assert.Equal("*2\r\n$8\r\nlhb:list\r\n$1\r\nx\r\n", await blocked.ReadFrameAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("cmdstat_blpop:calls=1,", await other.CommandAsync("INFO", "commandstats"));
        Histogram(Map(await other.ReadValueAfterAsync("LATENCY", "HISTOGRAM", "blpop"))["blpop"], 1);

        Assert.Equal("*-1\r\n", await blocked.CommandAsync("BLPOP", "lhb:none", "0.01"));
        Assert.Contains("cmdstat_blpop:calls=2,", await other.CommandAsync("INFO", "commandstats"));
    }

    [Fact]
    public async Task Counts_sum_over_event_loops_by_command_and_subcommand()
    {
        await using var node = await fixture.StartNodeAsync(["--threads", "2"]);
        await using var a = await node.ConnectAsync();
        await using var b = await node.ConnectAsync();
        await a.CommandAsync("CONFIG", "RESETSTAT");
        foreach (var c in new[] { a, b, a })
            await c.CommandAsync("SET", "lh:k", "v");
        await b.CommandAsync("CLIENT", "ID");
        await a.CommandAsync("CLIENT", "NOSUCH");
        await a.CommandAsync("GET", "lh:k");

        var chosen = Map(await a.ReadValueAfterAsync("LATENCY", "HISTOGRAM", "set", "client", "nosuchcommand", "get|x"));
        Assert.Equal(["set", "client|id"], chosen.Keys.ToArray());
        Histogram(chosen["set"], 3);
        Histogram(chosen["client|id"], 1);
        Assert.Equal(["client|id"], Map(await a.ReadValueAfterAsync("LATENCY", "HISTOGRAM", "CLIENT|ID", "client|list")).Keys.ToArray());

        var all = Map(await a.ReadValueAfterAsync("LATENCY", "HISTOGRAM"));
        Assert.Equal(["client|id", "config|resetstat", "get", "latency|histogram", "set"], all.Keys.Order(StringComparer.Ordinal).ToArray());
        Histogram(all["latency|histogram"], 2);   // the two calls before this one

        await b.CommandAsync("CONFIG", "RESETSTAT");
        Assert.Equal(["config|resetstat"], Map(await a.ReadValueAfterAsync("LATENCY", "HISTOGRAM")).Keys.ToArray());
    }

    /// <summary>The slow log reports the same call's microseconds: its bucket is the first whose key is not below them.</summary>
    [Fact]
    public async Task A_call_lands_in_the_bucket_its_duration_names()
    {
        await using var node = await fixture.StartNodeAsync();
        await using var c = await node.ConnectAsync();
        await c.CommandAsync("CONFIG", "SET", "slowlog-log-slower-than", "0");
        await c.CommandAsync("CONFIG", "RESETSTAT");
        await c.CommandAsync("DEBUG", "SLEEP", "0.003");
        long micros = (await c.ReadValueAfterAsync("SLOWLOG", "GET", "1"))[0][2].AsInteger();
        var bucket = Assert.Single(Histogram(Map(await c.ReadValueAfterAsync("LATENCY", "HISTOGRAM", "debug"))["debug"], 1));   // DEBUG has no subcommand table in Redis
        Assert.Equal(LatencyHistograms.BucketMicros.First(key => key >= micros), bucket.Key);
    }

    [Fact]
    public async Task Shapes_and_help_match_redis_server_in_resp2_and_resp3()
    {
        await using var c = await fixture.ConnectAsync();
        await using var oracle = await RawConnection.ConnectAsync(redis.Port);
        foreach (var protocol in new[] { "2", "3" })
        {
            await c.ReadValueAfterAsync("HELLO", protocol);
            await oracle.ReadValueAfterAsync("HELLO", protocol);
            await OracleScript.AssertSameRepliesAsync(c, oracle,
                "CONFIG RESETSTAT", "LATENCY HISTOGRAM nosuch", "LATENCY HISTOGRAM client|nosuch get", "LATENCY HELP");
            await OracleScript.AssertSameRepliesAsync(c, oracle, "PING");
            // One call each: the same frame but for the bucket key (the durations differ).
            var ours = await c.CommandAsync("LATENCY", "HISTOGRAM", "ping");
            var theirs = await oracle.CommandAsync("LATENCY", "HISTOGRAM", "ping");
            Assert.Equal(MaskBucket(theirs), MaskBucket(ours));
        }
    }

    private static string MaskBucket(string frame) => System.Text.RegularExpressions.Regex.Replace(frame, @"histogram_usec\r\n([*%]\d)\r\n:\d+", "histogram_usec\r\n$1\r\n:KEY");
}
