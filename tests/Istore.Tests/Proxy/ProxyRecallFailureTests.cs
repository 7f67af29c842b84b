using System.Text;
using Istore.Tests.Infrastructure;

namespace Istore.Tests.Proxy;

/// <summary>A shard that dies while a cross-shard RL.RECALL waits on it fails that recall alone, in its place in the pipeline.</summary>
public class ProxyRecallFailureTests(ProxyRecallFailureTests.Cluster cluster) : IClassFixture<ProxyRecallFailureTests.Cluster>
{
    public sealed class Cluster : ProxyCluster
    {
        protected override string TenantOneExtras => """ "limits": {"backendTimeoutMs": 5000}, """;
    }

    private static string[] Recall(IEnumerable<string> lists) =>
        ["RL.RECALL", "5", "LISTS", lists.Count().ToString(), .. lists.SelectMany(l => new[] { l, "1" }), "EXCLUDE", "1", "rf:seen", "WITHSCORES"];

    [Fact]
    public async Task A_shard_killed_mid_recall_fails_that_request_only()
    {
        var victim = cluster.Nodes[2];
        var lists = Enumerable.Range(0, 12).Select(i => $"rf:l{i}").ToArray();
        var survivors = lists.Where(l => ExpectedRoute.Shard(l, 3) != 2).ToArray();
        Assert.True(survivors.Length < lists.Length && survivors.Select(l => ExpectedRoute.Shard(l, 3)).Distinct().Count() == 2);
        await using var c = await cluster.ConnectAsync();
        await using var reference = await cluster.Spares[0].ConnectAsync();
        foreach (var writer in new[] { c, reference })
        {
            for (int i = 0; i < lists.Length; i++)
                Assert.StartsWith(":", await writer.CommandAsync("RL.ADD", lists[i], $"{i}", "a", $"{10 - i}", "b", "3", $"own{i}"));
            Assert.Equal(":1\r\n", await writer.CommandAsync("SADD", "rf:seen", "b"));
        }
        string other = Enumerable.Range(0, 100).Select(i => $"rf:k{i}").First(k => ExpectedRoute.Shard(k, 3) != 2);

        // The victim is stopped so the recall's first round surely waits on it, then killed.
        ProxyProcess.SendSignal(victim.Pid, "STOP");
        var pipeline = new StringBuilder();
        pipeline.Append(RespEncoding.CommandText(Encoding.UTF8, "SET", other, "before"));
        pipeline.Append(RespEncoding.CommandText(Encoding.UTF8, Recall(lists)));
        pipeline.Append(RespEncoding.CommandText(Encoding.UTF8, "GET", other));
        await c.SendAsync(pipeline.ToString());
        await Task.Delay(300);
        victim.Kill();
        Assert.Equal("+OK\r\n", await c.ReadFrameAsync());
        Assert.StartsWith($"-ERR backend 127.0.0.1:{victim.Port}", await c.ReadFrameAsync());
        Assert.Equal("$6\r\nbefore\r\n", await c.ReadFrameAsync());

        // While the shard is down its recalls fail at once; recalls over the other shards answer exactly.
        Assert.StartsWith("-ERR backend", await c.CommandAsync(Recall(lists)));
        string expected = await reference.CommandAsync(Recall(survivors));
        Assert.StartsWith("*10\r\n", expected);
        Assert.Equal(expected, await c.CommandAsync(Recall(survivors)));
        Assert.Equal("+PONG\r\n", await c.CommandAsync("PING"));
    }
}
