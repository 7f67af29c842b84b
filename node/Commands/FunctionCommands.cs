using System.Text;
using Istore.Node.Keyspace;
using Istore.Node.Scripting;

namespace Istore.Node.Commands;

/// <summary>FUNCTION LOAD|LIST|DELETE|FLUSH|STATS|KILL|DUMP|RESTORE and FCALL / FCALL_RO.</summary>
public static class FunctionCommands
{
    private static readonly (string Name, int Arity)[] FunctionSubcommands =
        [("LOAD", -3), ("LIST", -2), ("DELETE", 3), ("FLUSH", -2), ("STATS", 2), ("KILL", 2), ("DUMP", 2), ("RESTORE", -3), ("HELP", 2)];

    public static void Register(HandlerTable t)
    {
        t.Add("FCALL", c => Call(c, readOnly: false));
        t.Add("FCALL_RO", c => Call(c, readOnly: true));
        t.Add("FUNCTION", Function);
    }

    private static void Call(CommandContext c, bool readOnly)
    {
        var scripting = c.Node.Scripts;
        var function = scripting.Functions.Find(c.ArgString(1));
        if (function is null)
        {
            c.Output.WriteError("ERR Function not found");
            return;
        }
        if (!ScriptingCommands.TryNumKeys(c, out int numKeys, "ERR Bad number of keys provided"))
            return;
        if (ScriptChecks.Refusal(c, function.Flags, readOnly) is { } refusal)
        {
            c.Output.WriteError(refusal);
            return;
        }
        bool noWrites = readOnly || (function.Flags & ScriptFlags.NoWrites) != 0;
        var run = new ScriptRun(c, function.Name, evalMode: false, noWrites, function.Flags);
        ScriptRunner.Run(scripting, run, function.RegistryKey, c.Args, 3, numKeys);
    }

    private static void Function(CommandContext c)
    {
        var scripting = c.Node.Scripts;
        var libraries = scripting.Functions;
        int sub = Subcommands.Find(c, "function", FunctionSubcommands);
        if (sub is 0 or 2 or 3 or 7 && !c.Keyspace.Replaying && c.Node.Replication.IsReplica)
        {
            c.Output.WriteError("READONLY You can't write against a read only replica.");
            return;
        }
        if (sub is 0 or 2 or 3 or 6 or 7)
        {
            // Under the keyspace write lock: changes are logged, and a full sync captures the libraries under it.
            using var write = c.Keyspace.Lock();
            Change(c, sub);
            return;
        }
        switch (sub)
        {
            case 1:
                List(c, libraries);
                return;
            case 4:
                Stats(c.Output, scripting);
                return;
            case 5:
                ScriptChecks.Kill(c, eval: false);
                return;
            case 8:
                HelpReply.Write(c, "FUNCTION",
                [
                    "FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                    "LOAD [REPLACE] <FUNCTION CODE>",
                    "    Create a new library with the given library name and code.",
                    "DELETE <LIBRARY NAME>",
                    "    Delete the given library.",
                    "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
                    "    Return general information on all the libraries:",
                    "    * Library name",
                    "    * The engine used to run the Library",
                    "    * Library description",
                    "    * Functions list",
                    "    * Library code (if WITHCODE is given)",
                    "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
                    "STATS",
                    "    Return information about the current function running:",
                    "    * Function name",
                    "    * Command used to run the function",
                    "    * Duration in MS that the function is running",
                    "    If no function is running, return nil",
                    "    In addition, returns a list of available engines.",
                    "KILL",
                    "    Kill the current running function.",
                    "FLUSH [ASYNC|SYNC]",
                    "    Delete all the libraries.",
                    "    When called without the optional mode argument, the behavior is determined by the",
                    "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
                    "    * ASYNC: Asynchronously flush the libraries.",
                    "    * SYNC: Synchronously flush the libraries.",
                    "DUMP",
                    "    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
                    "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
                    "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
                    "    control how to handle existing libraries (default APPEND):",
                    "    * FLUSH: delete all existing libraries.",
                    "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
                    "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
                    "      libraries with the new libraries (notice that even on this option there is a chance of failure",
                    "      in case of functions name collision with another library).",
                    "HELP",
                    "    Prints this help.",
                ]);
                return;
        }
    }

