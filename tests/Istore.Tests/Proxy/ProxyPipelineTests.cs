using System.Text;
using Istore.Tests.Infrastructure;

namespace Istore.Tests.Proxy;

/// <summary>Pipelined commands fan out to the shards and still come back in request order.</summary>
public class ProxyPipelineTests(ProxyCluster cluster) : IClassFixture<ProxyCluster>
{
    private const int Depth = 10_000;

    [Fact]
    public async Task Ten_thousand_pipelined_commands_across_shards_come_back_in_order()
    {
        await using var c = await cluster.ConnectAsync();
        await c.SendAsync(Pipeline("deep", Depth));
        await AssertRepliesInOrder(c, "deep", Depth);
    }

    [Fact]
    public async Task Order_holds_while_one_shard_is_stalled()
    {
        await using var c = await cluster.ConnectAsync();
        var stalled = cluster.Nodes[1];
        // The replies ahead of the first command for the stalled shard may come; nothing after it may overtake it.
        int ahead = Enumerable.Range(0, Depth / 2).First(i => ExpectedRoute.Shard($"stall:{i}", 3) == 1);
        ProxyProcess.SendSignal(stalled.Pid, "STOP");
        try
        {
            await c.SendAsync(Pipeline("stall", Depth));
            for (int i = 0; i < ahead; i++)
                Assert.Equal("+OK\r\n", await c.ReadFrameAsync());
            await Assert.ThrowsAsync<TimeoutException>(() => c.ReadFrameAsync(TimeSpan.FromMilliseconds(500)));
        }
        finally
        {
            ProxyProcess.SendSignal(stalled.Pid, "CONT");
        }
        await AssertRepliesInOrder(c, "stall", Depth, skip: ahead);
    }

    [Fact]
    public async Task Pipelines_of_many_clients_share_few_backend_connections()
    {
        var clients = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => cluster.ConnectAsync()));
        try
        {
            await Task.WhenAll(clients.Select(async (c, i) =>
            {
                await c.SendAsync(Pipeline($"conv{i}", 200));
                await AssertRepliesInOrder(c, $"conv{i}", 200);
            }));
            // Two proxy loops, one connection per shard each (plus the test's own INFO connection).
            await using var direct = await cluster.Nodes[0].ConnectAsync();
            var info = (await direct.ReadValueAfterAsync("INFO", "clients")).AsString()!;
            Assert.InRange(int.Parse(InfoText.Fields(info)["connected_clients"]), 1, 3);
        }
        finally
        {
            foreach (var c in clients)
                await c.DisposeAsync();
        }
    }

    /// <summary>SET prefix:i i for every i, then GET prefix:i for every i: <paramref name="commands"/> in all.</summary>
    internal static byte[] Pipeline(string prefix, int commands)
    {
        var text = new StringBuilder();
        for (int i = 0; i < commands / 2; i++)
            text.Append(RespEncoding.CommandText(Encoding.UTF8, "SET", $"{prefix}:{i}", i.ToString()));
        for (int i = 0; i < commands / 2; i++)
            text.Append(RespEncoding.CommandText(Encoding.UTF8, "GET", $"{prefix}:{i}"));
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    internal static async Task AssertRepliesInOrder(RawConnection c, string prefix, int commands, int skip = 0)
    {
        for (int i = skip; i < commands / 2; i++)
            Assert.Equal("+OK\r\n", await c.ReadFrameAsync(TimeSpan.FromSeconds(30)));
        for (int i = 0; i < commands / 2; i++)
        {
            string value = i.ToString();
            Assert.Equal($"${value.Length}\r\n{value}\r\n", await c.ReadFrameAsync(TimeSpan.FromSeconds(30)));
        }
    }
}
