using StackExchange.Redis;

namespace Istore.Tests.Infrastructure;

/// <summary>
/// One istore-node per test class (xunit IClassFixture), plus a StackExchange.Redis connection to
/// it. Tests in a class use distinct keys (prefix with the test name) so they stay independent.
/// The engine is the memory one; <see cref="DiskNodeFixture"/> runs the same suites on disk.
/// </summary>
public class NodeFixture : IAsyncLifetime
{
    /// <summary>The --engine every node of this fixture runs, its own and those tests start with <see cref="StartNodeAsync"/>.</summary>
    public virtual string Engine => "memory";

    public NodeProcess Node { get; private set; } = null!;

    public ConnectionMultiplexer Redis { get; private set; } = null!;

    public IDatabase Db => Redis.GetDatabase();

    public async Task InitializeAsync()
    {
        Node = await StartNodeAsync();
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

    /// <summary>Arguments every node of this fixture runs with, besides --engine.</summary>
    protected virtual string[] Args => [];

    /// <summary>A node of its own for one test, on this fixture's engine.</summary>
    public Task<NodeProcess> StartNodeAsync(string[]? extraArgs = null) =>
        NodeProcess.StartAsync(["--engine", Engine, .. Args, .. extraArgs ?? []]);

    public async Task DisposeAsync()
    {
        await Redis.DisposeAsync();
        await Node.DisposeAsync();
    }
}
