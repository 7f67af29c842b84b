using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Istore.Ha.Up;

/// <summary>
/// The processes `up` started: each restarted with the same arguments when it exits on its own,
/// after its restart delay (a crashed master must stay down until HA has failed it over, so it
/// comes back as a replica rather than as a master missing its last writes), all stopped with
/// SIGTERM at the end. Output goes to a log file per process.
/// </summary>
internal sealed class Supervisor(string logDirectory, ILogger logger) : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Child> _children = [];
    private Timer? _watch;
    private bool _stopping;

    private sealed record Child(string Binary, string[] Args, int RestartDelayMs, Process Process)
    {
        public long ExitedAtMs { get; set; } = -1;
    }

    public void Start(string name, string binary, string[] args, int restartDelayMs = 0)
    {
        var process = Launch(name, binary, args);
        lock (_lock)
            _children[name] = new Child(binary, args, restartDelayMs, process);
        _watch ??= new Timer(_ => RestartExited(), null, 200, 200);
    }

    private Process Launch(string name, string binary, string[] args)
    {
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("exec \"$0\" \"$@\" >>\"$LOG\" 2>&1");
        info.ArgumentList.Add(binary);
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        info.Environment["LOG"] = Path.Combine(logDirectory, name + ".log");
        return Process.Start(info) ?? throw new InvalidOperationException("could not start " + binary);
    }

    private void RestartExited()
    {
        lock (_lock)
        {
            if (_stopping)
                return;
            long now = Environment.TickCount64;
            foreach (var (name, child) in _children.ToList())
            {
                if (!child.Process.HasExited)
                    continue;
                if (child.ExitedAtMs < 0)
                    child.ExitedAtMs = now;
                if (now - child.ExitedAtMs < child.RestartDelayMs)
                    continue;
                Log.Restarting(logger, name, child.Process.ExitCode);
                child.Process.Dispose();
                _children[name] = child with { Process = Launch(name, child.Binary, child.Args) };
            }
        }
    }

    /// <summary>Stops one process for good (a deleted tenant's node).</summary>
    public void Stop(string name)
    {
        Process? process;
        lock (_lock)
        {
            process = _children.Remove(name, out var child) ? child.Process : null;
        }
        if (process is not null)
            Terminate([process]);
    }

    /// <summary>SIGTERM to every process (nodes checkpoint), waiting up to 30 s, then SIGKILL.</summary>
    public void Dispose()
    {
        List<Process> all;
        lock (_lock)
        {
            _stopping = true;
            all = _children.Values.Select(c => c.Process).ToList();
            _children.Clear();
        }
        _watch?.Dispose();
        Terminate(all);
    }

    private static void Terminate(List<Process> processes)
    {
        foreach (var p in processes.Where(p => !p.HasExited))
            Process.Start("kill", ["-TERM", p.Id.ToString()])?.WaitForExit();
        foreach (var p in processes)
        {
            if (!p.WaitForExit(30_000))
                p.Kill();
            p.Dispose();
        }
    }
}
