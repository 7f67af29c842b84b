using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Istore.Tests.Infrastructure;

/// <summary>
/// A process a test started (istore-proxy, istore-ha): its output captured for waits and failure
/// messages, signals by PID, killed on dispose.
/// </summary>
public sealed partial class ChildProcess : IDisposable
{
    private readonly StringBuilder _output = new();
    private readonly Process _process;
    private readonly string _name;

    public ChildProcess(string binary, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        _name = Path.GetFileName(binary);
        var info = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            info.Environment[name] = value;
        _process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + binary);
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>
    /// Sends a POSIX signal (HUP, STOP, CONT, KILL…) to <paramref name="pid"/> at once, with kill(2): starting a kill
    /// process took tens of ms on a loaded host, long enough to miss the moment a test freezes a node at. A process
    /// already gone is no error.
    /// </summary>
    public static void Signal(int pid, string name) => kill(pid, name switch
    {
        "HUP" => 1,
        "INT" => 2,
        "KILL" => 9,
        "TERM" => 15,
        "CONT" => 18,
        "STOP" => 19,
        _ => throw new ArgumentException($"no signal {name}", nameof(name)),
    });

    [LibraryImport("libc")]
    private static partial int kill(int pid, int signal);

    public async Task WaitForOutputAsync(string text, TimeSpan timeout, int occurrences = 1)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (CountOf(text) < occurrences)
        {
            if (_process.HasExited)
            {
                // The exit can be seen before the output handlers have the last lines: drain them, then look once more.
                _process.WaitForExit();
                if (CountOf(text) >= occurrences)
                    return;
                throw new InvalidOperationException($"{_name} exited with {_process.ExitCode}:\n{Output}");
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{_name} did not print '{text}':\n{Output}");
            await Task.Delay(20);
        }
    }

    public int CountOf(string text)
    {
        var output = Output;
        int count = 0;
        for (int i = output.IndexOf(text, StringComparison.Ordinal); i >= 0; i = output.IndexOf(text, i + text.Length, StringComparison.Ordinal))
            count++;
        return count;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    /// <summary>Waits for the process to exit by itself; false if it is still running after <paramref name="timeout"/>.</summary>
    public bool WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
            return false;
        // The timed wait returns before the output handlers have seen the last lines; this one drains them.
        _process.WaitForExit();
        return true;
    }

    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
