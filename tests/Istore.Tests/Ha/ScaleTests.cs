using System.Collections.Concurrent;
using System.Net.Http.Headers;
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
/// hash's.
/// </summary>
public sealed class ScaleTests(ITestOutputHelper output)
{
    /// <summary>What the checks need of a cluster: the tenant, a client through the proxy, the masters HA's topology names, the admin API.</summary>
    private sealed record Cluster(string Tenant, Func<Task<RespClient>> Connect, Func<List<string>> Masters, HttpClient Http);

    private static Cluster Of(UpProcess up) => new(up.Tenant.Name, () => ConnectAsync(up.ProxyPort, up.Tenant.Name, up.Tenant.Password),
        () => Masters(up.Topology()), Admin(up.Dashboard, up.AdminToken));

    [Theory]
    [InlineData("memory", 100_000)]
    [InlineData("disk", 20_000)]
    public async Task Scaling_two_three_four_two_moves_exactly_the_keys_jump_hash_names_and_loses_no_acknowledged_write(string engine, int keys)
    {
        await using var up = await UpProcess.StartAsync("--shards", "2", "--replicas", "1", "--engine", engine);
        var cluster = Of(up);
        var data = await LoadAsync(cluster, keys);
        await CheckPlacementAsync(cluster, data, shards: 2);

        foreach (int shards in new[] { 3, 4, 2 })
        {
            var before = await KeysPerMasterAsync(cluster);
            await using var load = new WriteLoad(cluster);
            var progress = await ScaleAsync(cluster, shards);
            var (acknowledged, errors) = await load.StopAsync();
            output.WriteLine($"{engine} -> {shards} shards: {progress.ToJsonString()}; load: {acknowledged} writes acknowledged, {errors.Count} errors {string.Join(" | ", errors.Distinct().Take(3))}");
            await up.RememberChildrenAsync();
            int lost = await load.LostAsync(output);
            output.WriteLine($"acknowledged writes lost: {lost}");
            Assert.Equal(0, lost);
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

    [Fact]
    public async Task A_cancelled_scale_out_returns_to_the_old_shard_count_with_every_key()
    {
        await using var up = await UpProcess.StartAsync("--shards", "2", "--replicas", "0");
        var cluster = Of(up);
        var http = cluster.Http;
        var data = await LoadAsync(cluster, 30_000);
        await using var load = new WriteLoad(cluster);
        var started = await http.PostAsync("api/v1/tenants/demo/scale", Json("""{"shards": 3}"""));
        Assert.Equal(System.Net.HttpStatusCode.Accepted, started.StatusCode);
        var cancelled = await http.DeleteAsync("api/v1/tenants/demo/scale");
        Assert.Equal(System.Net.HttpStatusCode.Accepted, cancelled.StatusCode);
        var progress = await WaitForScaleAsync(cluster);
        Assert.Equal("cancelled", (string)progress["state"]!);
        var (acknowledged, _) = await load.StopAsync();
        Assert.True(acknowledged > 0);
        Assert.Equal(0, await load.LostAsync());
        Assert.Equal(2, up.Topology()["tenants"]![0]!["shards"]!.AsArray().Count);
        await CheckPlacementAsync(cluster, data, shards: 2);

        // Bad requests change nothing.
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.PostAsync("api/v1/tenants/nope/scale", Json("""{"shards": 3}"""))).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, (await http.PostAsync("api/v1/tenants/demo/scale", Json("""{"shards": 0}"""))).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Conflict, (await http.PostAsync("api/v1/tenants/demo/scale", Json("""{"shards": 2}"""))).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Conflict, (await http.DeleteAsync("api/v1/tenants/demo/scale")).StatusCode);
    }

