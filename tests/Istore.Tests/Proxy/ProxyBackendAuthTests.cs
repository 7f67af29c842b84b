using Istore.Tests.Infrastructure;
using Istore.Tests.Net;

namespace Istore.Tests.Proxy;

/// <summary>Backends started with --requirepass: the proxy AUTHs on each new connection before any request.</summary>
public class ProxyBackendAuthTests(ProxyBackendAuthTests.Backends backends) : IClassFixture<ProxyBackendAuthTests.Backends>
{
    /// <summary>
    /// Tenant t1: shard 0 an istore-node with the tenant's backendPassword, shard 1 a redis-server
    /// with a password of its own. Tenant "wrong" names the wrong password for its node.
    /// </summary>
    public sealed class Backends : IAsyncLifetime
    {
        public NodeProcess Node { get; private set; } = null!;

        public NodeProcess WrongNode { get; private set; } = null!;

        public RedisServerFixture Redis { get; } = new(["--requirepass", "redis-secret"]);

        public ProxyProcess Proxy { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Node = await NodeProcess.StartAsync(["--requirepass", "node-secret"]);
            WrongNode = await NodeProcess.StartAsync(["--requirepass", "node-secret"]);
            Proxy = await ProxyProcess.StartAsync($$"""
                [{"name": "t1", "password": "p1", "backendPassword": "node-secret", "shards": [
                    {"master": "127.0.0.1:{{Node.Port}}"}, {"master": "127.0.0.1:{{Redis.Port}}", "password": "redis-secret"}]},
                 {"name": "wrong", "password": "pw", "backendPassword": "not-it", "shards": [{"master": "127.0.0.1:{{WrongNode.Port}}"}]}]
                """);
        }

        public async Task DisposeAsync()
        {
            await Proxy.DisposeAsync();
            await Node.DisposeAsync();
            await WrongNode.DisposeAsync();
            Redis.Dispose();
        }
    }

    [Theory]
    [InlineData("2")]
    [InlineData("3")]
    public async Task Requests_reach_both_kinds_of_protected_backend(string protocol)
    {
        await using var c = await backends.Proxy.ConnectAsync("t1", "p1");
        Assert.False((await c.ReadValueAfterAsync("HELLO", protocol)).IsError);
        string onNode = Enumerable.Range(0, 100).Select(i => $"auth{protocol}:{i}").First(k => ExpectedRoute.Shard(k, 2) == 0);
        string onRedis = Enumerable.Range(0, 100).Select(i => $"auth{protocol}:{i}").First(k => ExpectedRoute.Shard(k, 2) == 1);
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", onNode, "n"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", onRedis, "r"));
        Assert.Equal("$1\r\nn\r\n", await c.CommandAsync("GET", onNode));

        await using var node = await backends.Node.ConnectAsync();
        Assert.StartsWith("-NOAUTH", await node.CommandAsync("GET", onNode));
        Assert.Equal("+OK\r\n", await node.CommandAsync("AUTH", "node-secret"));
        Assert.Equal("$1\r\nn\r\n", await node.CommandAsync("GET", onNode));
        await using var redis = await RawConnection.ConnectAsync(backends.Redis.Port);
        Assert.Equal("+OK\r\n", await redis.CommandAsync("AUTH", "redis-secret"));
        Assert.Equal("$1\r\nr\r\n", await redis.CommandAsync("GET", onRedis));
    }

    [Fact]
    public async Task A_wrong_backend_password_is_reported_to_the_client()
    {
        await using var c = await backends.Proxy.ConnectAsync("wrong", "pw");
        var reply = await c.CommandAsync("GET", "k");
        Assert.StartsWith($"-ERR backend 127.0.0.1:{backends.WrongNode.Port} refused AUTH: WRONGPASS", reply);
        // Until the next attempt, requests are refused at once, with the reason.
        Assert.Contains("refused AUTH: WRONGPASS", await c.CommandAsync("GET", "k"));
        Assert.Equal("+PONG\r\n", await c.CommandAsync("PING"));   // the client connection stays usable
    }
}
