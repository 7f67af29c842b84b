using System.Diagnostics;
using Istore.Node.Commands;

namespace Istore.Node.Scripting;

/// <summary>
/// One running script or function: who called it, what it may do, the protocol its redis.call
/// replies use (redis.setresp), and the state SCRIPT KILL and the busy threshold look at. Fields
/// other threads read (busy, kill) are volatile.
/// </summary>
internal sealed class ScriptRun(CommandContext caller, string name, bool evalMode, bool readOnly, ScriptFlags flags)
{
    private readonly long _started = caller.StartedTicks != 0 ? caller.StartedTicks : Stopwatch.GetTimestamp();
    private volatile bool _busy;
    private volatile bool _killRequested;

    public CommandContext Caller { get; } = caller;

    /// <summary>The script's SHA1 (EVAL) or function name (FCALL), as errors name it.</summary>
    public string Name { get; } = name;

    public bool EvalMode { get; } = evalMode;

    public bool ReadOnly { get; } = readOnly;

    public ScriptFlags Flags { get; } = flags;

    /// <summary>The protocol the script sees replies in: 2 unless it called redis.setresp(3).</summary>
    public int Resp { get; set; } = 2;

    /// <summary>
    /// redis.set_repl: false after REPL_NONE, when the script's writes stay out of the log (so off
    /// replicas and, on the memory engine, out of a restart). The log feeds the AOF and replicas
    /// alike, so REPL_AOF and REPL_REPLICA alone both log, as REPL_ALL does.
    /// </summary>
    public bool Logged { get; set; } = true;

    /// <summary>The script ran a write command: SCRIPT KILL can no longer stop it (UNKILLABLE).</summary>
    public volatile bool Wrote;

    public int ThreadId { get; } = Environment.CurrentManagedThreadId;

    private long _callClock;

    /// <summary>When the script's last redis.call ended (its start before the first): where the next call's timing starts.</summary>
    public long CallClock
    {
        get => _callClock == 0 ? _started : _callClock;
        set => _callClock = value;
    }

    public long ElapsedMs => (long)Stopwatch.GetElapsedTime(_started).TotalMilliseconds;

    /// <summary>Past the busy threshold: other clients get -BUSY.</summary>
    public bool Busy => _busy;

    /// <summary>The EVAL/FCALL command line, captured when the script turns busy (FUNCTION STATS shows it).</summary>
    public string[] CommandLine { get; private set; } = [];

    /// <summary>On the script's thread, from the count hook, while the caller's arguments are still the script's command.</summary>
    public void MarkBusy()
    {
        CommandLine = [.. Enumerable.Range(0, Caller.Count).Select(Caller.ArgString)];
        _busy = true;
    }

    public bool KillRequested => _killRequested;

    /// <summary>Where the script was when it was killed, for the error's "on @user_script:N" part.</summary>
    public (string Source, int Line)? KilledAt { get; set; }

    public void RequestKill() => _killRequested = true;

    /// <summary>Redis's -BUSY text, which names the way out for this kind of script.</summary>
    public string BusyError => EvalMode
        ? "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."
        : "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";
}
