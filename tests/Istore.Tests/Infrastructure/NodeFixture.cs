using StackExchange.Redis;

namespace Istore.Tests.Infrastructure;

/// <summary>
/// One istore-node per test class (xunit IClassFixture), plus a StackExchange.Redis connection to
/// it. Tests in a class use distinct keys (prefix with the test name) so they stay independent.
/// </summary>
public sealed class NodeFixture : IAsyncLifetime
{
    public NodeProcess Node { get; private set; } = null!;

    public ConnectionMultiplexer Redis { get; private set; } = null!;

    public IDatabase Db => Redis.GetDatabase();

    public async Task InitializeAsync()
    {
        Node = await NodeProcess.StartAsync();
        Redis = await ConnectionMultiplexer.ConnectAsync(Options(Node.Port));
    }

    public static ConfigurationOptions Options(int port, int protocolVersion = 2)
    {
        var options = ConfigurationOptions.Parse($"127.0.0.1:{port}");
        options.AllowAdmin = true;
        options.AbortOnConnectFail = true;
        options.ConnectTimeout = 10000;
        options.SyncTimeout = 10000;
        options.Protocol = protocolVersion == 3 ? RedisProtocol.Resp3 : RedisProtocol.Resp2;
        return options;
    }

    public Task<RawConnection> ConnectAsync() => Node.ConnectAsync();

    public async Task DisposeAsync()
    {
        await Redis.DisposeAsync();
        await Node.DisposeAsync();
    }
}
