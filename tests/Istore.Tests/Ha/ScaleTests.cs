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
    [Theory]
    [InlineData("memory", 100_000)]
    [InlineData("disk", 20_000)]
    public async Task Scaling_two_three_four_two_moves_exactly_the_keys_jump_hash_names_and_loses_no_acknowledged_write(string engine, int keys)
    {
        await using var up = await UpProcess.StartAsync("--shards", "2", "--replicas", "1", "--engine", engine);
        using var http = Admin(up);
        var data = await LoadAsync(up, keys);
        await CheckPlacementAsync(up, data, shards: 2);

        foreach (int shards in new[] { 3, 4, 2 })
        {
            var before = await KeysPerMasterAsync(up);
            await using var load = new WriteLoad(up);
            var progress = await ScaleAsync(http, shards);
            var (acknowledged, errors) = await load.StopAsync();
            output.WriteLine($"{engine} -> {shards} shards: {progress.ToJsonString()}; load: {acknowledged} writes acknowledged, {errors.Count} errors {string.Join(" | ", errors.Distinct().Take(3))}");
            await up.RememberChildrenAsync();
            int lost = await load.LostAsync(output);
            output.WriteLine($"acknowledged writes lost: {lost}");
            Assert.Equal(0, lost);
            await CheckPlacementAsync(up, data, shards);
            if (shards == 3)
            {
                // Growing 2 → 3 moves a third of the keys, all onto the new shard.
                var after = await KeysPerMasterAsync(up);
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
        using var http = Admin(up);
        var data = await LoadAsync(up, 30_000);
        await using var load = new WriteLoad(up);
        var started = await http.PostAsync("api/v1/tenants/demo/scale", Json("""{"shards": 3}"""));
        Assert.Equal(System.Net.HttpStatusCode.Accepted, started.StatusCode);
        var cancelled = await http.DeleteAsync("api/v1/tenants/demo/scale");
        Assert.Equal(System.Net.HttpStatusCode.Accepted, cancelled.StatusCode);
        var progress = await WaitForScaleAsync(http);
        Assert.Equal("cancelled", (string)progress["state"]!);
        var (acknowledged, _) = await load.StopAsync();
        Assert.True(acknowledged > 0);
        Assert.Equal(0, await load.LostAsync());
        Assert.Equal(2, up.Topology()["tenants"]![0]!["shards"]!.AsArray().Count);
        await CheckPlacementAsync(up, data, shards: 2);

        // Bad requests change nothing.
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.PostAsync("api/v1/tenants/nope/scale", Json("""{"shards": 3}"""))).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, (await http.PostAsync("api/v1/tenants/demo/scale", Json("""{"shards": 0}"""))).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Conflict, (await http.PostAsync("api/v1/tenants/demo/scale", Json("""{"shards": 2}"""))).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Conflict, (await http.DeleteAsync("api/v1/tenants/demo/scale")).StatusCode);
    }

    private static HttpClient Admin(UpProcess up)
    {
        var http = new HttpClient { BaseAddress = new Uri(up.Dashboard) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", up.AdminToken);
        return http;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonNode> ScaleAsync(HttpClient http, int shards)
    {
        var response = await http.PostAsync("api/v1/tenants/demo/scale", Json($$"""{"shards": {{shards}}}"""));
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var progress = await WaitForScaleAsync(http);
        Assert.True((string)progress["state"]! == "done", progress.ToJsonString());
        return progress;
    }

    private static async Task<JsonNode> WaitForScaleAsync(HttpClient http)
    {
        JsonNode progress = null!;
        await WaitAsync(async () =>
        {
            progress = JsonNode.Parse(await http.GetStringAsync("api/v1/tenants/demo/scale"))!;
            return (string)progress["state"]! is "done" or "cancelled" or "failed";
        }, TimeSpan.FromSeconds(120), "the scaling did not end");
        return progress;
    }

    /// <summary>Strings, hashes, lists, sets and sorted sets (some sharing a hash tag), written through the proxy; what each should read.</summary>
    private static async Task<Dictionary<string, (string Type, string Value)>> LoadAsync(UpProcess up, int keys)
    {
        var data = new Dictionary<string, (string, string)>();
        await using var c = await ConnectAsync(up);
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
    private static async Task CheckPlacementAsync(UpProcess up, Dictionary<string, (string Type, string Value)> data, int shards)
    {
        var masters = Masters(up);
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
        await using var c = await ConnectAsync(up);
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

    private static List<string> Masters(UpProcess up) =>
        up.Topology()["tenants"]![0]!["shards"]!.AsArray().Select(s => (string)s!["master"]!).ToList();

    private static async Task<List<long>> KeysPerMasterAsync(UpProcess up)
    {
        var counts = new List<long>();
        foreach (var master in Masters(up))
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

    private static async Task<RespClient> ConnectAsync(UpProcess up)
    {
        var c = await RespClient.ConnectAsync("127.0.0.1", up.ProxyPort);
        var (name, password) = up.Tenant;
        Assert.Equal("OK", (await c.ExecuteAsync("AUTH", name, password)).AsString());
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
        private readonly UpProcess _up;
        private readonly CancellationTokenSource _stop = new();
        private readonly ConcurrentDictionary<string, long> _counters = new();
        private readonly ConcurrentDictionary<string, ConcurrentBag<string>> _fields = new();
        private readonly ConcurrentQueue<string> _errors = new();
        private readonly Task[] _writers;
        private long _acknowledged;

        public WriteLoad(UpProcess up)
        {
            _up = up;
            _writers = Enumerable.Range(0, 2).Select(w => Task.Run(() => WriteAsync(w))).ToArray();
        }

        private async Task WriteAsync(int writer)
        {
            await using var c = await ConnectAsync(_up);
            var random = new Random(writer);
            for (long n = 0; !_stop.IsCancellationRequested; n++)
            {
                int k = random.Next(Keys);
                bool counter = n % 2 == 0;
                string key = counter ? $"load:ctr:{k}" : $"load:hash:{k}";
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

        public async Task<(long Acknowledged, List<string> Errors)> StopAsync()
        {
            await Task.Delay(200);
            _stop.Cancel();
            await Task.WhenAll(_writers);
            return (Interlocked.Read(ref _acknowledged), [.. _errors]);
        }

        /// <summary>Acknowledged increments and fields not found now (and where, for the failure message).</summary>
        public async Task<int> LostAsync(ITestOutputHelper? output = null)
        {
            int lost = 0;
            await using var c = await ConnectAsync(_up);
            foreach (var (key, count) in _counters)
            {
                var value = await c.ExecuteAsync("GET", key);
                int missing = (int)Math.Max(0, count - long.Parse(value.AsString() ?? "0"));
                if (missing > 0)
                    output?.WriteLine($"{key}: {count} increments acknowledged, reads {value.AsString() ?? "(nil)"}");
                lost += missing;
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
