using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Istore.Tests.Infrastructure;

/// <summary>
/// A real istore-node process on a free loopback port with its own data directory. Tests talk
/// to it over sockets, kill it with SIGKILL or stop it gracefully, restart it on the same data,
/// and always clean up by PID. ISTORE_NODE_BINARY points the tests at another binary (the AOT one).
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly StringBuilder _output = new();
    private readonly string[] _extraArgs;
    private readonly bool _ownsDirectory;
    private Process? _process;

    private NodeProcess(string directory, bool ownsDirectory, string[] extraArgs)
    {
        DataDirectory = directory;
        _ownsDirectory = ownsDirectory;
        _extraArgs = extraArgs;
        Port = FreePort();
    }

    public int Port { get; private set; }

    public string DataDirectory { get; }

    public int Pid => _process?.Id ?? 0;

    /// <summary>What the node printed so far (for failure messages).</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public static string BinaryPath =>
        Environment.GetEnvironmentVariable("ISTORE_NODE_BINARY") is { Length: > 0 } path
            ? path
            : Path.Combine(AppContext.BaseDirectory, "istore-node");

    /// <summary>Starts a node on a fresh data directory (or <paramref name="directory"/>), waiting until it answers PING.</summary>
    public static async Task<NodeProcess> StartAsync(string[]? extraArgs = null, string? directory = null)
    {
        bool owns = directory is null;
        directory ??= Path.Combine(Path.GetTempPath(), "istore-tests", Guid.NewGuid().ToString("N"));
        var node = new NodeProcess(directory, owns, extraArgs ?? []);
        await node.LaunchAsync();
        return node;
    }

    /// <summary>Runs a node binary expected to stop by itself (bad options, a refused directory): its exit code and output; killed after 30 s.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(string binary, string[] args)
    {
        var info = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + binary);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return (-1, await stdout + await stderr);
        }
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>Starts the process again on the same directory and port (after a kill or stop).</summary>
    public Task RestartAsync() => LaunchAsync(mayMovePort: false);

    /// <summary>
    /// Starts the process and waits until it answers. Another test's node may bind the port picked
    /// for this one first (both picked it while it was free): then the answer comes from that node,
    /// and this one, unable to bind, exits. A first start moves to a new port and tries again.
    /// </summary>
    private async Task LaunchAsync(bool mayMovePort = true)
    {
        for (int attempt = 1; ; attempt++)
        {
            bool lastTry = !mayMovePort || attempt == 3;
            try
            {
                await StartProcessAsync();
            }
            catch (InvalidOperationException) when (!lastTry && Output.Contains("in use", StringComparison.OrdinalIgnoreCase))
            {
                Port = FreePort();
                continue;
            }
            if (await AnswersAsOurselvesAsync())
                return;
            Kill();
            if (lastTry)
                throw new InvalidOperationException($"port {Port} answers for another process:\n{Output}");
            Port = FreePort();
        }
    }

    /// <summary>INFO's process_id is ours (nodes with a password say NOAUTH: then ours is alive a moment later).</summary>
    private async Task<bool> AnswersAsOurselvesAsync()
    {
        await using var c = await RawConnection.ConnectAsync(Port);
        var reply = await c.CommandAsync("INFO", "server");
        if (reply.StartsWith("-NOAUTH", StringComparison.Ordinal))
        {
            await Task.Delay(200);
            return !_process!.HasExited;
        }
        return reply.Contains($"process_id:{_process!.Id}\r\n", StringComparison.Ordinal);
    }

    private async Task StartProcessAsync()
    {
        var info = new ProcessStartInfo(BinaryPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--port", Port.ToString(), "--dir", DataDirectory, "--loglevel", "Information" }.Concat(_extraArgs))
            info.ArgumentList.Add(arg);
        _process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + BinaryPath);
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"istore-node exited with {_process.ExitCode}:\n{Output}");
            if (await AnswersPingAsync())
                return;
            await Task.Delay(50);
        }
        Kill();   // never leave a node behind for a test that failed to start it
        throw new TimeoutException("istore-node did not answer PING in 30 s:\n" + Output);
    }

    private async Task<bool> AnswersPingAsync()
    {
        try
        {
            await using var c = await RawConnection.ConnectAsync(Port);
            await c.SendAsync("PING\r\n");
            var reply = await c.ReadFrameAsync(TimeSpan.FromSeconds(2));
            return reply is "+PONG\r\n" or "-NOAUTH Authentication required.\r\n";
        }
        catch (Exception ex) when (ex is SocketException or IOException or TimeoutException)
        {
            return false;
        }
    }

    public Task<RawConnection> ConnectAsync() => RawConnection.ConnectAsync(Port);

    /// <summary>DBSIZE's reply, waited for as long as a disk node's recount of a large dataset may take on a busy machine.</summary>
    public async Task<string> DbSizeAsync()
    {
        await using var c = await ConnectAsync();
        await c.SendCommandAsync("DBSIZE");
        return await c.ReadFrameAsync(TimeSpan.FromSeconds(120));
    }

    /// <summary>SIGKILL: no flush, no checkpoint — what a crash looks like.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    /// <summary>
    /// Kill -9 and restart, then a graceful stop (exit 0) and restart, each time checking that
    /// <paramref name="dump"/> still reads <paramref name="before"/>. The node runs afterwards.
    /// </summary>
    public async Task AssertSurvivesKillAndRestartAsync(Func<RawConnection, Task<string>> dump, string before)
    {
        Kill();
        await RestartAsync();
        await using (var c = await ConnectAsync())
            Assert.Equal(before, await dump(c));
        Assert.Equal(0, await TerminateAsync());
        await RestartAsync();
        await using (var c = await ConnectAsync())
            Assert.Equal(before, await dump(c));
    }

    /// <summary>SIGTERM and wait: the node should flush, checkpoint and exit 0.</summary>
    /// <summary>Stops the node as the durability tests compare: SIGTERM (asserting exit 0) or SIGKILL.</summary>
    public async Task StopAsync(bool graceful)
    {
        if (graceful)
            Assert.Equal(0, await TerminateAsync());
        else
            Kill();
    }

    public async Task<int> TerminateAsync(TimeSpan? timeout = null)
    {
        if (_process is null || _process.HasExited)
            return _process?.ExitCode ?? 0;
        Process.Start("kill", ["-TERM", _process.Id.ToString()])!.WaitForExit();
        return await WaitForExitAsync(timeout);
    }

    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        await _process!.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public bool HasExited => _process is null || _process.HasExited;

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process?.Dispose();
        if (_ownsDirectory && Directory.Exists(DataDirectory))
            Directory.Delete(DataDirectory, recursive: true);
        return ValueTask.CompletedTask;
    }
}
