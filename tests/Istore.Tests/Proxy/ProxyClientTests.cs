using System.Diagnostics;
using Istore.Tests.Infrastructure;
using Istore.Tests.Net;
using StackExchange.Redis;

namespace Istore.Tests.Proxy;

/// <summary>
/// Real clients (StackExchange.Redis, redis-cli) through the proxy to redis-server backends:
/// a proxy in front of two Debian redis-servers.
/// </summary>
public class ProxyClientTests(ProxyClientTests.RedisBackends backends) : IClassFixture<ProxyClientTests.RedisBackends>
{
    public sealed class RedisBackends : IAsyncLifetime
    {
        public RedisServerFixture[] Servers { get; } = [new(), new()];

        public ProxyProcess Proxy { get; private set; } = null!;

        public async Task InitializeAsync() => Proxy = await ProxyProcess.StartAsync(
            $$"""[{"name": "t1", "password": "p1", "shards": [{"master": "127.0.0.1:{{Servers[0].Port}}"}, {"master": "127.0.0.1:{{Servers[1].Port}}"}]}]""");

        public async Task DisposeAsync()
        {
            await Proxy.DisposeAsync();
            foreach (var s in Servers)
                s.Dispose();
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task StackExchange_redis_works_through_the_proxy(int protocol)
    {
        await using var redis = await backends.Proxy.ConnectRedisAsync(protocol);
        var db = redis.GetDatabase();
        var names = Enumerable.Range(0, 20).Select(i => $"se{protocol}:{i}").ToArray();
        Assert.True(await db.StringSetAsync(names.Select(k => new KeyValuePair<RedisKey, RedisValue>(k, "v" + k)).ToArray()));
        var values = await db.StringGetAsync(names.Select(k => (RedisKey)k).ToArray());
        Assert.Equal(names.Select(k => "v" + k), values.Select(v => (string?)v));
        Assert.Equal(5, await db.StringIncrementAsync($"se{protocol}:n", 5));
        Assert.Null((string?)await db.StringGetAsync($"se{protocol}:missing"));
        // Many concurrent async calls share one client connection and come back matched.
        await Task.WhenAll(Enumerable.Range(0, 2000).Select(i => db.StringSetAsync($"se{protocol}:c{i}", i)));
        var gets = await Task.WhenAll(Enumerable.Range(0, 2000).Select(i => db.StringGetAsync($"se{protocol}:c{i}")));
        Assert.Equal(Enumerable.Range(0, 2000), gets.Select(v => (int)v));
        var all = names.Concat([$"se{protocol}:n", $"se{protocol}:missing"]).Concat(Enumerable.Range(0, 2000).Select(i => $"se{protocol}:c{i}"));
        Assert.Equal(20 + 1 + 2000, await db.KeyDeleteAsync(all.Select(k => (RedisKey)k).ToArray()));
    }

    [Fact]
    public void Redis_cli_works_through_the_proxy()
    {
        Assert.Equal("OK\n", RedisCli("SET", "cli:k", "hello"));
        Assert.Equal("hello\n", RedisCli("GET", "cli:k"));
        Assert.Equal("hello\n\n", RedisCli("MGET", "cli:k", "cli:missing"));
        Assert.Equal("PONG\n", RedisCli("PING"));
        Assert.StartsWith("NOAUTH", RedisCli("-p", backends.Proxy.Port.ToString(), "GET", "cli:k"));
    }

    [Fact]
    public async Task A_paused_redis_shard_holds_back_later_replies_until_it_answers()
    {
        await using var c = await backends.Proxy.ConnectAsync("t1", "p1");
        await using var admin = await RawConnection.ConnectAsync(backends.Servers[0].Port);
        string slow = Enumerable.Range(0, 100).Select(i => $"pause:{i}").First(k => ExpectedRoute.Shard(k, 2) == 0);
        string fast = Enumerable.Range(0, 100).Select(i => $"pause:{i}").First(k => ExpectedRoute.Shard(k, 2) == 1);
        Assert.Equal("+OK\r\n", await admin.CommandAsync("CLIENT", "PAUSE", "700", "ALL"));
        var started = Stopwatch.StartNew();
        await c.SendCommandAsync("SET", slow, "1");
        await c.SendCommandAsync("SET", fast, "2");
        await c.SendCommandAsync("GET", fast);
        Assert.Equal("+OK\r\n", await c.ReadFrameAsync());
        Assert.True(started.ElapsedMilliseconds >= 500, "the paused shard answered early");
        Assert.Equal("+OK\r\n", await c.ReadFrameAsync());
        Assert.Equal("$1\r\n2\r\n", await c.ReadFrameAsync());
    }

    /// <summary>Runs redis-cli as t1 (a leading "-p" runs it without credentials) and returns what it printed.</summary>
    private string RedisCli(params string[] args)
    {
        var info = new ProcessStartInfo("redis-cli") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var credentials = args[0] == "-p" ? [] : new[] { "-p", backends.Proxy.Port.ToString(), "--user", "t1", "--pass", "p1", "--no-auth-warning" };
        foreach (var arg in credentials.Concat(args))
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output;
    }
}
