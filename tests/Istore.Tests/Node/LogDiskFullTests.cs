using Istore.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Istore.Tests.Node;

/// <summary>
/// The memory engine's append-only log on a full disk (its aof directory a 4 MiB tmpfs), as Redis's
/// AOF: the write the disk cut short gets no reply until its record is written, later writes,
/// PING, an EXEC or a script that would write get -MISCONF, reads are served; once space is freed a retry writes the record, the held
/// reply says OK and writes are accepted again; a kill -9 then loses no acknowledged write and the
/// restarted node's digest is the one it had (the failed write left no torn record before later ones).
/// </summary>
public class LogDiskFullTests(ITestOutputHelper output)
{
    private const string Misconf = "-MISCONF Errors writing to the AOF file: No space left on device\r\n";

    private static readonly string Value = new('v', 4096);

    [Theory]
    [InlineData("everysec")]
    [InlineData("always")]
    public async Task A_full_log_disk_refuses_writes_serves_reads_holds_the_cut_write_and_after_space_returns_loses_nothing(string fsync)
    {
        using var disk = TmpfsMount.Create(4);
        string directory = Path.Combine(Path.GetTempPath(), "istore-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        Directory.CreateSymbolicLink(Path.Combine(directory, "aof"), disk.Path);
        try
        {
            await using var node = await NodeProcess.StartAsync(["--engine", "memory", "--appendfsync", fsync], directory);
            await using var writer = await node.ConnectAsync();
            await using var other = await node.ConnectAsync();
            await using var transaction = await node.ConnectAsync();
            Assert.Equal("+OK\r\n", await transaction.CommandAsync("MULTI"));
            Assert.Equal("+QUEUED\r\n", await transaction.CommandAsync("SET", "queued", "x"));
            var acknowledged = new List<string>();
            var held = await WriteUntilTheLogFailsAsync(writer, other, acknowledged);
            string heldKey = $"key:{acknowledged.Count}";

            Assert.Equal(Misconf, await other.CommandAsync("SET", "refused", "x"));
            Assert.Equal(Misconf, await other.CommandAsync("PING"));
            Assert.Equal(Misconf, await other.CommandAsync("INCR", "refused"));
            Assert.Equal(Value, (await other.ReadValueAfterAsync("GET", acknowledged[0])).AsString());
            Assert.Equal(":0\r\n", await other.CommandAsync("EXISTS", "refused"));
            Assert.Equal("-EXECABORT Transaction discarded because of: " + Misconf[1..], await transaction.CommandAsync("EXEC"));
            Assert.StartsWith(Misconf[..^2], await other.CommandAsync("EVAL", "return redis.call('set', 'refused', 1)", "0"));
            Assert.Equal(Misconf, await other.CommandAsync("EVAL", "#!lua\nreturn 1", "0"));   // a script that may write
            Assert.Equal(":1\r\n", await other.CommandAsync("EVAL", "#!lua flags=no-writes\nreturn 1", "0"));
            Assert.Equal("+OK\r\n", await transaction.CommandAsync("MULTI"));
            Assert.Equal("+QUEUED\r\n", await transaction.CommandAsync("EXISTS", "queued"));
            Assert.Equal("*1\r\n:0\r\n", await transaction.CommandAsync("EXEC"));   // a transaction that only reads runs
            await Task.Delay(1500);   // the background retries fail meanwhile: the reply still waits
            Assert.False(held.IsCompleted, "a write's reply left before its record was written");
            Assert.False(node.HasExited, "the node stopped on a full disk:\n" + node.Output);

            disk.Resize(64);
            Assert.Equal("+OK\r\n", await held);
            acknowledged.Add(heldKey);
            await ReplicationGroup.WaitForInfoAsync(node, info => info["aof_last_write_status"] == "ok", "persistence");
            Assert.Equal("+PONG\r\n", await other.CommandAsync("PING"));
            for (int i = 0; i < 20; i++)
            {
                Assert.Equal("+OK\r\n", await other.CommandAsync("SET", $"after:{i}", Value));
                acknowledged.Add($"after:{i}");
            }
            string digest = await ReplicationGroup.DigestAsync(node);

            node.Kill();
            await node.RestartAsync();
            await using var restarted = await node.ConnectAsync();
            long present = (await restarted.ReadValueAfterAsync(["EXISTS", .. acknowledged])).AsInteger();
            output.WriteLine($"appendfsync {fsync}: {acknowledged.Count} writes acknowledged, {acknowledged.Count - present} lost after kill -9");
            Assert.True(present == acknowledged.Count, $"{acknowledged.Count - present} of {acknowledged.Count} acknowledged writes lost after kill -9:\n{node.Output}");
            Assert.Equal(digest, await ReplicationGroup.DigestAsync(node));
            Assert.DoesNotContain("Unhandled exception", node.Output);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// SETs 4 KB values one at a time, each acknowledged one recorded, until one gets no reply and
    /// INFO says the log failed; returns that write's reply still to come.
    /// </summary>
    private static async Task<Task<string>> WriteUntilTheLogFailsAsync(RawConnection writer, RawConnection other, List<string> acknowledged)
    {
        for (int i = 0; i < 10_000; i++)
        {
            await writer.SendCommandAsync("SET", $"key:{i}", Value);
            var reply = writer.ReadFrameAsync(TimeSpan.FromMinutes(3));
            while (true)
            {
                if (await Task.WhenAny(reply, Task.Delay(50)) == reply)
                {
                    Assert.Equal("+OK\r\n", await reply);
                    acknowledged.Add($"key:{i}");
                    break;
                }
                var info = InfoText.Fields((await other.ReadValueAfterAsync("INFO", "persistence")).AsString()!);
                if (info["aof_last_write_status"] == "err")
                {
                    Assert.True(acknowledged.Count > 100, $"the log failed after only {acknowledged.Count} writes");
                    return reply;
                }
            }
        }
        throw new InvalidOperationException("a 4 MiB disk took 40 MB of writes");
    }
}
