using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Istore.Net.Client;

namespace Istore.Tests.Net;

/// <summary>
/// A real redis-server (Debian's) on a free loopback port with persistence off, to test the
/// client against the reference implementation. Killed by its process on dispose.
/// </summary>
public sealed class RedisServerFixture : IDisposable
{
    private const string ServerPath = "/usr/bin/redis-server";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly string _directory;

    public RedisServerFixture()
        : this([])
    {
    }

    /// <summary>With more redis-server options, such as --requirepass.</summary>
    internal RedisServerFixture(string[] extraArgs)
    {
        _directory = Directory.CreateTempSubdirectory("istore-redis-").FullName;
        // The free port may be taken between probing and binding: try a few.
        for (int attempt = 1; ; attempt++)
        {
            Port = FindFreePort();
            _process = Start(Port, _directory, extraArgs);
            if (WaitUntilListening())
                return;
            Kill();
            _process.Dispose();
            if (attempt == 3)
                throw new InvalidOperationException($"redis-server did not start; see {_directory}/redis.log");
        }
    }

    public string Host => "127.0.0.1";

    public int Port { get; }

    public Task<RespClient> ConnectAsync() => RespClient.ConnectAsync(Host, Port);

    /// <summary>Kills the server abruptly (SIGKILL), as a crash would.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(10_000);
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static Process Start(int port, string directory, string[] extraArgs)
    {
        File.Delete(Path.Combine(directory, "redis.log"));   // a failed attempt's log must not look ready
        var info = new ProcessStartInfo(ServerPath) { UseShellExecute = false };
        string[] args =
        [
            "--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--daemonize", "no", "--dir", directory, "--logfile", Path.Combine(directory, "redis.log"), .. extraArgs,
        ];
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        return Process.Start(info) ?? throw new InvalidOperationException("cannot start " + ServerPath);
    }

    /// <summary>Waits for the server's own log line (a successful connect could reach another process on the port).</summary>
    private bool WaitUntilListening()
    {
        var log = Path.Combine(_directory, "redis.log");
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            if (File.Exists(log) && File.ReadAllText(log).Contains("Ready to accept connections"))
                return true;
            Thread.Sleep(20);
        }
        return false;
    }

    private static int FindFreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
