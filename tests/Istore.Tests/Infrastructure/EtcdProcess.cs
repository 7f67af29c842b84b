using System.Diagnostics;
using System.Text;

namespace Istore.Tests.Infrastructure;

/// <summary>
/// A real single-member etcd (Debian's etcd-server, `scripts/setup-deps.sh --with-peers`) on free
/// loopback client and peer ports with its own data directory. Tests kill it (SIGKILL, by PID) and
/// start it again on the same ports and data; dispose kills it and removes the directory.
/// </summary>
public sealed class EtcdProcess : IAsyncDisposable
{
    private readonly StringBuilder _output = new();
    private readonly int _peerPort;
    private Process? _process;

    private EtcdProcess(string directory)
    {
        DataDirectory = directory;
        ClientPort = NodeProcess.FreePort();
        _peerPort = NodeProcess.FreePort();
    }

    public int ClientPort { get; }

    public Uri Endpoint => new($"http://127.0.0.1:{ClientPort}");

    public string DataDirectory { get; }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public static async Task<EtcdProcess> StartAsync()
    {
        // tmpfs when there is one: etcd fsyncs every write, and a disk shared with other tests makes that slow.
        string root = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        var etcd = new EtcdProcess(Path.Combine(root, "istore-tests", "etcd-" + Guid.NewGuid().ToString("N")));
        try
        {
            await etcd.LaunchAsync();
        }
        catch
        {
            await etcd.DisposeAsync();
            throw;
        }
        return etcd;
    }

    /// <summary>Starts it again on the same ports and data (after <see cref="Kill"/>).</summary>
    public Task RestartAsync() => LaunchAsync();

    private async Task LaunchAsync()
    {
        string client = $"http://127.0.0.1:{ClientPort}", peer = $"http://127.0.0.1:{_peerPort}";
        var info = new ProcessStartInfo("etcd") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[]
        {
            "--name", "istore-test", "--data-dir", DataDirectory,
            "--listen-client-urls", client, "--advertise-client-urls", client,
            "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer, "--initial-cluster", "istore-test=" + peer,
            "--logger", "zap", "--log-level", "warn",
        })
            info.ArgumentList.Add(arg);
        try
        {
            _process = Process.Start(info) ?? throw new InvalidOperationException("could not start etcd");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("etcd is not installed: run `bash scripts/setup-deps.sh --with-peers` (Debian's etcd-server)", ex);
        }
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"etcd exited with {_process.ExitCode}:\n{Output}");
            try
            {
                // /health is true once the member has a leader and serves requests.
                if ((await http.GetStringAsync(new Uri(Endpoint, "/health"))).Contains("\"true\""))
                    return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }
            await Task.Delay(50);
        }
        Kill();
        throw new TimeoutException("etcd was not healthy in 20 s:\n" + Output);
    }

    /// <summary>SIGKILL: what a crash of the etcd machine looks like to its clients.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit();
        }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process?.Dispose();
        if (Directory.Exists(DataDirectory))
            Directory.Delete(DataDirectory, recursive: true);
        return ValueTask.CompletedTask;
    }
}
