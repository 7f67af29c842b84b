using Istore.Tests.Infrastructure;

namespace Istore.Tests.Ha;

/// <summary>One etcd for a test class; each test keeps to its own key prefix, so tests do not see each other.</summary>
public sealed class EtcdFixture : IAsyncLifetime
{
    private EtcdProcess? _etcd;

    public EtcdProcess Etcd => _etcd ?? throw new InvalidOperationException("etcd did not start");

    public async Task InitializeAsync() => _etcd = await EtcdProcess.StartAsync();

    public async Task DisposeAsync()
    {
        if (_etcd is not null)
            await _etcd.DisposeAsync();
    }
}
