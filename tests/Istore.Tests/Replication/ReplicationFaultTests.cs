using System.Net;
using System.Net.Sockets;
using System.Text;
using Istore.Tests.Infrastructure;

namespace Istore.Tests.Replication;

public sealed class ReplicationFaultTestsOnMemory() : ReplicationFaultTests("memory");
public sealed class ReplicationFaultTestsOnDisk() : ReplicationFaultTests("disk");

/// <summary>Bad input and faults around replication: a clear error or a retry, never a crash, never a link that says up while diverged.</summary>
public abstract class ReplicationFaultTests(string engine)
{
    [Fact]
    public async Task Bad_replication_commands_get_clear_errors()
    {
        await using var node = await NodeProcess.StartAsync(["--engine", engine]);
        await using var c = await node.ConnectAsync();
        Assert.Equal("-ERR value is not an integer or out of range\r\n", await c.CommandAsync("PSYNC", "?", "abc"));
        Assert.Equal("-ERR PSYNC needs a 40-character replication id or ?\r\n", await c.CommandAsync("PSYNC", "short", "1"));
        Assert.Equal("-ERR Unrecognized REPLCONF option: bogus\r\n", await c.CommandAsync("REPLCONF", "bogus", "1"));
        Assert.Equal("-ERR syntax error\r\n", await c.CommandAsync("REPLCONF", "listening-port"));
        Assert.Equal("-ERR Invalid master port\r\n", await c.CommandAsync("REPLICAOF", "127.0.0.1", "99999"));
        Assert.Equal("-ERR wrong number of arguments for 'replicaof' command\r\n", await c.CommandAsync("REPLICAOF", "x"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("REPLICAOF", "NO", "ONE"));   // already a master: nothing to do
        Assert.StartsWith("-ERR unknown subcommand 'NOPE'", await c.CommandAsync("DEBUG", "NOPE"));
        Assert.Equal("+PONG\r\n", await c.CommandAsync("PING"));
    }

    [Fact]
    public async Task A_replica_of_an_unreachable_host_says_down_keeps_retrying_and_serves_its_data()
    {
        await using var node = await NodeProcess.StartAsync(["--engine", engine]);
        Assert.Equal("+OK\r\n", await ReplicationGroup.CommandAsync(node, "SET", "k", "v"));
        int deadPort = NodeProcess.FreePort();
        Assert.Equal("+OK\r\n", await ReplicationGroup.CommandAsync(node, "REPLICAOF", "127.0.0.1", deadPort.ToString()));
        await Task.Delay(500);
        var info = await ReplicationGroup.InfoAsync(node);
        Assert.Equal("slave", info["role"]);
        Assert.Equal("down", info["master_link_status"]);
        Assert.Contains("master_link_down_reason", info.Keys);
        Assert.InRange(long.Parse(info["master_link_down_since_seconds"]), 0, 5);
        Assert.Equal("$1\r\nv\r\n", await ReplicationGroup.CommandAsync(node, "GET", "k"));
        Assert.Equal("+OK\r\n", await ReplicationGroup.CommandAsync(node, "REPLICAOF", "NO", "ONE"));
        Assert.Equal("+OK\r\n", await ReplicationGroup.CommandAsync(node, "SET", "k", "w"));
    }

    /// <summary>
    /// The link connects synchronously (its socket stays blocking): a connect that hangs must still be
    /// given up after the connect timeout (10 s; repl-timeout's 60 s would not end it sooner), and at
    /// once by REPLICAOF NO ONE.
    /// </summary>
    [Fact]
    public async Task A_connect_that_hangs_is_given_up_after_its_timeout_and_at_once_by_REPLICAOF_NO_ONE()
    {
        await using var node = await NodeProcess.StartAsync(["--engine", engine]);
        // A listener whose accept queue is full: the kernel drops further SYNs, so a connect to it hangs.
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(0);
        int port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        var fillers = Enumerable.Range(0, 4).Select(_ => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)).ToList();
        try
        {
            foreach (var filler in fillers)
                _ = filler.ConnectAsync(IPAddress.Loopback, port);
            Assert.Equal("+OK\r\n", await ReplicationGroup.CommandAsync(node, "REPLICAOF", "127.0.0.1", port.ToString()));
            await Task.Delay(1000);
            Assert.Contains("connecting", await ReplicationGroup.CommandAsync(node, "ROLE"));
            // Given up by the 10 s connect timeout, with a margin.
            await ReplicationGroup.WaitForInfoAsync(node, i => i.GetValueOrDefault("master_link_down_reason", "").Contains("could not connect"),
                timeout: TimeSpan.FromSeconds(15));
            await Task.Delay(300);   // connecting again, after the retry's backoff
            var stopping = System.Diagnostics.Stopwatch.StartNew();
            Assert.Equal("+OK\r\n", await ReplicationGroup.CommandAsync(node, "REPLICAOF", "NO", "ONE"));
            Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(5), $"REPLICAOF NO ONE took {stopping.Elapsed} (the connect timeout is 10 s)");
            Assert.StartsWith("*3\r\n$6\r\nmaster\r\n", await ReplicationGroup.CommandAsync(node, "ROLE"));
        }
        finally
        {
            fillers.ForEach(f => f.Dispose());
        }
    }

    [Fact]
    public async Task A_node_pointed_at_itself_or_at_its_own_replica_never_reports_the_link_up()
    {
        await using var group = await ReplicationGroup.StartAsync(engine, replicas: 1);
        await ReplicationWorkload.WriteAsync(group.Master, "a", 5);
        await group.WaitInSyncAsync();
        var (a, b) = (group.Master, group.Replicas[0]);
        Assert.Equal("+OK\r\n", await ReplicationGroup.CommandAsync(a, "REPLICAOF", "127.0.0.1", b.Port.ToString()));   // a cycle
        await using var self = await NodeProcess.StartAsync(["--engine", engine]);
        Assert.Equal("+OK\r\n", await ReplicationGroup.CommandAsync(self, "REPLICAOF", "127.0.0.1", self.Port.ToString()));
        for (int i = 0; i < 15; i++)
        {
            await Task.Delay(100);
            foreach (var node in new[] { a, b, self })
                Assert.Equal("down", (await ReplicationGroup.InfoAsync(node))["master_link_status"]);
        }
        Assert.Equal("$7\r\nvalue-1\r\n", await ReplicationGroup.CommandAsync(a, "GET", "a:1:s"));
    }

    [Fact]
    public async Task A_replica_speaking_garbage_is_dropped_and_the_master_serves_on()
    {
        await using var master = await NodeProcess.StartAsync(["--engine", engine]);
        Assert.Equal("+OK\r\n", await ReplicationGroup.CommandAsync(master, "SET", "k", "v"));
        using (var fake = new TcpClient())
        {
            await fake.ConnectAsync(IPAddress.Loopback, master.Port);
            var stream = fake.GetStream();
            await stream.WriteAsync("*3\r\n$5\r\nPSYNC\r\n$1\r\n?\r\n$2\r\n-1\r\n"u8.ToArray());
            var buffer = new byte[4096];
            int n = await stream.ReadAsync(buffer);
            Assert.StartsWith("+FULLRESYNC ", Encoding.ASCII.GetString(buffer, 0, n));
            await ReplicationGroup.WaitForInfoAsync(master, i => i["connected_slaves"] == "1");
            await stream.WriteAsync("*1\r\n$x\r\ngarbage\r\n"u8.ToArray());
            await ReplicationGroup.WaitForInfoAsync(master, i => i["connected_slaves"] == "0");
        }
        Assert.Equal("$1\r\nv\r\n", await ReplicationGroup.CommandAsync(master, "GET", "k"));
    }

    [Fact]
    public async Task A_snapshot_with_a_bad_checksum_is_refused_and_the_old_data_kept()
    {
        using var fakeMaster = new TcpListener(IPAddress.Loopback, 0);
        fakeMaster.Start();
        int port = ((IPEndPoint)fakeMaster.LocalEndpoint).Port;
        var serving = Task.Run(async () =>
        {
            using var peer = await fakeMaster.AcceptTcpClientAsync();
            var stream = peer.GetStream();
            var reader = new StreamReader(stream, Encoding.ASCII);
            for (int commands = 0; commands < 4; commands++)   // PING, REPLCONF ×2, PSYNC: answer each
            {
                string? header = await reader.ReadLineAsync();
                int count = int.Parse(header![1..]);
                for (int i = 0; i < 2 * count; i++)
                    await reader.ReadLineAsync();
                string answer = commands == 0 ? "+PONG\r\n" : commands < 3 ? "+OK\r\n" : "+FULLRESYNC " + new string('a', 40) + " 100\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(answer));
            }
            await stream.WriteAsync(";3\r\n\u0001\u0001k;0\r\n0000000000000000\r\n"u8.ToArray());
            await Task.Delay(1000);
        });
        await using var replica = await NodeProcess.StartAsync(["--engine", engine]);
        Assert.Equal("+OK\r\n", await ReplicationGroup.CommandAsync(replica, "SET", "old", "data"));
        Assert.Equal("+OK\r\n", await ReplicationGroup.CommandAsync(replica, "REPLICAOF", "127.0.0.1", port.ToString()));
        await serving.WaitAsync(TimeSpan.FromSeconds(20));
        var info = await ReplicationGroup.WaitForInfoAsync(replica, i => i.ContainsKey("master_link_down_reason") && i["master_link_down_reason"].Contains("checksum"));
        Assert.Equal("down", info["master_link_status"]);
        Assert.Equal("$4\r\ndata\r\n", await ReplicationGroup.CommandAsync(replica, "GET", "old"));
    }

    [Fact]
    public async Task A_master_killed_mid_snapshot_leaves_the_replica_down_with_its_old_data_and_a_later_sync_converges()
    {
        await using var group = await ReplicationGroup.StartAsync(engine, replicas: 0);
        await FillAsync(group.Master, 200_000);
        await using var replica = await NodeProcess.StartAsync(["--engine", engine]);
        Assert.Equal("+OK\r\n", await ReplicationGroup.CommandAsync(replica, "SET", "old", "data"));
        Assert.Equal("+OK\r\n", await ReplicationGroup.CommandAsync(replica, "REPLICAOF", "127.0.0.1", group.Master.Port.ToString()));
        // The disk engine's sync (SST files) can finish between two polls on a busy machine: the kill then
        // comes after it, and the rest still holds (the replica keeps what it loaded, then converges).
        await ReplicationGroup.WaitForInfoAsync(replica, i => i["master_sync_in_progress"] == "1" || i["master_link_status"] == "up", timeout: TimeSpan.FromSeconds(30));
        group.Master.Kill();
        var info = await ReplicationGroup.WaitForInfoAsync(replica, i => i["master_link_status"] == "down" && i["master_sync_in_progress"] == "0");
        Assert.Equal("slave", info["role"]);
        string old = await ReplicationGroup.CommandAsync(replica, "GET", "old");
        // Either the snapshot never arrived whole (old data kept) or it was loaded: never a mix.
        if (old == "$4\r\ndata\r\n")
            Assert.Equal(":1\r\n", await ReplicationGroup.CommandAsync(replica, "DBSIZE"));
        await group.Master.RestartAsync();
        await ReplicationGroup.WaitInSyncAsync(group.Master, [replica], TimeSpan.FromSeconds(60));
        await ReplicationGroup.AssertSameDataAsync(group.Master, replica);
    }

    [Fact]
    public async Task A_replica_killed_mid_full_sync_converges_after_restart()
    {
        await using var group = await ReplicationGroup.StartAsync(engine, replicas: 0);
        await FillAsync(group.Master, 200_000);
        var replica = await group.AddReplicaAsync();
        // On a quiet machine the sync can end between two polls: then the kill comes just after it.
        await ReplicationGroup.WaitForInfoAsync(replica, i => i["master_sync_in_progress"] == "1" || i["master_link_status"] == "up", timeout: TimeSpan.FromSeconds(30));
        replica.Kill();
        await ReplicationWorkload.WriteAsync(group.Master, "after", 10);
        await replica.RestartAsync();
        await group.AssertDigestsEqualAsync();
    }

    /// <summary>Writes <paramref name="count"/> 64-byte strings in pipelined batches.</summary>
    internal static async Task FillAsync(NodeProcess node, int count)
    {
        await using var c = await node.ConnectAsync();
        string value = new('v', 64);
        const int batch = 1000;
        for (int start = 0; start < count; start += batch)
        {
            var text = new StringBuilder();
            for (int i = start; i < Math.Min(count, start + batch); i++)
                text.Append(RespEncoding.CommandText(Encoding.ASCII, ["SET", "key:" + i, value]));
            await c.SendAsync(text.ToString());
            for (int i = start; i < Math.Min(count, start + batch); i++)
                Assert.Equal("+OK\r\n", await c.ReadFrameAsync());
        }
    }
}

