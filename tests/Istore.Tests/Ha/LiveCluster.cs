using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Istore.Net.Client;
using Istore.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Istore.Tests.Ha;

/// <summary>What the live-operation tests need of a cluster: the tenant, a client through the proxy, the masters HA's topology names, the admin API.</summary>
public sealed record LiveCluster(string Tenant, Func<Task<RespClient>> Connect, Func<List<string>> Masters, HttpClient Http)
{
    public static LiveCluster Of(UpProcess up) => new(up.Tenant.Name, () => ConnectAsync(up.ProxyPort, up.Tenant.Name, up.Tenant.Password),
        () => MastersOf(up.Topology()), Admin(up.Dashboard, up.AdminToken));

    public static HttpClient Admin(string address, string token)
    {
        var http = new HttpClient { BaseAddress = new Uri(address) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>The first tenant's shard masters, in order.</summary>
    public static List<string> MastersOf(JsonNode topology) =>
        topology["tenants"]![0]!["shards"]!.AsArray().Select(s => (string)s!["master"]!).ToList();

    /// <summary>POST /api/v1/upgrade with <paramref name="request"/>, then the progress once it is done or failed.</summary>
    public async Task<JsonNode> UpgradeAsync(string request, TimeSpan timeout)
    {
        var started = await Http.PostAsync("api/v1/upgrade", Json(request));
        Assert.True(started.StatusCode == System.Net.HttpStatusCode.Accepted, await started.Content.ReadAsStringAsync());
        JsonNode progress = null!;
        await HaFailoverTests.WaitAsync(async () =>
        {
            progress = JsonNode.Parse(await Http.GetStringAsync("api/v1/upgrade"))!;
            return (string)progress["state"]! is "done" or "failed";
        }, timeout, "the upgrade did not end");
        return progress;
    }

    public static async Task<RespClient> ConnectAsync(int proxyPort, string tenant, string password)
    {
        var c = await RespClient.ConnectAsync("127.0.0.1", proxyPort);
        Assert.Equal("OK", (await c.ExecuteAsync("AUTH", tenant, password)).AsString());
        return c;
    }
}

/// <summary>
/// Clients writing through the proxy while an operation runs: INCRs of counters, HSETs of new
/// fields and RL.ADDs of new ranklist members (a collection moved twice, or written behind its
/// move, would lose some), each acknowledgement counted, so the check afterwards finds every
/// acknowledged write.
/// </summary>
public sealed class WriteLoad : IAsyncDisposable
{
    private const int Keys = 200;
    private readonly LiveCluster _cluster;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, long> _counters = new();
    private readonly ConcurrentDictionary<string, ConcurrentBag<string>> _fields = new();
    private readonly ConcurrentDictionary<string, ConcurrentBag<string>> _ranked = new();
    private readonly ConcurrentDictionary<string, long> _pushes = new();
    private readonly ConcurrentDictionary<string, long> _failedPushes = new();   // an error may come after the push applied (NOREPLICAS, a backend lost mid-request)
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly Task[] _writers;
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];   // each load writes keys of its own
    private long _acknowledged;

    public WriteLoad(LiveCluster cluster)
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
            string member = $"w{writer}:{n}";
            // Counters, hash fields and ranklist members (moved by MIGRATE like the rest), in turn.
            var (key, reply) = (n % 3) switch
            {
                0 => ($"load:{_run}:ctr:{k}", await c.ExecuteAsync("INCR", $"load:{_run}:ctr:{k}")),
                1 => ($"load:{_run}:hash:{k}", await c.ExecuteAsync("HSET", $"load:{_run}:hash:{k}", member, "1")),
                _ => ($"load:{_run}:rl:{k}", await c.ExecuteAsync("RL.ADD", $"load:{_run}:rl:{k}", n.ToString(), member)),
            };
            if (reply.IsError)
            {
                _errors.Enqueue(reply.AsString()!);
                continue;
            }
            Interlocked.Increment(ref _acknowledged);
            if (n % 3 == 0)
                _counters.AddOrUpdate(key, 1, (_, v) => v + 1);
            else
                (n % 3 == 1 ? _fields : _ranked).GetOrAdd(key, _ => []).Add(member);
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
                if (n % 2 == 0)
                    _failedPushes.AddOrUpdate(tag, 1, (_, v) => v + 1);
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

    /// <summary>Acknowledged increments, fields and pushes not found now, and more pushes found than were sent (and where, for the failure message).</summary>
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
            long failed = _failedPushes.GetValueOrDefault(tag);
            if (held < pushes || held > pushes + failed)
                output?.WriteLine($"{tag}: {pushes} pushes acknowledged ({failed} failed), the two lists hold {held}");
            lost += (int)Math.Max(pushes - held, Math.Max(0, held - pushes - failed));
        }
        foreach (var (key, fields) in _fields)
            lost += Missing(key, fields, (await c.ExecuteAsync("HKEYS", key)).AsStringArray(), "fields", output);
        foreach (var (key, members) in _ranked)
            lost += Missing(key, members, (await c.ExecuteAsync("RL.RANGE", key, "0", "-1")).AsStringArray(), "ranklist members", output);
        return lost;
    }

    private static int Missing(string key, ConcurrentBag<string> acknowledged, string?[] read, string what, ITestOutputHelper? output)
    {
        var present = read.ToHashSet();
        int missing = acknowledged.Count(f => !present.Contains(f));
        if (missing > 0)
            output?.WriteLine($"{key}: {missing} of {acknowledged.Count} acknowledged {what} missing ({present.Count} present)");
        return missing;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
            await StopAsync();
    }
}
