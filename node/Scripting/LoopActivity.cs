namespace Istore.Node.Scripting;

/// <summary>
/// Whether one event loop is inside a command, for a script about to start on another loop: it
/// announces itself (<see cref="ScriptingState.Running"/>) and then waits until no other loop is
/// mid-command, so no reader sees half of it. Both sides write then read with a full fence
/// between (Dekker's handshake): either the loop sees the script and waits, or the script sees the loop.
/// </summary>
internal sealed class LoopActivity
{
    private int _executing;

    public bool Executing => Volatile.Read(ref _executing) != 0;

    /// <summary>Marks the loop inside a command; the full fence orders it before the read of the running script.</summary>
    public void Enter() => Interlocked.Exchange(ref _executing, 1);

    public void Exit() => Volatile.Write(ref _executing, 0);
}
