namespace Istore.Tests.Dashboard;

/// <summary>One <c>istore-ha up</c> cluster (2 shards × master + replica) under a light write load, shared by a test class.</summary>
public sealed class LoadedClusterFixture : IAsyncLifetime
{
    public UpCluster Cluster { get; private set; } = null!;

    public LightWriter Writer { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Cluster = await UpCluster.StartAsync(shards: 2, replicas: 1);
        var (tenant, password) = Cluster.Tenant(0);
        Writer = new LightWriter(Cluster.ProxyPort, tenant, password);
    }

    public async Task DisposeAsync()
    {
        if (Writer is not null)
            await Writer.DisposeAsync();
        if (Cluster is not null)
            await Cluster.DisposeAsync();
    }
}
