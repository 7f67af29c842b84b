using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Istore.Tests.Infrastructure;

namespace Istore.Tests.Dashboard;

/// <summary>
/// A whole local cluster from <c>istore-ha up</c> in a temp directory on a free block of loopback
/// ports, known by the cluster.json it writes when ready. Stopped with SIGTERM (up stops what it
/// started); anything left under it after a grace period is killed by PID.
/// </summary>
public sealed class UpCluster : IAsyncDisposable
{
    private const int PortBlock = 200;   // up takes base, base+1…(nodes), base+100 (HA), base+180 (dashboard)

    private readonly string _directory = Directory.CreateTempSubdirectory("istore-up-").FullName;
    private readonly ChildProcess _process;

    private UpCluster(int shards, int replicas)
    {
        _process = new ChildProcess(HaProcess.BinaryPath,
            ["up", "--dir", _directory, "--base-port", FreeBasePort().ToString(), "--shards", shards.ToString(), "--replicas", replicas.ToString()]);
    }

    public int Pid => _process.Pid;

    public string Output => _process.Output;

    /// <summary>cluster.json as up wrote it.</summary>
    public JsonNode ClusterFile { get; private set; } = null!;

    public string AdminToken => (string)ClusterFile["adminToken"]!;

    /// <summary>"http://127.0.0.1:port/".</summary>
    public string Dashboard => (string)ClusterFile["dashboard"]!;

    /// <summary>The URL a user opens: the dashboard with the admin token in its fragment.</summary>
    public string DashboardWithToken => Dashboard + "#token=" + Uri.EscapeDataString(AdminToken);

    public int ProxyPort => int.Parse(((string)ClusterFile["proxy"]!).Split(':')[^1]);

    public (string Name, string Password) Tenant(int i) =>
        ((string)ClusterFile["tenants"]![i]!["name"]!, (string)ClusterFile["tenants"]![i]!["password"]!);

    public static async Task<UpCluster> StartAsync(int shards = 2, int replicas = 1)
    {
        var cluster = new UpCluster(shards, replicas);
        try
        {
            var path = Path.Combine(cluster._directory, "cluster.json");
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (!File.Exists(path))
            {
                if (cluster._process.HasExited)
                    throw new InvalidOperationException("istore-ha up exited:\n" + cluster.Output);
                if (DateTime.UtcNow > deadline)
                    throw new TimeoutException("istore-ha up wrote no cluster.json:\n" + cluster.Output);
                await Task.Delay(50);
            }
            cluster.ClusterFile = JsonNode.Parse(await File.ReadAllTextAsync(path))!;
            await cluster.WaitForDashboardAsync(deadline);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    // cluster.json may be written a moment before the admin address listens.
    private async Task WaitForDashboardAsync(DateTime deadline)
    {
        using var http = new HttpClient();
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(Dashboard);
                if (response.IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            if (_process.HasExited || DateTime.UtcNow > deadline)
                throw new TimeoutException($"the dashboard at {Dashboard} did not answer:\n{Output}");
            await Task.Delay(50);
        }
    }

    /// <summary>An HTTP client for the admin API, with the bearer token.</summary>
    public HttpClient AdminClient()
    {
        var client = new HttpClient { BaseAddress = new Uri(Dashboard) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        return client;
    }

    public async Task<JsonNode> GetAsync(string path)
    {
        using var client = AdminClient();
        return JsonNode.Parse(await client.GetStringAsync(path))!;
    }

    public async ValueTask DisposeAsync()
    {
        var under = ProcessTree.Descendants(_process.Pid);
        if (!_process.HasExited)
        {
            ChildProcess.Signal(_process.Pid, "TERM");
            for (var deadline = DateTime.UtcNow.AddSeconds(15); !_process.HasExited && DateTime.UtcNow < deadline;)
                await Task.Delay(50);
        }
        foreach (var pid in under)
            if (File.Exists($"/proc/{pid}/stat"))
                ChildProcess.Signal(pid, "KILL");
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    // A base port whose whole block is free now (up binds them a moment later; the range is random to avoid other tests).
    private static int FreeBasePort()
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            int basePort = Random.Shared.Next(20, 300) * PortBlock;
            if (Enumerable.Range(basePort, PortBlock).All(IsFree))
                return basePort;
        }
        throw new InvalidOperationException("no free block of loopback ports");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
