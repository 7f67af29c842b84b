using Istore.Tests.Infrastructure;

namespace Istore.Tests.Replication;

public sealed class ReplicationTestsOnMemory() : ReplicationTests("memory");
public sealed class ReplicationTestsOnDisk() : ReplicationTests("disk");

/// <summary>Master → replica streams on real processes: full and partial resync, digests, PSYNC2 after a promotion, READONLY, WAIT, min-replicas.</summary>
public abstract class ReplicationTests(string engine)
{
    [Fact]
    public async Task Two_replicas_reach_the_masters_digest_after_mixed_writes_before_and_after_they_join()
    {
        await using var group = await ReplicationGroup.StartAsync(engine, replicas: 1);
        await ReplicationWorkload.WriteAsync(group.Master, "a", 60);
        await group.AddReplicaAsync();   // joins with data already there: a full sync
        await ReplicationWorkload.WriteAsync(group.Master, "b", 60);
        await group.AssertDigestsEqualAsync();
        var master = await ReplicationGroup.InfoAsync(group.Master);
        Assert.Equal("master", master["role"]);
        Assert.Equal("2", master["connected_slaves"]);
        Assert.Matches($"^ip=127.0.0.1,port={group.Replicas[0].Port},state=online,offset=\\d+,lag=\\d+$", master["slave0"]);
        Assert.Equal(40, master["master_replid"].Length);
        var replica = await ReplicationGroup.InfoAsync(group.Replicas[1]);
        Assert.Equal("slave", replica["role"]);
        Assert.Equal(group.Master.Port.ToString(), replica["master_port"]);
        Assert.Equal("0", replica["master_sync_in_progress"]);
        Assert.Equal(master["master_replid"], replica["master_replid"]);
        Assert.Equal("2", (await ReplicationGroup.InfoAsync(group.Master, "stats"))["sync_full"]);
    }

