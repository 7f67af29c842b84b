using Istore.Proxy.Config;
using Istore.Proxy.Stats;

namespace Istore.Tests.Proxy;

/// <summary>The configuration file: the shape is accepted, mistakes are rejected with a message.</summary>
public class ProxyConfigTests
{
    [Fact]
    public void The_documented_shape_loads()
    {
        var routes = ConfigLoader.Parse("""
            {"version": 1, "listen": "127.0.0.1:7000", "tenants": [{"name": "feeds", "password": "s3cret",
            "shards": [{"master": "127.0.0.1:7001", "replicas": ["127.0.0.1:7002"]}, {"master": "127.0.0.1:7003"}]}]}
            """);
        Assert.Equal(1, routes.Version);
        var feeds = routes.Find("feeds")!;
        Assert.Equal(["127.0.0.1:7001", "127.0.0.1:7003"], feeds.Shards.Select(s => s.ToString()));
        Assert.Same(feeds, routes.FindByPassword("s3cret"));
        Assert.Equal(4096, feeds.MaxInFlight);   // defaults apply when limits are absent
        Assert.Equal(1, feeds.Limits.BackendConnections);
    }

    [Theory]
    [InlineData("{", "invalid JSON")]
    [InlineData("""{"version": 1, "listen": "nowhere", "tenants": []}""", "listen 'nowhere'")]
    [InlineData("""{"version": 1, "tenants": [{"name": "a", "password": "x", "shards": []}]}""", "has no shards")]
    [InlineData("""{"version": 1, "tenants": [{"name": "a", "password": "x", "shards": [{"master": "h"}]}]}""", "is not host:port")]
    [InlineData("""{"version": 1, "tenants": [{"name": "a", "password": "x", "shards": [{"master": "h:1"}]}, {"name": "b", "password": "x", "shards": [{"master": "h:1"}]}]}""", "password of its own")]
    [InlineData("""{"version": 1, "tenants": [{"name": "a", "password": "x", "shards": [{"master": "h:1"}]}, {"name": "a", "password": "y", "shards": [{"master": "h:1"}]}]}""", "declared twice")]
    [InlineData("""{"version": 1, "tenants": [{"name": "a", "password": "x", "shards": [{"master": "h:1"}]}, {"name": "b", "password": "y", "shards": [{"master": "h:2", "replicas": ["H:1"]}]}]}""", "node H:1 is listed twice: in tenant 'a' shard 0 and in tenant 'b' shard 0")]
    [InlineData("""{"version": 1, "tenants": [{"name": "a", "password": "x", "shards": [{"master": "h:1"}, {"master": "h:1"}]}]}""", "node h:1 is listed twice")]
    [InlineData("""{"version": 1, "tenants": [{"name": "a", "password": "x", "limits": {"qps": -1}, "shards": [{"master": "h:1"}]}]}""", "negative limit")]
    public void Mistakes_are_rejected_with_a_reason(string json, string reason)
    {
        var ex = Assert.Throws<InvalidDataException>(() => ConfigLoader.Parse(json));
        Assert.Contains(reason, ex.Message);
    }

    [Fact]
    public void Latency_buckets_are_ordered_and_hold_their_values()
    {
        long previous = -1;
        for (int i = 0; i < LatencyHistogram.BucketCount; i++)
        {
            long upper = LatencyHistogram.UpperBound(i);
            Assert.True(upper > previous);
            previous = upper;
        }
        foreach (ulong micros in new ulong[] { 0, 1, 15, 16, 17, 100, 1_000, 65_535, 1_000_000, 123_456_789 })
        {
            int index = LatencyHistogram.Index(micros);
            Assert.InRange((long)micros, index == 0 ? 0 : LatencyHistogram.UpperBound(index - 1) + 1, LatencyHistogram.UpperBound(index));
            Assert.True(LatencyHistogram.UpperBound(index) <= (long)micros * 1.07 + 1);
        }
        var counts = new long[LatencyHistogram.BucketCount];
        counts[LatencyHistogram.Index(100)] = 990;
        counts[LatencyHistogram.Index(5_000)] = 10;
        Assert.InRange(LatencyHistogram.Percentile(counts, 0.5), 100, 107);
        Assert.InRange(LatencyHistogram.Percentile(counts, 0.999), 5_000, 5_400);
    }
}
