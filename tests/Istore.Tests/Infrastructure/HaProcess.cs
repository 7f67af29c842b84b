using System.Text.Json.Nodes;

namespace Istore.Tests.Infrastructure;

/// <summary>
/// A real istore-ha process on a free loopback port, its topology in a file of its own (the
/// state HA writes its decisions to). Killed by PID on dispose; restartable on the same file.
/// ISTORE_HA_BINARY points the tests at another binary (the AOT one).
/// </summary>
public sealed class HaProcess : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("istore-ha-").FullName;
    private readonly string[] _extraArgs;
    private ChildProcess? _process;

    private HaProcess(string[] extraArgs)
    {
        _extraArgs = extraArgs;
        Port = NodeProcess.FreePort();
    }

    public int Port { get; }

    public string Address => $"127.0.0.1:{Port}";

    public string ConfigPath => Path.Combine(_directory, "ha.json");

    public int Pid => _process?.Pid ?? 0;

    /// <summary>The options it was started with (besides --config and --listen).</summary>
    public string[] Arguments => _extraArgs;

    public string Output => _process?.Output ?? "";

    public static string BinaryPath =>
        Environment.GetEnvironmentVariable("ISTORE_HA_BINARY") is { Length: > 0 } path
            ? path
            : Path.Combine(AppContext.BaseDirectory, "istore-ha");

    /// <summary>Starts HA on a topology of <paramref name="tenantsJson"/> (the "tenants" array) with this process's listen address.</summary>
    public static async Task<HaProcess> StartAsync(string tenantsJson, int downAfterMs = 1000, params string[] extraArgs)
    {
        var ha = new HaProcess(extraArgs);
        File.WriteAllText(ha.ConfigPath, $$"""{"version": 1, "listen": "{{ha.Address}}", "downAfterMs": {{downAfterMs}}, "tenants": {{tenantsJson}}}""");
        await ha.RestartAsync();
        return ha;
    }

    /// <summary>Starts the process (again) on the same file and port and waits until it accepts connections.</summary>
    public async Task RestartAsync()
    {
        _process?.Dispose();
        _process = new ChildProcess(BinaryPath, ["--config", ConfigPath, "--listen", Address, .. _extraArgs]);
        await _process.WaitForOutputAsync("Ready to accept connections", TimeSpan.FromSeconds(30));
    }

    public void Kill() => _process?.Kill();

    public Task WaitForOutputAsync(string text, TimeSpan timeout, int occurrences = 1) => _process!.WaitForOutputAsync(text, timeout, occurrences);

    /// <summary>The topology file as HA last wrote it.</summary>
    public JsonNode Topology() => JsonNode.Parse(File.ReadAllText(ConfigPath))!;

    /// <summary>One command on HA's port; the raw RESP reply.</summary>
    public async Task<string> CommandAsync(params string[] args)
    {
        await using var c = await RawConnection.ConnectAsync(Port);
        return await c.CommandAsync(args);
    }

    public async Task<Dictionary<string, string>> InfoAsync()
    {
        await using var c = await RawConnection.ConnectAsync(Port);
        return InfoText.Fields((await c.ReadValueAfterAsync("INFO")).AsString()!);
    }

    public ValueTask DisposeAsync()
    {
        _process?.Dispose();
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }
}
