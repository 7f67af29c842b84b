using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Istore.Tests.Infrastructure;

namespace Istore.Tests.Dashboard;

/// <summary>One <c>istore-ha up</c> cluster (2 shards × master + replica) under a light write load, shared by a test class.</summary>
public sealed class LoadedClusterFixture : IAsyncLifetime
{
    public UpProcess Cluster { get; private set; } = null!;

    public LightWriter Writer { get; private set; } = null!;

    /// <summary>The URL a user opens: the dashboard with the admin token in its fragment.</summary>
    public string DashboardWithToken => Cluster.Dashboard + "#token=" + Uri.EscapeDataString(Cluster.AdminToken);

    public async Task InitializeAsync()
    {
        Cluster = await UpProcess.StartAsync("--shards", "2", "--replicas", "1");
        using (var http = new HttpClient())
        using (var page = await http.GetAsync(Cluster.Dashboard))
        {
            if (!page.IsSuccessStatusCode)
            {
                await Cluster.DisposeAsync();
                Cluster = null!;
                Assert.Fail($"GET the dashboard: {(int)page.StatusCode}; the admin host must call DashboardFiles.Map(app)");
            }
        }
        Writer = new LightWriter(Cluster.ProxyPort, Cluster.Tenant.Name, Cluster.Tenant.Password);
    }

    /// <summary>GET on the admin API with the bearer token.</summary>
    public async Task<JsonNode> GetAsync(string path)
    {
        using var client = new HttpClient { BaseAddress = new Uri(Cluster.Dashboard) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Cluster.AdminToken);
        return JsonNode.Parse(await client.GetStringAsync(path))!;
    }

    public async Task DisposeAsync()
    {
        if (Writer is not null)
            await Writer.DisposeAsync();
        if (Cluster is null)
            return;
        // Tenants created from the page started nodes of their own: remember them for cleanup too.
        try
        {
            await Cluster.RememberChildrenAsync();
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException)
        {
            // A node that does not answer any more is not ours to kill either.
        }
        await Cluster.DisposeAsync();
    }
}