    [Fact]
    public async Task A_scale_step_survives_a_kill_9_of_HA_mid_way_and_finishes_after_its_restart()
    {
        var nodes = new List<NodeProcess>();
        try
        {
            for (int i = 0; i < 3; i++)
                nodes.Add(await NodeProcess.StartAsync());
            int adminPort = ProxyProcess.FreePort();
            // A slow pass (2,000 keys/s over ~6,700 moving keys) so HA dies in the middle of it.
            await using var ha = await HaProcess.StartAsync($$"""[{"name": "t1", "password": "p1", "shards": [{"master": "127.0.0.1:{{nodes[0].Port}}"}, {"master": "127.0.0.1:{{nodes[1].Port}}"}]}]""",
                1000, "--admin", $"127.0.0.1:{adminPort}", "--admin-token", "tok", "--scale-keys-per-sec", "2000");
            await using var proxy = await ProxyProcess.StartWithHaAsync(ha.Address, "--ha-token", "tok");
            var cluster = new Cluster("t1", () => ConnectAsync(proxy.Port, "t1", "p1"), () => Masters(ha.Topology()), Admin($"http://127.0.0.1:{adminPort}/", "tok"));
            await WaitAsync(async () => (await cluster.Http.PostAsync($"api/v1/nodes?address=127.0.0.1:{nodes[2].Port}&engine=memory", null)).IsSuccessStatusCode,
                TimeSpan.FromSeconds(10), "the spare node could not be registered");
            var data = await LoadAsync(cluster, 20_000);
            await using var load = new WriteLoad(cluster);
            var started = await cluster.Http.PostAsync("api/v1/tenants/t1/scale", Json("""{"shards": 3}"""));
            Assert.Equal(System.Net.HttpStatusCode.Accepted, started.StatusCode);
            await WaitAsync(async () => (long)JsonNode.Parse(await cluster.Http.GetStringAsync("api/v1/tenants/t1/scale"))!["keysMoved"]! >= 1000,
                TimeSpan.FromSeconds(30), "the pass did not start");
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
        finally
        {
            foreach (var node in nodes)
                await node.DisposeAsync();
        }
    }

    private static HttpClient Admin(string address, string token)
    {
        var http = new HttpClient { BaseAddress = new Uri(address) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonNode> ScaleAsync(Cluster cluster, int shards)
    {
        var response = await cluster.Http.PostAsync($"api/v1/tenants/{cluster.Tenant}/scale", Json($$"""{"shards": {{shards}}}"""));
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var progress = await WaitForScaleAsync(cluster);
        Assert.True((string)progress["state"]! == "done", progress.ToJsonString());
        return progress;
    }

    private static async Task<JsonNode> WaitForScaleAsync(Cluster cluster)
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
    private static async Task<Dictionary<string, (string Type, string Value)>> LoadAsync(Cluster cluster, int keys)
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
    private static async Task CheckPlacementAsync(Cluster cluster, Dictionary<string, (string Type, string Value)> data, int shards)
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

    private static List<string> Masters(JsonNode topology) =>
        topology["tenants"]![0]!["shards"]!.AsArray().Select(s => (string)s!["master"]!).ToList();

    private static async Task<List<long>> KeysPerMasterAsync(Cluster cluster)
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

    private static async Task<RespClient> ConnectAsync(int proxyPort, string tenant, string password)
    {
        var c = await RespClient.ConnectAsync("127.0.0.1", proxyPort);
        Assert.Equal("OK", (await c.ExecuteAsync("AUTH", tenant, password)).AsString());
        return c;
    }

    /// <summary>
    /// Clients writing through the proxy while a step runs: INCRs of counters and HSETs of new
    /// fields (a hash moved twice, or written behind its move, would lose fields), each
    /// acknowledgement counted, so the check afterwards finds every acknowledged write.
    /// </summary>
    private sealed class WriteLoad : IAsyncDisposable
    {
        private const int Keys = 200;
        private readonly Cluster _cluster;
        private readonly CancellationTokenSource _stop = new();
        private readonly ConcurrentDictionary<string, long> _counters = new();
        private readonly ConcurrentDictionary<string, ConcurrentBag<string>> _fields = new();
        private readonly ConcurrentDictionary<string, long> _pushes = new();
        private readonly ConcurrentQueue<string> _errors = new();
        private readonly Task[] _writers;
        private readonly string _run = Guid.NewGuid().ToString("N")[..8];   // each load writes keys of its own
        private long _acknowledged;

        public WriteLoad(Cluster cluster)
        {
            _cluster = cluster;
            _writers = [.. Enumerable.Range(0, 2).Select(w => Task.Run(() => WriteAsync(w))), Task.Run(MoveBetweenTaggedListsAsync)];
        }

        private async Task WriteAsync(int writer)
        {
            await using var c = await _cluster.Connect();
            var random = new Random(writer);
            for (long n = 0; !_stop.IsCancellationRequested; n++)
            {
                int k = random.Next(Keys);
                bool counter = n % 2 == 0;
                string key = counter ? $"load:{_run}:ctr:{k}" : $"load:{_run}:hash:{k}";
                string field = $"w{writer}:{n}";
                var reply = counter ? await c.ExecuteAsync("INCR", key) : await c.ExecuteAsync("HSET", key, field, "1");
                if (reply.IsError)
                {
                    _errors.Enqueue(reply.AsString()!);
                    continue;
                }
                Interlocked.Increment(ref _acknowledged);
                if (counter)
                    _counters.AddOrUpdate(key, 1, (_, v) => v + 1);
                else
                    _fields.GetOrAdd(key, _ => []).Add(field);
            }
        }

        /// <summary>Multi-key commands on one hash tag while it moves: pushes onto {q:k}:a, LMOVEs to {q:k}:b; the two lists always hold every acknowledged push.</summary>
        private async Task MoveBetweenTaggedListsAsync()
        {
            await using var c = await _cluster.Connect();
            var random = new Random(7);
            for (long n = 0; !_stop.IsCancellationRequested; n++)
            {
                string tag = $"{{q:{_run}:{random.Next(Keys)}}}";
                var reply = n % 2 == 0 ? await c.ExecuteAsync("RPUSH", tag + ":a", n.ToString()) : await c.ExecuteAsync("LMOVE", tag + ":a", tag + ":b", "LEFT", "RIGHT");
                if (reply.IsError)
                {
                    _errors.Enqueue(reply.AsString()!);
                    continue;
                }
                Interlocked.Increment(ref _acknowledged);
                if (n % 2 == 0)
                    _pushes.AddOrUpdate(tag, 1, (_, v) => v + 1);
            }
        }

        public async Task<(long Acknowledged, List<string> Errors)> StopAsync()
        {
            await Task.Delay(200);
            _stop.Cancel();
            await Task.WhenAll(_writers);
            return (Interlocked.Read(ref _acknowledged), [.. _errors]);
        }

        /// <summary>Acknowledged increments, fields and pushes not found now, and pushes found twice (and where, for the failure message).</summary>
        public async Task<int> LostAsync(ITestOutputHelper? output = null)
        {
            int lost = 0;
            await using var c = await _cluster.Connect();
            foreach (var (key, count) in _counters)
            {
                var value = await c.ExecuteAsync("GET", key);
                int missing = (int)Math.Max(0, count - long.Parse(value.AsString() ?? "0"));
                if (missing > 0)
                    output?.WriteLine($"{key}: {count} increments acknowledged, reads {value.AsString() ?? "(nil)"}");
                lost += missing;
            }
            foreach (var (tag, pushes) in _pushes)
            {
                long held = (await c.ExecuteAsync("LLEN", tag + ":a")).AsInteger() + (await c.ExecuteAsync("LLEN", tag + ":b")).AsInteger();
                if (held != pushes)
                    output?.WriteLine($"{tag}: {pushes} pushes acknowledged, the two lists hold {held}");
                lost += (int)Math.Abs(pushes - held);
            }
            foreach (var (key, fields) in _fields)
            {
                var present = (await c.ExecuteAsync("HKEYS", key)).AsStringArray().ToHashSet();
                int missing = fields.Count(f => !present.Contains(f));
                if (missing > 0)
                    output?.WriteLine($"{key}: {missing} of {fields.Count} acknowledged fields missing ({present.Count} present)");
                lost += missing;
            }
            return lost;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_stop.IsCancellationRequested)
                await StopAsync();
        }
    }
}
