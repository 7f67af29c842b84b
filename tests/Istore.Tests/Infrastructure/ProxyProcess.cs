using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Istore.Tests.Infrastructure;

/// <summary>
/// A real istore-proxy process on a free loopback port, configured by a JSON file the test writes
/// (and may rewrite to test reloads). Killed by PID on dispose. ISTORE_PROXY_BINARY points the
/// tests at another binary (the AOT one).
/// </summary>
public sealed class ProxyProcess : IAsyncDisposable
{
    private readonly StringBuilder _output = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("istore-proxy-").FullName;
    private Process? _process;

    private ProxyProcess()
    {
        Port = FreePort();
        MetricsPort = FreePort();
    }

    public int Port { get; }

    public int MetricsPort { get; }

    public string ConfigPath => Path.Combine(_directory, "proxy.json");

    public int Pid => _process?.Id ?? 0;

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

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
        proxy.WriteConfig(1, tenantsJson);
        var info = new ProcessStartInfo(BinaryPath) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "--config", proxy.ConfigPath, "--metrics-port", proxy.MetricsPort.ToString(), "--threads", "2" }.Concat(extraArgs))
            info.ArgumentList.Add(arg);
        proxy._process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + BinaryPath);
        proxy._process.OutputDataReceived += (_, e) => proxy.Append(e.Data);
        proxy._process.ErrorDataReceived += (_, e) => proxy.Append(e.Data);
        proxy._process.BeginOutputReadLine();
        proxy._process.BeginErrorReadLine();
        await proxy.WaitForOutputAsync("Ready to accept connections", TimeSpan.FromSeconds(30));
        return proxy;
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

    public static void SendSignal(int pid, string name) => Process.Start("kill", [$"-{name}", pid.ToString()])!.WaitForExit();

    public async Task WaitForOutputAsync(string text, TimeSpan timeout, int occurrences = 1)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (CountOf(text) < occurrences)
        {
            if (_process!.HasExited)
                throw new InvalidOperationException($"istore-proxy exited with {_process.ExitCode}:\n{Output}");
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"istore-proxy did not print '{text}':\n{Output}");
            await Task.Delay(20);
        }
    }

    private int CountOf(string text)
    {
        var output = Output;
        int count = 0;
        for (int i = output.IndexOf(text, StringComparison.Ordinal); i >= 0; i = output.IndexOf(text, i + text.Length, StringComparison.Ordinal))
            count++;
        return count;
    }

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

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit();
        }
        _process?.Dispose();
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }
}
