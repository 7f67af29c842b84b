using System.Text;
using System.Text.Json.Nodes;
using Istore.Net.Client;
using Istore.Net.Resp;
using Istore.Tests.Infrastructure;
using Istore.Tests.Proxy;
using Xunit.Abstractions;
using static Istore.Tests.Ha.HaFailoverTests;

namespace Istore.Tests.Ha;

/// <summary>
/// Scaling a tenant of `istore-ha up` out and in through the admin API while clients write
/// through the proxy: after every step each key is on exactly one master, the one its jump hash
/// names, with its value; every acknowledged write is there (counted); the moved share is jump
/// hash's. Replication is semi-synchronous, and on disk a giving master is failed over mid-step.
/// </summary>
public sealed class ScaleTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("memory", 100_000)]
    [InlineData("disk", 20_000)]
    public async Task Scaling_two_three_four_two_moves_exactly_the_keys_jump_hash_names_and_loses_no_acknowledged_write(string engine, int keys)
    {
        // Semi-synchronous: an acknowledged write survives a failover (an asynchronous replica's lag would not).
        await using var up = await UpProcess.StartAsync("--shards", "2", "--replicas", "1", "--sync-replicas", "1", "--engine", engine);
        var cluster = LiveCluster.Of(up);
        var data = await LoadAsync(cluster, keys);
        await CheckPlacementAsync(cluster, data, shards: 2);

        foreach (int shards in new[] { 3, 4, 2 })
        {
            var before = await KeysPerMasterAsync(cluster);
            await using var load = new WriteLoad(cluster);
            // Disk, growing to 3: a giving master stops as the step's new nodes start, just before the cut-over
            // pauses it, for longer than HA's downAfterMs: the cut-over must leave HA room to fail it over, its
            // replica takes over while keys move, and what it had queued (MIGRATEs too) runs when it resumes.
            string? frozen = engine == "disk" && shards == 3 ? cluster.Masters()[1] : null;
            var stopped = frozen is null ? Task.CompletedTask : StopAtCutOverAsync(up, frozen);
            var progress = await ScaleAsync(cluster, shards);
            await stopped;
            if (frozen is not null)
                Assert.NotEqual(frozen, cluster.Masters()[1]);   // HA failed it over
            await AssertNoAcknowledgedWriteLostAsync(up, load, $"{engine} -> {shards} shards: {progress.ToJsonString()}");
            await CheckPlacementAsync(cluster, data, shards);
            if (shards == 3)
            {
                // Growing 2 → 3 moves a third of the keys, all onto the new shard.
                var after = await KeysPerMasterAsync(cluster);
                double moved = (double)after[^1] / after.Sum();
                output.WriteLine($"moved share: {moved:F4} (expected {1.0 / 3:F4}); per master before {string.Join(",", before)} after {string.Join(",", after)}");
                Assert.InRange(moved, 1.0 / 3 - 0.02, 1.0 / 3 + 0.02);
            }
        }
    }

    /// <summary>Stops <paramref name="master"/> once `up` has started a new shard's master and replica.</summary>
    private async Task StopAtCutOverAsync(UpProcess up, string master)
    {
        const string started = "Started istore-node";
        int before = up.CountOf(started);
        int pid = await UpProcess.NodePidAsync(master);
        await up.WaitForOutputAsync(started, TimeSpan.FromSeconds(60), before + 2);
        await StopAWhileAsync(pid);
    }

    /// <summary>
    /// A receiving master frozen as the cut-over meets it, for longer than HA's downAfterMs: growing,
    /// the new shard's master (the attempt gives up on it within a probe's timeout and the next one
    /// finds it answering again); shrinking, a shard that takes the last one's keys (HA fails it
    /// over meanwhile). The cut-over runs on HA's decision loop, which must not wait for it the 5 s
    /// a command to a node that never answered may take. Semi-synchronous, under writes.
    /// </summary>
    [Fact]
    public async Task A_receiving_master_frozen_at_the_cut_over_holds_neither_writes_nor_failover_and_no_acknowledged_write_is_lost()
    {
        await using var up = await UpProcess.StartAsync("--shards", "2", "--replicas", "1", "--sync-replicas", "1");
        var cluster = LiveCluster.Of(up);
        var data = await LoadAsync(cluster, 20_000);
        int logged = 0;
        void PrintCutOverLog()
        {
            var lines = up.Output.Split('\n').Where(l => l.Contains("cut-over attempt", StringComparison.Ordinal) || l.Contains("ailing over", StringComparison.Ordinal)
                || l.Contains("ailed over", StringComparison.Ordinal)).ToList();
            foreach (var line in lines.Skip(logged))
                output.WriteLine("HA: " + line.Trim());
            logged = lines.Count;
        }

        // The freeze must meet the cut-over, which HA begins once it sees the new replica synced (it asks every 20 ms). The
        // master is frozen as it finishes the sync, before the replica reports it; should a loaded host still let the cut-over
        // run first, the next growing step tries again.
        string frozen;
        JsonNode progress;
        int shards = 2;
        for (int attempt = 1; ; attempt++)
        {
            shards++;
            await using (var load = new WriteLoad(cluster))
            {
                var stopped = StopNewMasterAtCutOverAsync(up);
                progress = await ScaleAsync(cluster, shards);
                frozen = await stopped;
                PrintCutOverLog();
                await AssertNoAcknowledgedWriteLostAsync(up, load, $"-> {shards} shards, new master {frozen} frozen: {progress.ToJsonString()}");
            }
            // The attempt that met it gave up within a probe's timeout; the one that passed came once it answered.
            AssertShortCutOver(progress);
            await CheckPlacementAsync(cluster, data, shards);
            if (up.Output.Contains($"could not be guarded: {frozen} (", StringComparison.Ordinal))
                break;
            Assert.True(attempt < 3, "the freeze did not meet the cut-over in three growing steps");
            output.WriteLine($"the freeze of {frozen} came after the cut-over; growing again");
        }

        frozen = cluster.Masters()[0];
        int pid = await UpProcess.NodePidAsync(frozen);
        await using (var load = new WriteLoad(cluster))
        {
            var stopped = StopAWhileAsync(pid);   // a shrinking step begins with its cut-over
            progress = await ScaleAsync(cluster, shards - 1);
            await stopped;
            PrintCutOverLog();
            await AssertNoAcknowledgedWriteLostAsync(up, load, $"-> {shards - 1} shards, receiving master {frozen} frozen: {progress.ToJsonString()}");
        }
        long failoverMs = (long)JsonNode.Parse(await cluster.Http.GetStringAsync("api/v1/cluster"))!["lastFailoverMs"]!;
        output.WriteLine($"{frozen} failed over to {cluster.Masters()[0]} {failoverMs} ms after its last answer");
        Assert.NotEqual(frozen, cluster.Masters()[0]);
        Assert.InRange(failoverMs, 0, StopMs - 1);   // while it was frozen: the cut-over did not hold the decision loop
        // The attempt that passed did not wait for the frozen old master, a replica by then whose probes fail: less than
        // a probe's timeout (half of downAfterMs, 1,000 ms by default), which waiting for it would take.
        AssertShortCutOver(progress, underMs: 500);
        await CheckPlacementAsync(cluster, data, shards - 1);
    }

    /// <summary>
    /// A new master that has not answered HA yet (stopped here; just started and slow on a loaded
    /// host) is waited for before the cut-over, off the decision loop and with no write paused,
    /// not during it: the cut-over gives the action timeout only to a master that never answered.
    /// </summary>
    [Fact]
    public async Task A_new_master_that_has_not_answered_yet_is_waited_for_before_the_cut_over_not_during_it()
    {
        await using var slow = await SlowScaleCluster.StartAsync("memory");
        var data = await LoadAsync(slow.Live, 3_000);
        var stopped = StopAWhileAsync(slow.Nodes[2].Pid);   // the registered spare the step takes
        var progress = await ScaleAsync(slow.Live, 3);
        await stopped;
        output.WriteLine(progress.ToJsonString());
        AssertShortCutOver(progress);
        await CheckPlacementAsync(slow.Live, data, shards: 3);
    }

    /// <summary>The attempt that passed waited for no stopped node.</summary>
    private static void AssertShortCutOver(JsonNode progress, int underMs = 1000) =>
        Assert.True((long)progress["cutOverMs"]! < underMs, $"the cut-over paused writes for {progress["cutOverMs"]} ms");

    /// <summary>
    /// Stops a growing step's new master the moment it has sent its replica the snapshot (the replica then reports the link
    /// up without it, and HA, which waits for that, begins the cut-over); its address.
    /// </summary>
    private async Task<string> StopNewMasterAtCutOverAsync(UpProcess up)
    {
        const string started = "Started istore-node";
        int before = up.CountOf(started);
        var old = up.NodeAddresses().ToHashSet();
        await up.WaitForOutputAsync(started, TimeSpan.FromSeconds(60), before + 2);
        var added = up.NodeAddresses().Where(a => !old.Contains(a)).ToList();
        var pids = new Dictionary<string, int>();
        foreach (var address in added)
            pids[address] = await UpProcess.NodePidAsync(address);
        var nodes = new Dictionary<string, RespClient>();
        try
        {
            foreach (var address in added)
                nodes[address] = await RespClient.ConnectAsync("127.0.0.1", int.Parse(address.Split(':')[1]));
            for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(1))
                foreach (var (address, node) in nodes)
                {
                    var info = InfoText.Fields((await node.ExecuteAsync("INFO", "replication")).AsString()!);
                    if (info["role"] != "master" || !info.TryGetValue("slave0", out var replica) || !replica.Contains("state=online", StringComparison.Ordinal))
                        continue;
                    await StopAWhileAsync(pids[address]);
                    return address;
                }
            throw new TimeoutException("the new shard's replica did not sync");
        }
        finally
        {
            foreach (var node in nodes.Values)
                await node.DisposeAsync();
        }
    }

    /// <summary>Longer than HA's downAfterMs (1 s), shorter than a node action's 5 s timeout.</summary>
    private const int StopMs = 2500;

    private async Task StopAWhileAsync(int pid)
    {
        ChildProcess.Signal(pid, "STOP");
        output.WriteLine($"{DateTime.Now:HH:mm:ss.fff} pid {pid} stopped for {StopMs} ms");
        try
        {
            await Task.Delay(StopMs);
        }
        finally
        {
            ChildProcess.Signal(pid, "CONT");
        }
    }

    /// <summary>Stops the load and counts its acknowledged writes not found (HA's warnings printed when any is lost).</summary>
    private async Task AssertNoAcknowledgedWriteLostAsync(UpProcess up, WriteLoad load, string step)
    {
        var (acknowledged, errors) = await load.StopAsync();
        output.WriteLine($"{step}; load: {acknowledged} writes acknowledged, {errors.Count} errors {string.Join(" | ", errors.Distinct().Take(3))}");
        await up.RememberChildrenAsync();
        int lost = await load.LostAsync(output);
        output.WriteLine($"acknowledged writes lost: {lost}");
        if (lost > 0)
            output.WriteLine("HA's warnings and corrections:\n" + string.Join("\n", up.Output.Split('\n').Where(l =>
                l.Contains("warn", StringComparison.OrdinalIgnoreCase) || l.Contains("fail", StringComparison.OrdinalIgnoreCase) || l.Contains(", because ", StringComparison.Ordinal))));
        Assert.Equal(0, lost);
    }

    [Fact]
    public async Task A_cancelled_scale_out_returns_to_the_old_shard_count_with_every_key()
    {
        await using var up = await UpProcess.StartAsync("--shards", "2", "--replicas", "0");
        var cluster = LiveCluster.Of(up);
        var http = cluster.Http;
        var data = await LoadAsync(cluster, 30_000);
        await using var load = new WriteLoad(cluster);
        var started = await http.PostAsync("api/v1/tenants/demo/scale", LiveCluster.Json("""{"shards": 3}"""));
        Assert.Equal(System.Net.HttpStatusCode.Accepted, started.StatusCode);
        var cancelled = await http.DeleteAsync("api/v1/tenants/demo/scale");
        Assert.Equal(System.Net.HttpStatusCode.Accepted, cancelled.StatusCode);
        var progress = await WaitForScaleAsync(cluster);
        Assert.Equal("cancelled", (string)progress["state"]!);
        var (acknowledged, errors) = await load.StopAsync();
        Assert.True(acknowledged > 0);
        int lost = await load.LostAsync(output);
        output.WriteLine($"{acknowledged} writes acknowledged, {errors.Count} errors {string.Join(" | ", errors.Distinct().Take(3))}; lost: {lost}");
        Assert.Equal(0, lost);
        // A request begun by the forward table and refused by the reversed one's guards (its move, or
        // the request itself, refused by both tables) is routed again by the newest table, not failed.
        Assert.Empty(errors);
        Assert.Equal(2, up.Topology()["tenants"]![0]!["shards"]!.AsArray().Count);
        await CheckPlacementAsync(cluster, data, shards: 2);

        // Bad requests change nothing.
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.PostAsync("api/v1/tenants/nope/scale", LiveCluster.Json("""{"shards": 3}"""))).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, (await http.PostAsync("api/v1/tenants/demo/scale", LiveCluster.Json("""{"shards": 0}"""))).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Conflict, (await http.PostAsync("api/v1/tenants/demo/scale", LiveCluster.Json("""{"shards": 2}"""))).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Conflict, (await http.DeleteAsync("api/v1/tenants/demo/scale")).StatusCode);
    }

    [Fact]
    public async Task A_scale_step_survives_a_kill_9_of_HA_mid_way_and_finishes_after_its_restart()
    {
        await using var slow = await SlowScaleCluster.StartAsync("memory");
        var (ha, cluster) = (slow.Ha, slow.Live);
        var data = await LoadAsync(cluster, 20_000);
        await using var load = new WriteLoad(cluster);
        await slow.ScaleOutUntilMidPassAsync();
        ha.Kill();
        Assert.NotNull(ha.Topology()["tenants"]![0]!["migration"]);
        await Task.Delay(500);   // clients keep writing through the proxy, which keeps moving keys on demand
        await ha.RestartAsync();
        var progress = await WaitForScaleAsync(cluster);
        output.WriteLine(progress.ToJsonString());
        Assert.Equal("done", (string)progress["state"]!);
        var (acknowledged, errors) = await load.StopAsync();
        output.WriteLine($"{acknowledged} writes acknowledged, {errors.Count} errors");
        int lost = await load.LostAsync(output);
        output.WriteLine($"acknowledged writes lost: {lost}");
        Assert.Equal(0, lost);
        Assert.Null(ha.Topology()["tenants"]![0]!["migration"]);
        await CheckPlacementAsync(cluster, data, shards: 3);
    }

    /// <summary>A guard lives in the node's memory: HA sets it again, also mid-pass. Disk nodes, so the restarted master keeps its keys.</summary>
    [Fact]
    public async Task A_giving_master_restarted_by_kill_9_mid_migration_is_guarded_again_and_no_acknowledged_write_is_lost()
    {
        await using var slow = await SlowScaleCluster.StartAsync("disk");
        var (giving, cluster) = (slow.Nodes[0], slow.Live);
        var data = await LoadAsync(cluster, 20_000);
        await using var load = new WriteLoad(cluster);
        await slow.ScaleOutUntilMidPassAsync();
        const string guarded = "*2\r\n:0\r\n:3\r\n";   // shard 0 of 3
        Assert.Equal(guarded, await ReplicationGroup.CommandAsync(giving, "SHARDGUARD"));

        giving.Kill();
        await giving.RestartAsync();
        var restarted = System.Diagnostics.Stopwatch.StartNew();
        await WaitAsync(async () => await ReplicationGroup.CommandAsync(giving, "SHARDGUARD") == guarded, TimeSpan.FromSeconds(5), "the restarted master was not guarded again");
        output.WriteLine($"guard back {restarted.ElapsedMilliseconds} ms after the restart");
        Assert.NotNull(slow.Ha.Topology()["tenants"]![0]!["migration"]);   // still mid-pass: the guard came from the refresh

        var progress = await WaitForScaleAsync(cluster);
        Assert.True((string)progress["state"]! == "done", progress.ToJsonString());
        var (acknowledged, errors) = await load.StopAsync();
        output.WriteLine($"{acknowledged} writes acknowledged, {errors.Count} errors {string.Join(" | ", errors.Distinct().Take(3))}");
        int lost = await load.LostAsync(output);
        output.WriteLine($"acknowledged writes lost: {lost}");
        Assert.Equal(0, lost);
        Assert.Equal(guarded, await ReplicationGroup.CommandAsync(giving, "SHARDGUARD"));   // and still once the step is done: it owns shard 0 of 3
        // Every key moved, though the restarted master no longer knew the pass's SCAN cursor.
        await CheckPlacementAsync(cluster, data, shards: 3);
    }

    /// <summary>
    /// Ownership outlives the step: a request a proxy routed by the older table, reaching a key's
    /// old shard however late, is refused there (-TRYAGAIN, which the proxy routes again) and
    /// creates nothing; a node restarted after the step gets its guard back from HA. Without it
    /// the old shard would create the key afresh and acknowledge a write no one reads again.
    /// </summary>
    [Fact]
    public async Task After_a_step_a_late_write_by_the_old_table_is_refused_by_the_old_shard_even_after_its_restart()
    {
        await using var slow = await SlowScaleCluster.StartAsync("disk");
        var cluster = slow.Live;
        var data = await LoadAsync(cluster, 3_000);
        await ScaleAsync(cluster, 3);
        var moved = data.Keys.Where(k => ExpectedRoute.Shard(k, 2) != ExpectedRoute.Shard(k, 3)).Take(50).ToList();
        Assert.Equal(50, moved.Count);
        for (int round = 0; round < 2; round++)
        {
            for (int i = 0; i < 3; i++)
                Assert.Equal($"*2\r\n:{i}\r\n:3\r\n", await ReplicationGroup.CommandAsync(slow.Nodes[i], "SHARDGUARD"));
            if (round == 0)   // the admin API (and the dashboard's machine view) says what each node owns
                await WaitAsync(async () => JsonNode.Parse(await cluster.Http.GetStringAsync("api/v1/cluster"))!["nodes"]!.AsArray()
                    .Select(n => $"{n!["shard"]}:{n["guard"]}").Order().SequenceEqual(["0:0/3", "1:1/3", "2:2/3"]), TimeSpan.FromSeconds(5), "the cluster view does not show each node's guard");
            foreach (var key in moved)
            {
                string late = await ReplicationGroup.CommandAsync(slow.Nodes[ExpectedRoute.Shard(key, 2)], "SET", key, "late");
                Assert.StartsWith("-TRYAGAIN The key belongs to another shard of its tenant", late);
            }
            await CheckPlacementAsync(cluster, data, shards: 3);
            if (round == 0)
            {
                slow.Nodes[0].Kill();
                await slow.Nodes[0].RestartAsync();
                var restarted = System.Diagnostics.Stopwatch.StartNew();
                await WaitAsync(async () => await ReplicationGroup.CommandAsync(slow.Nodes[0], "SHARDGUARD") == "*2\r\n:0\r\n:3\r\n", TimeSpan.FromSeconds(5),
                    "the master restarted after the step was not guarded again");
                output.WriteLine($"guard back {restarted.ElapsedMilliseconds} ms after the restart");
            }
        }
    }

    private static async Task<JsonNode> ScaleAsync(LiveCluster cluster, int shards)
    {
        var response = await cluster.Http.PostAsync($"api/v1/tenants/{cluster.Tenant}/scale", LiveCluster.Json($$"""{"shards": {{shards}}}"""));
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var progress = await WaitForScaleAsync(cluster);
        Assert.True((string)progress["state"]! == "done", progress.ToJsonString());
        return progress;
    }

    private static async Task<JsonNode> WaitForScaleAsync(LiveCluster cluster)
    {
        JsonNode progress = null!;
        await WaitAsync(async () =>
        {
            try
            {
                progress = JsonNode.Parse(await cluster.Http.GetStringAsync($"api/v1/tenants/{cluster.Tenant}/scale"))!;
            }
            catch (HttpRequestException)
            {
                return false;   // a restarted HA's admin API is not up yet
            }
            return (string)progress["state"]! is "done" or "cancelled" or "failed";
        }, TimeSpan.FromSeconds(120), "the scaling did not end");
        return progress;
    }

    /// <summary>Strings, hashes, lists, sets and sorted sets (some sharing a hash tag), written through the proxy; what each should read.</summary>
    private static async Task<Dictionary<string, (string Type, string Value)>> LoadAsync(LiveCluster cluster, int keys)
    {
        var data = new Dictionary<string, (string, string)>();
        await using var c = await cluster.Connect();
        var batch = new List<string[]>();
        for (int i = 0; i < keys; i++)
        {
            string key;
            (string Type, string Value) expected;
            switch (i % 10)
            {
                case 1:
                    key = $"h:{i}";
                    batch.Add(["HSET", key, "a", i.ToString(), "b", "x"]);
                    expected = ("hash", $"a={i},b=x");
                    break;
                case 2:
                    key = $"l:{i}";
                    batch.Add(["RPUSH", key, "1", i.ToString()]);
                    expected = ("list", $"1,{i}");
                    break;
                case 3:
                    key = $"s:{i}";
                    batch.Add(["SADD", key, "m", i.ToString()]);
                    expected = ("set", string.Join(",", new[] { "m", i.ToString() }.Order(StringComparer.Ordinal)));
                    break;
                case 4:
                    key = $"z:{i}";
                    batch.Add(["ZADD", key, "1", "one", i.ToString(), "n"]);
                    expected = ("zset", "one,n");
                    break;
                case 5:
                    key = $"{{user:{i / 10}}}:profile";
                    batch.Add(["SET", key, "p" + i]);
                    expected = ("string", "p" + i);
                    break;
                default:
                    key = $"k:{i}";
                    batch.Add(["SET", key, "v" + i]);
                    expected = ("string", "v" + i);
                    break;
            }
            data[key] = expected;
            if (batch.Count == 500 || i == keys - 1)
            {
                foreach (var reply in await PipelineAsync(c, batch))
                    Assert.False(reply.IsError, reply.AsString());
                batch.Clear();
            }
        }
        return data;
    }

    /// <summary>Every key once, on the master its jump hash over <paramref name="shards"/> names, reading what was written (through the proxy too).</summary>
    private static async Task CheckPlacementAsync(LiveCluster cluster, Dictionary<string, (string Type, string Value)> data, int shards)
    {
        var masters = cluster.Masters();
        Assert.Equal(shards, masters.Count);
        var seen = new HashSet<string>();
        for (int s = 0; s < shards; s++)
        {
            await using var node = await RespClient.ConnectAsync("127.0.0.1", int.Parse(masters[s].Split(':')[1]));
            foreach (var key in await ScanAllAsync(node))
            {
                if (!data.ContainsKey(key))
                    continue;   // the write load's keys are checked by WriteLoad
                Assert.True(seen.Add(key), $"{key} is on two masters");
                Assert.True(ExpectedRoute.Shard(key, shards) == s, $"{key} is on shard {s}, its jump hash names {ExpectedRoute.Shard(key, shards)}");
            }
        }
        Assert.Equal(data.Count, seen.Count);
        await using var c = await cluster.Connect();
        foreach (var chunk in data.Chunk(500))
        {
            var replies = await PipelineAsync(c, chunk.Select(kv => ReadCommand(kv.Key, kv.Value.Type)).ToList());
            for (int i = 0; i < chunk.Length; i++)
                Assert.Equal(chunk[i].Value.Value, Render(chunk[i].Value.Type, replies[i]));
        }
    }

    private static string[] ReadCommand(string key, string type) => type switch
    {
        "hash" => ["HGETALL", key],
        "list" => ["LRANGE", key, "0", "-1"],
        "set" => ["SMEMBERS", key],
        "zset" => ["ZRANGE", key, "0", "-1"],
        _ => ["GET", key],
    };

    private static string Render(string type, RespValue reply) => type switch
    {
        "hash" => string.Join(",", reply.AsStringArray().Chunk(2).Select(p => $"{p[0]}={p[1]}").Order(StringComparer.Ordinal)),
        "set" => string.Join(",", reply.AsStringArray().Order(StringComparer.Ordinal)),
        "list" or "zset" => string.Join(",", reply.AsStringArray()),
        _ => reply.AsString() ?? "(nil)",
    };

    private static async Task<List<long>> KeysPerMasterAsync(LiveCluster cluster)
    {
        var counts = new List<long>();
        foreach (var master in cluster.Masters())
        {
            await using var node = await RespClient.ConnectAsync("127.0.0.1", int.Parse(master.Split(':')[1]));
            counts.Add((await node.ExecuteAsync("DBSIZE")).AsInteger());
        }
        return counts;
    }

    private static async Task<List<string>> ScanAllAsync(RespClient node)
    {
        var keys = new List<string>();
        string cursor = "0";
        do
        {
            var page = await node.ExecuteAsync("SCAN", cursor, "COUNT", "1000");
            cursor = page[0].AsString()!;
            keys.AddRange(page[1].AsStringArray()!);
        }
        while (cursor != "0");
        return keys;
    }

    private static Task<RespValue[]> PipelineAsync(RespClient c, List<string[]> commands)
    {
        var bytes = new System.Buffers.ArrayBufferWriter<byte>();
        foreach (var command in commands)
            RespCommandEncoder.Write(bytes, command);
        return c.SendRawAsync(bytes.WrittenMemory, commands.Count);
    }

}
