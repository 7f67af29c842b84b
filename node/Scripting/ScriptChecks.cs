using Istore.Node.Commands;

namespace Istore.Node.Scripting;

/// <summary>What Redis checks before a script or function runs (scriptPrepareForRun), and SCRIPT/FUNCTION KILL.</summary>
internal static class ScriptChecks
{
    /// <summary>Why a script with these flags may not run here now, or null.</summary>
    public static string? Refusal(CommandContext c, ScriptFlags flags, bool readOnlyCommand)
    {
        if ((flags & ScriptFlags.EvalCompat) != 0 || (flags & ScriptFlags.NoWrites) != 0)
            return null;
        var replication = c.Node.Replication;
        if (replication.IsReplica)
            return "READONLY Can not run script with write flag on readonly replica";
        if (c.Node.Database.Log.Failure is { } failure)
            return "MISCONF " + failure;
        if (readOnlyCommand)
            return "ERR Can not execute a script with write flag using *_ro command.";
        if (replication.TooFewReplicas)
            return "NOREPLICAS Not enough good replicas to write.";
        // A script that declared flags and may write is deny-oom itself in Redis (scriptFlagsToCmdFlags).
        if ((flags & ScriptFlags.AllowOom) == 0 && c.Node.Database.OverMemoryLimit)
            return Errors.OutOfMemory;
        return null;
    }

    /// <summary>SCRIPT KILL (<paramref name="eval"/>) or FUNCTION KILL, from any client while a script runs.</summary>
    public static void Kill(CommandContext c, bool eval)
    {
        if (KillReply(c.Node.Scripts, eval) is { } error)
            c.Output.WriteError(error);
        else
            c.Output.WriteOk();
    }

    /// <summary>Kills the running script if allowed; returns the error to reply, or null for +OK (written by the caller).</summary>
    public static string? KillReply(ScriptingState scripting, bool eval)
    {
        var run = scripting.Running;
        if (run is null)
            return "NOTBUSY No scripts in execution right now.";
        if (run.Wrote)
            return "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.";
        if (eval && !run.EvalMode)
            return "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";
        if (!eval && run.EvalMode)
            return "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
        run.RequestKill();
        return null;
    }
}
