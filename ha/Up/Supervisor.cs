using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Istore.Ha.Up;

/// <summary>
/// The processes `up` started: each restarted with the same arguments when it exits on its own,
/// after its restart delay (a crashed master must stay down until HA has failed it over, so it
/// comes back as a replica rather than as a master missing its last writes), all stopped with
/// SIGTERM at the end. A proxy is replaced by a successor that takes its clients over: the
/// supervisor then follows the successor. Output goes to a log file per process.
/// </summary>
internal sealed class Supervisor(string logDirectory, ILogger logger) : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Child> _children = [];
    private Timer? _watch;
    private bool _stopping;

    /// <summary>A supervised process; while a successor takes over, <see cref="Predecessor"/> is the process it takes over from, which exits when it is done.</summary>
    private sealed record Child(string Binary, string[] Args, int RestartDelayMs, Process Process, Process? Predecessor = null)
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
                // During a takeover TakeOverAsync decides which of the two processes stays.
                if (child.Predecessor is not null || !child.Process.HasExited)
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

    /// <summary>
    /// Starts <paramref name="binary"/> with the process's arguments plus <paramref name="takeoverArgs"/>
    /// and waits until the running process has handed everything over and exited: from then on the
    /// successor is the supervised process (restarted on <paramref name="binary"/> if it crashes).
    /// If the successor exits first, or both still run after <paramref name="timeout"/> (the
    /// successor is then killed), the old process keeps serving and this throws.
    /// </summary>
    public async Task TakeOverAsync(string name, string binary, string[] takeoverArgs, TimeSpan timeout)
    {
        Child child;
        Process successor;
        lock (_lock)
        {
            if (!_children.TryGetValue(name, out child!) || child.Predecessor is not null || child.Process.HasExited)
                throw new InvalidOperationException($"{name} is not running");
            successor = Launch(name, binary, [.. child.Args, .. takeoverArgs]);
            _children[name] = child with { Binary = binary, Process = successor, Predecessor = child.Process };
        }
        var old = child.Process;
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (!old.HasExited && !successor.HasExited && Environment.TickCount64 < deadline)
            await Task.Delay(20).ConfigureAwait(false);
        if (old.HasExited && !successor.HasExited)
        {
            lock (_lock)
                _children[name] = _children[name] with { Predecessor = null };
            Log.TookOver(logger, name, old.Id, successor.Id);
            old.Dispose();
            return;
        }
        string why = successor.HasExited ? $"the new process exited ({successor.ExitCode})" : old.HasExited ? "the old process exited" : $"no takeover after {timeout.TotalSeconds:0} s";
        if (!successor.HasExited)
            successor.Kill();
        successor.WaitForExit();
        successor.Dispose();
        lock (_lock)
            _children[name] = child;   // the old process, or its restart if it died too
        throw new InvalidOperationException($"{name}: takeover by {binary} failed: {why}; the old process serves on");
    }

    /// <summary>Stops one process for good (a deleted tenant's node, a node to restart on another binary).</summary>
    public async Task StopAsync(string name)
    {
        Process? process;
        lock (_lock)
        {
            process = _children.Remove(name, out var child) ? child.Process : null;
        }
        if (process is not null)
            await TerminateAsync([process]).ConfigureAwait(false);
    }

    /// <summary>SIGTERM to every process (nodes checkpoint), waiting up to 30 s, then SIGKILL.</summary>
    public void Dispose()
    {
        List<Process> all;
        lock (_lock)
        {
            _stopping = true;
            all = _children.Values.SelectMany(c => c.Predecessor is { } p ? new[] { c.Process, p } : [c.Process]).ToList();
            _children.Clear();
        }
        _watch?.Dispose();
        TerminateAsync(all).GetAwaiter().GetResult();   // at exit: nothing else waits for a thread
    }

    /// <summary>
    /// Waits without holding a thread: HA's probes run on the same small thread pool, and a thread
    /// blocked through a node's shutdown checkpoint starved them into failing a healthy master over.
    /// </summary>
    private static async Task TerminateAsync(List<Process> processes)
    {
        foreach (var p in processes.Where(p => !p.HasExited))
        {
            using var kill = Process.Start("kill", ["-TERM", p.Id.ToString()]);
            if (kill is not null)
                await kill.WaitForExitAsync().ConfigureAwait(false);
        }
        foreach (var p in processes)
        {
            using var timeout = new CancellationTokenSource(30_000);
            try
            {
                await p.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                p.Kill();
            }
            p.Dispose();
        }
    }
}
