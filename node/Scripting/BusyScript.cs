using System.Runtime.InteropServices;
using Istore.Net.Commands;
using Istore.Net.Resp;
using Istore.Net.Server;

namespace Istore.Node.Scripting;

/// <summary>
/// Other clients while a script runs. On another event loop a command waits for the script, as
/// it would behind Redis's single thread, until the script passes the busy threshold; from then on
/// (and on the script's own loop, which serves clients from the script's count hook) every
/// command gets -BUSY except the ways out (SCRIPT KILL, FUNCTION KILL, SHUTDOWN NOSAVE) and FUNCTION STATS.
/// </summary>
internal static partial class BusyScript
{
    /// <summary>
    /// True when the command may run now (the script it waited for has ended); otherwise it was
    /// answered, or <paramref name="busy"/> is the -BUSY error to refuse it with (as any rejection: it dooms a transaction).
    /// </summary>
    public static bool Admit(ScriptingState scripting, ScriptRun script, CommandSpec spec, CommandArgs args, RespWriter output, out string? busy)
    {
        busy = null;
        if (script.ThreadId != Environment.CurrentManagedThreadId)
        {
            // Out of the way of the script's start-up handshake while waiting for it.
            var loop = ScriptingState.CurrentLoop;
            loop?.Exit();
            var spin = new SpinWait();
            while (scripting.Running == script && !script.Busy)
                spin.SpinOnce(sleep1Threshold: 10);
            loop?.Enter();
            if (scripting.Running != script)
                return scripting.Running is not { } next || Admit(scripting, next, spec, args, output, out busy);
        }
        bool kill = args.Count == 2 && spec.Name is "SCRIPT" or "FUNCTION" && System.Text.Ascii.EqualsIgnoreCase(args[1], "KILL"u8);
        if (kill)
        {
            if (ScriptChecks.KillReply(scripting, eval: spec.Name == "SCRIPT") is { } error)
                output.WriteError(error);
            else
                output.WriteOk();
            return false;
        }
        if (args.Count == 2 && spec.Name == "FUNCTION" && System.Text.Ascii.EqualsIgnoreCase(args[1], "STATS"u8))
        {
            Commands.FunctionCommands.Stats(output, scripting);
            return false;
        }
        if (spec.Name == "SHUTDOWN" && args.Count >= 2 && System.Text.Ascii.EqualsIgnoreCase(args[1], "NOSAVE"u8))
        {
            // The script cannot be unwound from here: leave at once. Its writes never got their
            // log group's closing EXEC, so a restart drops them, as Redis's effects would never have been propagated.
            Hosting.Log.ShutdownNoSaveWhileBusy(scripting.Node.Logger);
            Exit(0);
        }
        busy = script.BusyError;
        return false;
    }

    [LibraryImport("libc", EntryPoint = "_exit")]
    private static partial void Exit(int status);
}
