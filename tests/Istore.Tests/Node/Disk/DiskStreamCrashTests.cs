using Istore.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Istore.Tests.Node.Disk;

/// <summary>
/// Streams on the disk engine through kill -9 in the middle of traffic: a writer pipelines XADDs
/// while a consumer reads them through a group and acknowledges every other one. After the restart
/// every XADD that was acknowledged is there (the loss is counted and must be 0), and every entry
/// a group read delivered and nobody acknowledged is still pending for its consumer.
/// </summary>
public class DiskStreamCrashTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Acknowledged_xadds_and_deliveries_survive_kill_9()
    {
        await using var node = await NodeProcess.StartAsync(["--engine", "disk"]);
        await using (var setup = await node.ConnectAsync())
            Assert.Equal("+OK\r\n", await setup.CommandAsync("XGROUP", "CREATE", "crash:s", "g", "$", "MKSTREAM"));

        var added = new List<string>();
        var pending = new HashSet<string>();
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            await using var c = await node.ConnectAsync();
            for (int batch = 0; !stop.IsCancellationRequested; batch++)
            {
                for (int i = 0; i < 50; i++)
                    await c.SendCommandAsync("XADD", "crash:s", "MAXLEN", "~", "1000000", "*", "batch", batch.ToString(), "i", i.ToString());
                for (int i = 0; i < 50; i++)
                {
                    var id = (await c.ReadValueAsync()).AsString()!;
                    lock (added)
                        added.Add(id);
                }
            }
        });
        var reader = Task.Run(async () =>
        {
            await using var c = await node.ConnectAsync();
            while (!stop.IsCancellationRequested)
            {
                var reply = await c.ReadValueAfterAsync("XREADGROUP", "GROUP", "g", "worker", "COUNT", "20", "BLOCK", "100", "STREAMS", "crash:s", ">");
                if (reply.IsNull)
                    continue;
                var ids = reply[0][1].Items.Select(entry => entry[0].AsString()!).ToList();
                var acked = ids.Where((_, n) => n % 2 == 0).ToArray();
                // Entries about to be acknowledged are not expected either way: the kill may come between XACK and its reply.
                lock (pending)
                {
                    pending.UnionWith(ids);
                    pending.ExceptWith(acked);
                }
                if (acked.Length > 0)
                    Assert.Equal($":{acked.Length}\r\n", await c.CommandAsync(["XACK", "crash:s", "g", .. acked]));
            }
        });

        await Task.Delay(TimeSpan.FromSeconds(2));
        node.Kill();
        stop.Cancel();
        await Task.WhenAll(writer.ContinueWith(_ => { }), reader.ContinueWith(_ => { }));

        await node.RestartAsync();
        await using var check = await node.ConnectAsync();
        var present = (await check.ReadValueAfterAsync("XRANGE", "crash:s", "-", "+")).Items.Select(entry => entry[0].AsString()!).ToHashSet();
        int lost = added.Count(id => !present.Contains(id));
        var stillPending = (await check.ReadValueAfterAsync("XPENDING", "crash:s", "g", "-", "+", "1000000", "worker")).Items.Select(entry => entry[0].AsString()!).ToHashSet();
        int lostDeliveries = pending.Count(id => !stillPending.Contains(id));
        output.WriteLine($"{added.Count} acknowledged XADDs, {lost} lost; {pending.Count} delivered and not acknowledged, {lostDeliveries} no longer pending");
        Assert.True(added.Count > 500, $"only {added.Count} XADDs were acknowledged before the kill");
        Assert.Equal(0, lost);
        Assert.Equal(0, lostDeliveries);
        // The stream goes on above the last ID it handed out.
        Assert.Equal(":1\r\n", await check.CommandAsync("EXISTS", "crash:s"));
        Assert.StartsWith("-ERR The ID specified in XADD is equal or smaller", await check.CommandAsync("XADD", "crash:s", added[^1], "f", "v"));
    }
}