public sealed class FailedCommandTestsOnMemory() : FailedCommandTests("memory", expectWrite: true);
public sealed class FailedCommandTestsOnDisk() : FailedCommandTests("disk", expectWrite: false);

/// <summary>
/// A command whose handler fails after part of its write: never committed but unlogged. The disk
/// engine drops the whole command (batch and log records); the memory engine, which changes data
/// in place, keeps the write and its record. Either way master, replica and a restarted master agree.
/// </summary>
public abstract class FailedCommandTests(string engine, bool expectWrite)
{
    [Fact]
    public async Task A_command_that_fails_after_writing_is_applied_and_logged_whole_or_not_at_all()
    {
        await using var group = await ReplicationGroup.StartAsync(engine, replicas: 1);
        await group.WaitInSyncAsync();
        Assert.StartsWith("-ERR internal error: DEBUG FAIL-AFTER-WRITE", await ReplicationGroup.CommandAsync(group.Master, "DEBUG", "FAIL-AFTER-WRITE", "h"));
        Assert.Equal("+OK\r\n", await ReplicationGroup.CommandAsync(group.Master, "SET", "after", "1"));
        string expected = expectWrite ? ":1\r\n" : ":0\r\n";
        Assert.Equal(expected, await ReplicationGroup.CommandAsync(group.Master, "HEXISTS", "h", "field"));
        await group.AssertDigestsEqualAsync();
        Assert.Equal(expected, await ReplicationGroup.CommandAsync(group.Replicas[0], "HEXISTS", "h", "field"));
        group.Master.Kill();
        await group.Master.RestartAsync();
        Assert.Equal(expected, await ReplicationGroup.CommandAsync(group.Master, "HEXISTS", "h", "field"));
        Assert.Equal("$1\r\n1\r\n", await ReplicationGroup.CommandAsync(group.Master, "GET", "after"));
    }
}
