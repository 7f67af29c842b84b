using System.Text;
using Istore.Node.Scripting;

namespace Istore.Node.Commands;

/// <summary>
/// EVAL EVALSHA EVAL_RO EVALSHA_RO and SCRIPT LOAD|EXISTS|FLUSH|KILL. A script runs atomically
/// (see <see cref="ScriptRunner"/>); its writes reach the log and the replicas as their effects.
/// </summary>
public static class ScriptingCommands
{
    private static readonly (string Name, int Arity)[] ScriptSubcommands =
        [("LOAD", 3), ("EXISTS", -3), ("FLUSH", -2), ("KILL", 2), ("HELP", 2)];

    public static void Register(HandlerTable t)
    {
        t.Add("EVAL", c => Eval(c, sha: false, readOnly: false));
        t.Add("EVALSHA", c => Eval(c, sha: true, readOnly: false));
        t.Add("EVAL_RO", c => Eval(c, sha: false, readOnly: true));
        t.Add("EVALSHA_RO", c => Eval(c, sha: true, readOnly: true));
        t.Add("SCRIPT", Script);
    }

    /// <summary>numkeys as Redis checks it for EVAL and FCALL; false after the error reply.</summary>
    internal static bool TryNumKeys(CommandContext c, out int numKeys, string notInteger = Errors.NotInteger)
    {
        numKeys = 0;
        if (!RedisNumber.TryParseInt64(c.Arg(2), out long n))
        {
            c.Output.WriteError(notInteger);
            return false;
        }
        if (n > c.Count - 3)
        {
            c.Output.WriteError("ERR Number of keys can't be greater than number of args");
            return false;
        }
        if (n < 0)
        {
            c.Output.WriteError("ERR Number of keys can't be negative");
            return false;
        }
        numKeys = (int)n;
        return true;
    }

    /// <summary>SCRIPT FLUSH and FUNCTION FLUSH take nothing or ASYNC or SYNC (both flush at once here).</summary>
    internal static bool IsFlushMode(CommandContext c) => c.Count == 2 || (c.Count == 3 && (c.ArgIs(2, "ASYNC"u8) || c.ArgIs(2, "SYNC"u8)));

    private static void Eval(CommandContext c, bool sha, bool readOnly)
    {
        if (!TryNumKeys(c, out int numKeys))
            return;
        var scripting = c.Node.Scripts;
        string name, registryKey;
        ScriptFlags flags;
        if (sha)
        {
            if (!scripting.TryGetScript(c.Arg(1), out name, out flags, out registryKey))
            {
                c.Output.WriteError("NOSCRIPT No matching script. Please use EVAL.");
                return;
            }
        }
        else if (scripting.Load(c.Arg(1), out name, out flags) is { } error)
        {
            c.Output.WriteError(error);
            return;
        }
        else
        {
            registryKey = ScriptingState.RegistryKey(name);
        }
        if (ScriptChecks.Refusal(c, flags, readOnly) is { } refusal)
        {
            c.Output.WriteError(refusal);
            return;
        }
        bool noWrites = readOnly || ((flags & ScriptFlags.EvalCompat) == 0 && (flags & ScriptFlags.NoWrites) != 0);
        var run = new ScriptRun(c, name, evalMode: true, noWrites, flags);
        ScriptRunner.Run(scripting, run, registryKey, c.Args, 3, numKeys);
    }

    private static void Script(CommandContext c)
    {
        int sub = Subcommands.Find(c, "script", ScriptSubcommands);
        var scripting = c.Node.Scripts;
        switch (sub)
        {
            case 0:
                if (scripting.Load(c.Arg(2), out string sha, out _) is { } error)
                    c.Output.WriteError(error);
                else
                    c.Output.WriteBulkString(sha);
                return;
            case 1:
                c.Output.WriteArrayHeader(c.Count - 2);
                for (int i = 2; i < c.Count; i++)
                    c.Output.WriteInteger(scripting.TryGetScript(Encoding.ASCII.GetString(c.Arg(i)).ToLowerInvariant(), out _) ? 1 : 0);
                return;
            case 2:
                if (!IsFlushMode(c))
                {
                    c.Output.WriteError("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
                    return;
                }
                scripting.Flush();
                c.Output.WriteOk();
                return;
            case 3:
                ScriptChecks.Kill(c, eval: true);
                return;
            case 4:
                HelpReply.Write(c, "SCRIPT",
                [
                    "EXISTS <sha1> [<sha1> ...]", "    Return information about the existence of the scripts in the script cache.",
                    "FLUSH [ASYNC|SYNC]", "    Flush the Lua scripts cache. Very dangerous on replicas.",
                    "KILL", "    Kill the currently executing Lua script.",
                    "LOAD <script>", "    Load a script into the scripts cache without executing it.",
                ]);
                return;
        }
    }
}
