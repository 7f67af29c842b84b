using System.Diagnostics;
using Istore.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Istore.Tests.Replication;

public sealed class LargeFullSyncTestsOnMemory(ITestOutputHelper output) : LargeFullSyncTests("memory", output);
public sealed class LargeFullSyncTestsOnDisk(ITestOutputHelper output) : LargeFullSyncTests("disk", output);

/// <summary>A full sync of 1,000,000 keys while a writer keeps changing the master converges to the master's digest.</summary>
public abstract class LargeFullSyncTests(string engine, ITestOutputHelper output)
{
    [Fact]
    public async Task A_million_key_full_sync_under_write_load_converges()
    {
        await using var group = await ReplicationGroup.StartAsync(engine, replicas: 0);
        await ReplicationFaultTests.FillAsync(group.Master, 1_000_000);
        using var stop = new CancellationTokenSource();
        long written = 0;
        var writer = Task.Run(async () =>
        {
            await using var c = await group.Master.ConnectAsync();
            for (int i = 0; !stop.IsCancellationRequested; i++)
            {
                Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "key:" + (i * 7919 % 1_000_000), "changed-" + i));
                Assert.StartsWith(":", await c.CommandAsync("RPUSH", "during:" + (i % 100), i.ToString()));
                written++;
            }
        });
        var watch = Stopwatch.StartNew();
        var replica = await group.AddReplicaAsync();
        await ReplicationGroup.WaitForInfoAsync(replica, i => i["master_link_status"] == "up", timeout: TimeSpan.FromSeconds(120));
        var linkUp = watch.Elapsed;
        await Task.Delay(300);
        stop.Cancel();
        await writer;
        await group.AssertDigestsEqualAsync();
        Assert.Equal(await group.Master.DbSizeAsync(), await replica.DbSizeAsync());
        output.WriteLine($"{engine}: link up {linkUp.TotalSeconds:F1} s after the replica started; {written} writer rounds during the sync");
        Assert.True(written > 0);
    }
}