    [Fact]
    public async Task A_replica_refuses_writes_and_serves_reads()
    {
        await using var group = await ReplicationGroup.StartAsync(engine, replicas: 1);
        Assert.Equal("+OK\r\n", await ReplicationGroup.CommandAsync(group.Master, "SET", "k", "v"));
        await group.WaitInSyncAsync();
        Assert.Equal("$1\r\nv\r\n", await ReplicationGroup.CommandAsync(group.Replicas[0], "GET", "k"));
        Assert.Equal("-READONLY You can't write against a read only replica.\r\n", await ReplicationGroup.CommandAsync(group.Replicas[0], "SET", "k", "w"));
        Assert.Equal("-READONLY You can't write against a read only replica.\r\n", await ReplicationGroup.CommandAsync(group.Replicas[0], "HSET", "h", "f", "v"));
        await using var c = await group.Replicas[0].ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync("MULTI"));
        Assert.StartsWith("-READONLY", await c.CommandAsync("DEL", "k"));
        Assert.StartsWith("-EXECABORT", await c.CommandAsync("EXEC"));
        var role = await c.ReadValueAfterAsync("ROLE");
        Assert.Equal("slave", role[0].AsString());
        Assert.Equal(group.Master.Port, role[2].AsInteger());
        Assert.Equal("connected", role[3].AsString());
    }

    [Fact]
    public async Task A_replica_killed_mid_stream_continues_incrementally_after_restart()
    {
        await using var group = await ReplicationGroup.StartAsync(engine, replicas: 1);
        await ReplicationWorkload.WriteAsync(group.Master, "a", 30);
        await group.WaitInSyncAsync();
        var writes = ReplicationWorkload.WriteAsync(group.Master, "b", 80);
        await Task.Delay(50);
        group.Replicas[0].Kill();
        await writes;
        await ReplicationWorkload.WriteAsync(group.Master, "c", 20);
        await group.Replicas[0].RestartAsync();
        await group.AssertDigestsEqualAsync();
        var stats = await ReplicationGroup.InfoAsync(group.Master, "stats");
        Assert.Equal("1", stats["sync_full"]);
        Assert.Equal("1", stats["sync_partial_ok"]);
    }

    [Fact]
    public async Task A_burst_larger_than_the_backlog_costs_one_full_sync_not_a_loop()
    {
        await using var group = await ReplicationGroup.StartAsync(engine, replicas: 1, masterArgs: ["--repl-backlog-size", "16kb"]);
        await ReplicationWorkload.WriteAsync(group.Master, "a", 10);
        await group.WaitInSyncAsync();
        await group.Replicas[0].StopAsync(graceful: true);
        await ReplicationWorkload.WriteAsync(group.Master, "burst", 150);   // well over 16 KB of stream
        await group.Replicas[0].RestartAsync();
        await group.AssertDigestsEqualAsync();
        await ReplicationWorkload.WriteAsync(group.Master, "after", 20);
        await group.AssertDigestsEqualAsync();
        var stats = await ReplicationGroup.InfoAsync(group.Master, "stats");
        Assert.Equal("2", stats["sync_full"]);          // the first sync and the one after the burst
        Assert.Equal("1", stats["sync_partial_err"]);   // the restarted replica asked to continue and could not
    }

    [Fact]
    public async Task A_promoted_replica_keeps_the_old_history_so_its_sibling_continues_incrementally()
    {
        await using var group = await ReplicationGroup.StartAsync(engine, replicas: 2);
        await ReplicationWorkload.WriteAsync(group.Master, "a", 40);
        await group.WaitInSyncAsync();
        var (promoted, sibling) = (group.Replicas[0], group.Replicas[1]);
        string oldId = (await ReplicationGroup.InfoAsync(group.Master))["master_replid"];
        group.Master.Kill();
        Assert.Equal("+OK\r\n", await ReplicationGroup.CommandAsync(promoted, "REPLICAOF", "NO", "ONE"));
        var info = await ReplicationGroup.InfoAsync(promoted);
        Assert.Equal("master", info["role"]);
        Assert.Equal(oldId, info["master_replid2"]);
        Assert.Equal(long.Parse(info["master_repl_offset"]) + 1, long.Parse(info["second_repl_offset"]));
        Assert.Equal("+OK\r\n", await ReplicationGroup.CommandAsync(sibling, "REPLICAOF", "127.0.0.1", promoted.Port.ToString()));
        await ReplicationWorkload.WriteAsync(promoted, "b", 30);
        await ReplicationGroup.WaitInSyncAsync(promoted, [sibling]);
        await ReplicationGroup.AssertSameDataAsync(promoted, sibling);
        var stats = await ReplicationGroup.InfoAsync(promoted, "stats");
        Assert.Equal("1", stats["sync_partial_ok"]);
        Assert.Equal("0", stats["sync_full"]);
    }

    [Fact]
    public async Task WAIT_counts_the_replicas_that_acknowledged_and_times_out_for_the_rest()
    {
        await using var group = await ReplicationGroup.StartAsync(engine, replicas: 2);
        await group.WaitInSyncAsync();
        await using var c = await group.Master.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "k", "v"));
        Assert.Equal(":2\r\n", await c.CommandAsync("WAIT", "2", "5000"));
        var started = DateTime.UtcNow;
        Assert.Equal(":2\r\n", await c.CommandAsync("WAIT", "3", "300"));
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(250));
        Assert.Equal(":2\r\n", await c.CommandAsync("WAIT", "0", "0"));
        Assert.Equal("-ERR timeout is negative\r\n", await c.CommandAsync("WAIT", "1", "-1"));
        Assert.StartsWith("-ERR WAIT cannot be used with replica instances", await ReplicationGroup.CommandAsync(group.Replicas[0], "WAIT", "1", "0"));
    }

    [Fact]
    public async Task Min_replicas_to_write_refuses_writes_until_a_replica_is_online()
    {
        await using var group = await ReplicationGroup.StartAsync(engine, replicas: 0, masterArgs: ["--min-replicas-to-write", "1"]);
        Assert.Equal("-NOREPLICAS Not enough good replicas to write.\r\n", await ReplicationGroup.CommandAsync(group.Master, "SET", "k", "v"));
        Assert.Equal("$-1\r\n", await ReplicationGroup.CommandAsync(group.Master, "GET", "k"));
        await group.AddReplicaAsync();
        await group.WaitInSyncAsync();
        Assert.Equal("+OK\r\n", await ReplicationGroup.CommandAsync(group.Master, "SET", "k", "v"));
        Assert.Equal("+OK\r\n", await ReplicationGroup.CommandAsync(group.Master, "CONFIG", "SET", "min-replicas-to-write", "2"));
        Assert.StartsWith("-NOREPLICAS", await ReplicationGroup.CommandAsync(group.Master, "SET", "k", "w"));
    }

    [Fact]
    public async Task A_replica_restarted_gracefully_continues_from_its_own_offset()
    {
        await using var group = await ReplicationGroup.StartAsync(engine, replicas: 1);
        await ReplicationWorkload.WriteAsync(group.Master, "a", 40);
        await group.AssertDigestsEqualAsync();   // tells a replica that diverged live from one its restart lost data of
        await group.Replicas[0].StopAsync(graceful: true);
        await ReplicationWorkload.WriteAsync(group.Master, "b", 10);
        await group.Replicas[0].RestartAsync();
        await group.AssertDigestsEqualAsync();
        Assert.Equal("1", (await ReplicationGroup.InfoAsync(group.Master, "stats"))["sync_partial_ok"]);
    }

    [Fact]
    public async Task A_SIGSTOPped_master_is_given_up_after_repl_timeout_and_rejoined_after_SIGCONT()
    {
        await using var group = await ReplicationGroup.StartAsync(engine, replicas: 1, replicaArgs: ["--repl-timeout", "2"]);
        await ReplicationWorkload.WriteAsync(group.Master, "a", 10);
        await group.WaitInSyncAsync();
        ProxyProcess.SendSignal(group.Master.Pid, "STOP");
        try
        {
            var down = await ReplicationGroup.WaitForInfoAsync(group.Replicas[0], i => i["master_link_status"] == "down", timeout: TimeSpan.FromSeconds(15));
            Assert.Equal("slave", down["role"]);
            Assert.StartsWith("$", await ReplicationGroup.CommandAsync(group.Replicas[0], "GET", "a:1:s"));   // still serves the data it has
        }
        finally
        {
            ProxyProcess.SendSignal(group.Master.Pid, "CONT");
        }
        await ReplicationWorkload.WriteAsync(group.Master, "b", 10);
        await group.AssertDigestsEqualAsync();
    }

    [Fact]
    public async Task Replicas_asking_at_once_share_one_snapshot()
    {
        await using var group = await ReplicationGroup.StartAsync(engine, replicas: 0);
        await ReplicationFaultTests.FillAsync(group.Master, 300_000);
        // Both replicas connect while the master is stopped, so their PSYNCs arrive together
        // however long each took to start (on a busy machine one could ask after the snapshot was done).
        ProxyProcess.SendSignal(group.Master.Pid, "STOP");
        try
        {
            await Task.WhenAll(group.AddReplicaAsync(), group.AddReplicaAsync());
            await Task.Delay(1000);
        }
        finally
        {
            ProxyProcess.SendSignal(group.Master.Pid, "CONT");
        }
        await group.AssertDigestsEqualAsync();
        var info = await ReplicationGroup.InfoAsync(group.Master);
        Assert.Equal("2", (await ReplicationGroup.InfoAsync(group.Master, "stats"))["sync_full"]);
        Assert.Equal("1", info["repl_snapshots_made"]);
    }

    [Fact]
    public async Task A_master_keeps_no_backlog_until_a_replica_attaches_and_then_serves_partial_resyncs_from_it()
    {
        await using var group = await ReplicationGroup.StartAsync(engine, replicas: 0);
        await ReplicationWorkload.WriteAsync(group.Master, "a", 10);
        var info = await ReplicationGroup.InfoAsync(group.Master);
        Assert.Equal(("0", "0", "0"), (info["repl_backlog_active"], info["repl_backlog_histlen"], info["repl_backlog_first_byte_offset"]));
        Assert.NotEqual("0", info["master_repl_offset"]);   // the offsets move all the same
        await group.AddReplicaAsync();
        await group.WaitInSyncAsync();
        await ReplicationWorkload.WriteAsync(group.Master, "b", 10);
        await group.WaitInSyncAsync();
        info = await ReplicationGroup.InfoAsync(group.Master);
        Assert.Equal("1", info["repl_backlog_active"]);
        Assert.NotEqual("0", info["repl_backlog_histlen"]);
        // The replica restarts and continues from the master's backlog instead of a second full sync.
        await group.Replicas[0].StopAsync(graceful: true);
        await ReplicationWorkload.WriteAsync(group.Master, "c", 5);
        await group.Replicas[0].RestartAsync();
        await group.WaitInSyncAsync();
        var stats = await ReplicationGroup.InfoAsync(group.Master, "stats");
        Assert.Equal(("1", "1"), (stats["sync_full"], stats["sync_partial_ok"]));
        await group.AssertDigestsEqualAsync();
    }

    [Fact]
    public async Task A_SIGSTOPped_replica_is_dropped_after_repl_timeout_and_continues_after_SIGCONT()
    {
        await using var group = await ReplicationGroup.StartAsync(engine, replicas: 1, masterArgs: ["--repl-timeout", "2"]);
        await ReplicationWorkload.WriteAsync(group.Master, "a", 10);
        await group.WaitInSyncAsync();
        ProxyProcess.SendSignal(group.Replicas[0].Pid, "STOP");
        try
        {
            await ReplicationWorkload.WriteAsync(group.Master, "b", 10);   // the master goes on writing meanwhile
            await ReplicationGroup.WaitForInfoAsync(group.Master, i => i["connected_slaves"] == "0", timeout: TimeSpan.FromSeconds(15));
        }
        finally
        {
            ProxyProcess.SendSignal(group.Replicas[0].Pid, "CONT");
        }
        // The replica first reads what the socket still held, then finds it closed and continues incrementally.
        await ReplicationGroup.WaitForInfoAsync(group.Master, i => i["sync_partial_ok"] == "1", section: "stats", timeout: TimeSpan.FromSeconds(15));
        await ReplicationWorkload.WriteAsync(group.Master, "c", 5);
        await group.AssertDigestsEqualAsync();
        Assert.Equal("1", (await ReplicationGroup.InfoAsync(group.Master, "stats"))["sync_full"]);
    }

    [Fact]
    public async Task A_two_loop_master_streams_whole_records_while_transactions_and_single_writes_interleave()
    {
        // Another loop flushes the log while a transaction is half written: the flush must take only
        // whole commands (a torn record in the stream would stop the replica or corrupt its data).
        await using var group = await ReplicationGroup.StartAsync(engine, replicas: 1, masterArgs: ["--threads", "2"]);
        await group.WaitInSyncAsync();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            await using var c = await group.Master.ConnectAsync();
            for (int i = 0; !stop.IsCancellationRequested; i++)
            {
                if (w % 2 == 0)
                {
                    await c.SendCommandAsync("MULTI");
                    for (int k = 0; k < 20; k++)
                        await c.SendCommandAsync("HINCRBY", $"tx:{w}", "f" + k, "1");
                    await c.SendCommandAsync("EXEC");
                    for (int k = 0; k < 22; k++)
                        Assert.False((await c.ReadFrameAsync()).StartsWith('-'));
                }
                else
                {
                    Assert.Equal("+OK\r\n", await c.CommandAsync("SET", $"s:{w}:{i % 500}", new string('x', i % 300)));
                }
            }
        })).ToList();
        await Task.WhenAll(writers);
        await group.AssertDigestsEqualAsync();
        Assert.Equal("up", (await ReplicationGroup.InfoAsync(group.Replicas[0]))["master_link_status"]);
    }
}
