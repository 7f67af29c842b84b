using System.Text;
using Istore.Tests.Infrastructure;

namespace Istore.Tests.Replication;

public sealed class ReplicaDiskFullTestsOnMemory() : ReplicaDiskFullTests("memory");

public sealed class ReplicaDiskFullTestsOnDisk() : ReplicaDiskFullTests("disk");

/// <summary>
/// A replica whose disk fills up (a 16 MB tmpfs under 32 MB of writes): it stays up, says why
/// its link fails and retries; once space is freed it catches up (the disk engine after a restart:
/// RocksDB's write-ahead log failure is fatal until it is reopened), and every write the master
/// acknowledged is on it and survives a kill -9. The memory engine's log, failing, answers PING with
/// -MISCONF as Redis does, and resumes the link by itself once space returns.
/// </summary>
public abstract class ReplicaDiskFullTests(string engine)
{
    private const int Writes = 16_000;

    [Fact]
    public async Task A_replica_whose_disk_fills_stays_up_retries_and_after_space_is_freed_has_every_acknowledged_write()
    {
        using var disk = TmpfsMount.Create(16);
        await using var master = await NodeProcess.StartAsync(["--engine", engine]);
        await using var replica = await NodeProcess.StartAsync(["--engine", engine, "--replicaof", $"127.0.0.1:{master.Port}"], Path.Combine(disk.Path, "data"));
        long acknowledged = await WriteAsync(master);
        Assert.Equal(Writes, acknowledged);

        await WaitUntilAsync(() => replica.Output.Contains("No space left on device"), "the replica never reported its full disk:\n" + replica.Output);
        await Task.Delay(1000);   // it retries meanwhile
        Assert.False(replica.HasExited, "the replica died of a full disk:\n" + replica.Output);
        Assert.Equal(engine == "memory" ? "-MISCONF Errors writing to the AOF file: No space left on device\r\n" : "+PONG\r\n",
            await ReplicationGroup.CommandAsync(replica, "PING"));
        Assert.StartsWith(":", await ReplicationGroup.CommandAsync(replica, "DBSIZE"));
        Assert.Equal("slave", (await ReplicationGroup.InfoAsync(replica))["role"]);

        disk.Resize(512);
        if (engine == "disk")
        {
            // The write-ahead log met the full disk (16 MB of writes before any flush): fatal to
            // that RocksDB until it is reopened, and the replica says so.
            Assert.Contains("free disk space and restart the node", (await ReplicationGroup.InfoAsync(replica))["master_link_down_reason"]);
            replica.Kill();
            await replica.RestartAsync();
        }
        await ReplicationGroup.WaitInSyncAsync(master, [replica], TimeSpan.FromSeconds(90));
        await AssertHoldsEveryWriteAsync(master, replica, acknowledged);

        replica.Kill();
        await replica.RestartAsync();
        await ReplicationGroup.WaitInSyncAsync(master, [replica], TimeSpan.FromSeconds(90));
        await AssertHoldsEveryWriteAsync(master, replica, acknowledged);
    }

    /// <summary>INCR counter and a 2 KB SET per write, pipelined; returns the INCRs the master acknowledged.</summary>
    private static async Task<long> WriteAsync(NodeProcess master)
    {
        await using var c = await master.ConnectAsync();
        string value = new('v', 2048);
        long acknowledged = 0;
        const int batch = 200;
        for (int start = 0; start < Writes; start += batch)
        {
            var text = new StringBuilder();
            for (int i = start; i < start + batch; i++)
                text.Append(RespEncoding.CommandText(Encoding.ASCII, ["INCR", "counter"])).Append(RespEncoding.CommandText(Encoding.ASCII, ["SET", $"key:{i}", value]));
            await c.SendAsync(text.ToString());
            for (int i = start; i < start + batch; i++)
            {
                Assert.Equal($":{acknowledged + 1}\r\n", await c.ReadFrameAsync());
                acknowledged++;
                Assert.Equal("+OK\r\n", await c.ReadFrameAsync());
            }
        }
        return acknowledged;
    }

    private static async Task AssertHoldsEveryWriteAsync(NodeProcess master, NodeProcess replica, long acknowledged)
    {
        Assert.Equal($"${acknowledged.ToString().Length}\r\n{acknowledged}\r\n", await ReplicationGroup.CommandAsync(replica, "GET", "counter"));
        Assert.Equal($":{Writes + 1}\r\n", await ReplicationGroup.CommandAsync(replica, "DBSIZE"));
        string expected = await ReplicationGroup.DigestAsync(master), actual = await ReplicationGroup.DigestAsync(replica);
        if (expected != actual)
            Assert.Fail($"replica digest {actual}, master's {expected}\n" + await DatasetDifference.DescribeAsync(master, replica) + "\n" + replica.Output);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string failure)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException(failure);
            await Task.Delay(50);
        }
    }
}
