namespace Istore.Tests.Infrastructure;

/// <summary>
/// A real istore-proxy process on a free loopback port, configured by a JSON file the test writes
/// (and may rewrite to test reloads). Killed by PID on dispose. ISTORE_PROXY_BINARY points the
/// tests at another binary (the AOT one).
/// </summary>
public sealed class ProxyProcess : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("istore-proxy-").FullName;
    private ChildProcess? _process;
    private string[] _launchArgs = [];

    private ProxyProcess()
    {
        Port = NodeProcess.FreePort();
        MetricsPort = NodeProcess.FreePort();
    }

    public int Port { get; private set; }

    /// <summary>Stands for <see cref="ControlPath"/> in start arguments (the directory is made by the start).</summary>
    public const string ControlSocketArg = "{control}";

    public int MetricsPort { get; private set; }

    public string ConfigPath => Path.Combine(_directory, "proxy.json");

    public int Pid => _process?.Pid ?? 0;

    public string Output => _process?.Output ?? "";

    /// <summary>The address it serves clients on, as HA's name service lists it.</summary>
    public string Address => $"127.0.0.1:{Port}";

    public static string BinaryPath =>
        Environment.GetEnvironmentVariable("ISTORE_PROXY_BINARY") is { Length: > 0 } path
            ? path
            : Path.Combine(AppContext.BaseDirectory, "istore-proxy");

    /// <summary>
    /// Starts a proxy whose configuration is <paramref name="tenantsJson"/> (the "tenants" array)
    /// with this proxy's listen address, and waits until it accepts connections.
    /// </summary>
    public static async Task<ProxyProcess> StartAsync(string tenantsJson, params string[] extraArgs)
    {
        var proxy = new ProxyProcess();
        await proxy.FirstLaunchAsync(() =>
        {
            proxy.WriteConfig(1, tenantsJson);
            return ["--config", proxy.ConfigPath, .. extraArgs];
        });
        return proxy;
    }

    /// <summary>Starts a proxy that takes its routes from istore-ha at <paramref name="ha"/> (HOST:PORT[,…]).</summary>
    public static async Task<ProxyProcess> StartWithHaAsync(string ha, params string[] extraArgs)
    {
        var proxy = new ProxyProcess();
        await proxy.FirstLaunchAsync(() => ["--ha", ha, "--listen", proxy.Address, .. extraArgs]);
        return proxy;
    }

    /// <summary>
    /// The first launch: a free port taken by another process before the proxy bound it (the race
    /// of picking free ports) is replaced by new ones, twice at most; <paramref name="args"/> are
    /// made again for the new ports.
    /// </summary>
    private async Task FirstLaunchAsync(Func<string[]> args)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await LaunchAsync(args());
                return;
            }
            catch (InvalidOperationException) when (attempt < 3 && Output.Contains("in use", StringComparison.OrdinalIgnoreCase))
            {
                _process!.Dispose();
                Port = NodeProcess.FreePort();
                MetricsPort = NodeProcess.FreePort();
            }
        }
    }

    /// <summary>Starts (or, after a kill, starts again) the process with the same ports and waits until it accepts connections.</summary>
    private async Task LaunchAsync(string[] args)
    {
        args = [.. args.Select(a => a == ControlSocketArg ? ControlPath : a)];
        _launchArgs = args;
        _process = new ChildProcess(BinaryPath, CommandLine(args));
        await WaitForOutputAsync("Ready to accept connections", TimeSpan.FromSeconds(30));
    }

    /// <summary>Where the proxy listens for a successor when started with <c>--control-socket</c> <see cref="ControlSocketArg"/>.</summary>
    public string ControlPath => Path.Combine(_directory, "control.sock");

    /// <summary>
    /// Upgrades the running proxy as an operator does: starts a successor with the same arguments
    /// and <c>--takeover</c>, and returns once it took over every client and the predecessor exited.
    /// </summary>
    public async Task UpgradeAsync()
    {
        var successor = StartSuccessor();
        await successor.WaitForOutputAsync("Took over", TimeSpan.FromSeconds(60));
        var predecessor = _process!;
        if (!predecessor.WaitForExit(TimeSpan.FromSeconds(30)))
            throw new TimeoutException("the predecessor did not exit after the takeover:\n" + predecessor.Output);
        _predecessorOutput += predecessor.Output;
        predecessor.Dispose();
        _process = successor;
    }

    /// <summary>A successor taking over this proxy (same arguments, <c>--takeover</c>), not waited for.</summary>
    public ChildProcess StartSuccessor(IReadOnlyDictionary<string, string>? environment = null) =>
        new(BinaryPath, CommandLine([.. _launchArgs, "--takeover", ControlPath]), environment);

    private string[] CommandLine(string[] args) => [.. args, "--metrics-port", MetricsPort.ToString(), "--threads", "2"];

    /// <summary>The output of the processes this proxy upgraded away from.</summary>
    public string PredecessorOutput => _predecessorOutput;

    private string _predecessorOutput = "";

    /// <summary>Kill -9 (what a crash looks like).</summary>
    public void Kill() => _process?.Kill();

    public Task RestartAsync()
    {
        _process?.Dispose();
        return LaunchAsync(_launchArgs);
    }

    /// <summary>Writes the configuration file atomically (write, then rename), as an operator's script would.</summary>
    public void WriteConfig(long version, string tenantsJson)
    {
        string temp = ConfigPath + ".tmp";
        File.WriteAllText(temp, $$"""{"version": {{version}}, "listen": "127.0.0.1:{{Port}}", "tenants": {{tenantsJson}}}""");
        File.Move(temp, ConfigPath, overwrite: true);
    }

    /// <summary>Sends a POSIX signal (HUP to reload, STOP/CONT to stall) to the proxy.</summary>
    public void Signal(string name) => SendSignal(Pid, name);

    public static void SendSignal(int pid, string name) => ChildProcess.Signal(pid, name);

    public Task WaitForOutputAsync(string text, TimeSpan timeout, int occurrences = 1) => _process!.WaitForOutputAsync(text, timeout, occurrences);

    public bool HasExited => _process is null || _process.HasExited;

    /// <summary>StackExchange.Redis through the proxy, authenticated as a tenant.</summary>
    public Task<StackExchange.Redis.ConnectionMultiplexer> ConnectRedisAsync(int protocol, string tenant = "t1", string password = "p1")
    {
        var options = NodeFixture.Options(Port, protocol);
        options.User = tenant;
        options.Password = password;
        options.AllowAdmin = false;
        // The proxy has no pub/sub: do not ask for the configuration-change channel or a tie-breaker key.
        options.ConfigurationChannel = "";
        options.TieBreaker = "";
        return StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(options);
    }

    public Task<RawConnection> ConnectAsync() => RawConnection.ConnectAsync(Port);

    /// <summary>A raw connection already authenticated as <paramref name="tenant"/>.</summary>
    public async Task<RawConnection> ConnectAsync(string tenant, string password)
    {
        var c = await RawConnection.ConnectAsync(Port);
        var reply = await c.CommandAsync("AUTH", tenant, password);
        if (reply != "+OK\r\n")
            throw new InvalidOperationException("AUTH failed: " + reply);
        return c;
    }

    public async Task<string> GetMetricsAsync()
    {
        using var http = new HttpClient();
        return await http.GetStringAsync($"http://127.0.0.1:{MetricsPort}/metrics");
    }

    public ValueTask DisposeAsync()
    {
        _process?.Dispose();
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }
}
