using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Istore.Net.Client;

namespace Istore.Tests.Infrastructure;

/// <summary>
/// `istore-ha up` as a real process on a free port range with its own --dir: the whole cluster
/// it starts, what cluster.json says, and cleanup by PID — SIGTERM to `up` (which stops its
/// children), then SIGKILL to any child PID still alive (nodes and proxy report theirs in INFO).
/// </summary>
public sealed class UpProcess : IAsyncDisposable
{
    private readonly string[] _args;
    private readonly HashSet<int> _childPids = [];
    private ChildProcess? _process;

    private UpProcess(string directory, int basePort, string[] args)
    {
        Directory = directory;
        BasePort = basePort;
        _args = args;
    }

    public string Directory { get; }

    public int BasePort { get; }

    public string Output => _process?.Output ?? "";

    public int Pid => _process?.Pid ?? 0;

    /// <summary>Until `up` has printed <paramref name="text"/> <paramref name="occurrences"/> times in all.</summary>
    public Task WaitForOutputAsync(string text, TimeSpan timeout, int occurrences) => _process!.WaitForOutputAsync(text, timeout, occurrences);

    public int CountOf(string text) => _process?.CountOf(text) ?? 0;

    public JsonNode ClusterFile => JsonNode.Parse(File.ReadAllText(Path.Combine(Directory, "cluster.json")))!;

    public int ProxyPort => int.Parse(((string)ClusterFile["proxy"]!).Split(':')[1]);

    public string AdminToken => (string)ClusterFile["adminToken"]!;

    public string Dashboard => (string)ClusterFile["dashboard"]!;

    public (string Name, string Password) Tenant => ((string)ClusterFile["tenants"]![0]!["name"]!, (string)ClusterFile["tenants"]![0]!["password"]!);

    /// <summary>How long the last start took until it printed that the cluster is up.</summary>
    public TimeSpan StartTime { get; private set; }

    public static async Task<UpProcess> StartAsync(params string[] args)
    {
        var up = new UpProcess(System.IO.Directory.CreateTempSubdirectory("istore-up-").FullName, FreeBasePort(), args);
        await up.LaunchAsync();
        return up;
    }

    /// <summary>Starts `up` (again) on the same directory and ports, waits until it says the cluster is up.</summary>
    public async Task LaunchAsync()
    {
        var started = DateTime.UtcNow;
        _process?.Dispose();
        _process = new ChildProcess(HaProcess.BinaryPath, ["up", "--dir", Directory, "--base-port", BasePort.ToString(), .. _args]);
        await _process.WaitForOutputAsync("istore cluster is up", TimeSpan.FromSeconds(60));
        StartTime = DateTime.UtcNow - started;
        await RememberChildrenAsync();
    }

    /// <summary>Every node's and the proxy's PID, for cleanup whatever happens to `up`.</summary>
    public async Task RememberChildrenAsync()
    {
        foreach (var address in NodeAddresses())
            _childPids.Add(await NodePidAsync(address));
        await using var proxy = await RespClient.ConnectAsync("127.0.0.1", ProxyPort);
        await proxy.ExecuteAsync("AUTH", Tenant.Name, Tenant.Password);
        _childPids.Add(int.Parse(InfoText.Fields((await proxy.ExecuteAsync("INFO", "server")).AsString()!)["process_id"]));
    }

    public IEnumerable<string> NodeAddresses() => ClusterFile["nodes"]!.AsObject().Select(n => n.Key);

    public static async Task<Dictionary<string, string>> NodeInfoAsync(string address)
    {
        var parts = address.Split(':');
        await using var c = await RespClient.ConnectAsync(parts[0], int.Parse(parts[1]));
        return InfoText.Fields((await c.ExecuteAsync("INFO", "everything")).AsString()!);
    }

    public static async Task<int> NodePidAsync(string address) => int.Parse((await NodeInfoAsync(address))["process_id"]);

    /// <summary>The topology `up`'s HA keeps in &lt;dir&gt;/ha.json.</summary>
    public JsonNode Topology() => JsonNode.Parse(File.ReadAllText(Path.Combine(Directory, "ha.json")))!;

    /// <summary>SIGTERM and wait for `up` to exit; its exit code.</summary>
    public async Task<int> StopAsync()
    {
        ChildProcess.Signal(Pid, "TERM");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!_process!.HasExited && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        return _process.HasExited ? _process.ExitCode : -1;
    }

    public IEnumerable<int> LiveChildren() => _childPids.Where(IsAlive);

    private static bool IsAlive(int pid) => File.Exists($"/proc/{pid}/stat") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ");

    /// <summary>A base port whose proxy, node, HA and dashboard ports are all free (nodes added later take ports above).</summary>
    private static int FreeBasePort()
    {
        for (int attempt = 0; attempt < 100; attempt++)
        {
            // Below the kernel's ephemeral range (32768+), where outgoing connections of concurrent tests take ports.
            int basePort = Random.Shared.Next(10_000, 32_000);
            if (Enumerable.Range(basePort, 20).Append(basePort + 100).Append(basePort + 180).Append(basePort + 190).All(IsFree))
                return basePort;
        }
        throw new InvalidOperationException("no free port range");
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

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
            await StopAsync();
        foreach (int pid in LiveChildren().ToList())
            ChildProcess.Signal(pid, "KILL");
        _process?.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