    /// <summary>LOAD, DELETE, FLUSH, DUMP and RESTORE, under the write lock.</summary>
    private static void Change(CommandContext c, int sub)
    {
        var scripting = c.Node.Scripts;
        var libraries = scripting.Functions;
        switch (sub)
        {
            case 0:
                Load(c, scripting);
                return;
            case 2:
                if (libraries.Delete(scripting, c.ArgString(2)))
                {
                    FunctionPersistence.Changed(c);
                    c.Output.WriteOk();
                }
                else
                {
                    c.Output.WriteError("ERR Library not found");
                }
                return;
            case 3:
                if (c.Count > 3)
                {
                    Subcommands.SyntaxError(c, "function");
                    return;
                }
                if (!ScriptingCommands.IsFlushMode(c))
                {
                    c.Output.WriteError("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
                    return;
                }
                libraries.Flush(scripting);
                FunctionPersistence.Changed(c);
                c.Output.WriteOk();
                return;
            case 6:
                c.Output.WriteBulkString(libraries.Dump());
                return;
            case 7:
                Restore(c, scripting);
                return;
        }
    }

    private static void Load(CommandContext c, ScriptingState scripting)
    {
        bool replace = false;
        for (int i = 2; i < c.Count - 1; i++)
        {
            if (!c.ArgIs(i, "REPLACE"u8))
            {
                c.Output.WriteError($"ERR Unknown option given: {c.ArgString(i)}");
                return;
            }
            replace = true;
        }
        if (scripting.Functions.Load(scripting, c.Arg(c.Count - 1), replace, out string name) is { } error)
        {
            c.Output.WriteError(error);
            return;
        }
        FunctionPersistence.Changed(c);
        c.Output.WriteBulkString(name);
    }

    /// <summary>FUNCTION RESTORE payload [FLUSH|APPEND|REPLACE]</summary>
    private static void Restore(CommandContext c, ScriptingState scripting)
    {
        if (c.Count > 4)
        {
            Subcommands.SyntaxError(c, "function");
            return;
        }
        var policy = RestorePolicy.Append;
        if (c.Count == 4)
        {
            if (c.ArgIs(3, "FLUSH"u8)) policy = RestorePolicy.Flush;
            else if (c.ArgIs(3, "REPLACE"u8)) policy = RestorePolicy.Replace;
            else if (!c.ArgIs(3, "APPEND"u8))
            {
                c.Output.WriteError("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
                return;
            }
        }
        if ((Dump.FunctionPayload.TryRead(c.Arg(2), out var codes) ?? scripting.Functions.Restore(scripting, codes, policy)) is { } error)
        {
            c.Output.WriteError(error);
            return;
        }
        FunctionPersistence.Changed(c);
        c.Output.WriteOk();
    }

    private static void List(CommandContext c, FunctionLibraries libraries)
    {
        bool withCode = false;
        GlobPattern? pattern = null;
        for (int i = 2; i < c.Count; i++)
        {
            // Each option once, as Redis: a second one is an unknown argument.
            if (!withCode && c.ArgIs(i, "WITHCODE"u8))
            {
                withCode = true;
            }
            else if (pattern is null && c.ArgIs(i, "LIBRARYNAME"u8))
            {
                if (i + 1 == c.Count)
                {
                    c.Output.WriteError("ERR library name argument was not given");
                    return;
                }
                pattern = new GlobPattern(c.Arg(++i).ToArray());
            }
            else
            {
                c.Output.WriteError($"ERR Unknown argument {c.ArgString(i)}");
                return;
            }
        }
        var w = c.Output;
        var selected = libraries.Libraries.Where(l => pattern is null || pattern.IsMatch(Encoding.UTF8.GetBytes(l.Name))).ToList();
        w.WriteArrayHeader(selected.Count);
        foreach (var library in selected)
        {
            w.WriteMapHeader(withCode ? 4 : 3);
            w.WriteBulkString("library_name");
            w.WriteBulkString(library.Name);
            w.WriteBulkString("engine");
            w.WriteBulkString("LUA");
            w.WriteBulkString("functions");
            w.WriteArrayHeader(library.Functions.Count);
            foreach (var f in library.Functions)
            {
                w.WriteMapHeader(3);
                w.WriteBulkString("name");
                w.WriteBulkString(f.Name);
                w.WriteBulkString("description");
                if (f.Description is null) w.WriteNull();
                else w.WriteBulkString(f.Description);
                w.WriteBulkString("flags");
                var names = FlagNames(f.Flags);
                w.WriteSetHeader(names.Count);
                foreach (var n in names)
                    w.WriteSimpleString(n);
            }
            if (withCode)
            {
                w.WriteBulkString("library_code");
                w.WriteBulkString(library.Code);
            }
        }
    }

    private static List<string> FlagNames(ScriptFlags flags)
    {
        var names = new List<string>();
        if ((flags & ScriptFlags.NoWrites) != 0) names.Add("no-writes");
        if ((flags & ScriptFlags.AllowOom) != 0) names.Add("allow-oom");
        if ((flags & ScriptFlags.AllowStale) != 0) names.Add("allow-stale");
        if ((flags & ScriptFlags.NoCluster) != 0) names.Add("no-cluster");
        if ((flags & ScriptFlags.AllowCrossSlotKeys) != 0) names.Add("allow-cross-slot-keys");
        return names;
    }

    /// <summary>FUNCTION STATS; also answered while a script is busy (Redis's allow-busy), hence no command context.</summary>
    internal static void Stats(Istore.Net.Resp.RespWriter w, ScriptingState scripting)
    {
        w.WriteMapHeader(2);
        w.WriteBulkString("running_script");
        if (scripting.Running is { EvalMode: false } run)
        {
            w.WriteMapHeader(3);
            w.WriteBulkString("name");
            w.WriteBulkString(run.Name);
            w.WriteBulkString("command");
            w.WriteArrayHeader(run.CommandLine.Length);
            foreach (var arg in run.CommandLine)
                w.WriteBulkString(arg);
            w.WriteBulkString("duration_ms");
            w.WriteInteger(run.ElapsedMs);
        }
        else
        {
            w.WriteNull();
        }
        w.WriteBulkString("engines");
        w.WriteMapHeader(1);
        w.WriteBulkString("LUA");
        w.WriteMapHeader(2);
        w.WriteBulkString("libraries_count");
        w.WriteInteger(scripting.Functions.Libraries.Count);
        w.WriteBulkString("functions_count");
        w.WriteInteger(scripting.Functions.FunctionCount);
    }
}
