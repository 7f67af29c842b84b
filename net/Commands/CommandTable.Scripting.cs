namespace Istore.Net.Commands;

public static partial class CommandTable
{
    private static void AddScripting(List<CommandSpec> t)
    {
        const string g = "scripting";
        const CommandFlags S = CommandFlags.NoScript | CommandFlags.Stale;
        const CommandFlags AB = CommandFlags.AllowBusy;
        // A script call may name no keys; MONITOR shows the script's commands rather than the call.
        const CommandFlags E = S | CommandFlags.NoMandatoryKeys | CommandFlags.SkipMonitor;
        const string Script = "Depends on the script that is executed.", Function = "Depends on the function that is executed.";
        const string Call = " numkeys:integer [key:key...] [arg...]";
        // The keys are the numkeys arguments after argument 2 (Redis's "movablekeys"): the proxy routes on them.
        Add(t, g, "EVAL", -3, E, 0, 0, 0, "Executes a server-side Lua script.", numKeysAt: 2, keys: "RW access update i2 n0,1,1 # We cannot tell how the keys will be used so we assume the worst, RW and UPDATE",
            docs: Doc("2.6.0", Script, "script" + Call));
        Add(t, g, "EVALSHA", -3, E, 0, 0, 0, "Executes a server-side Lua script by SHA1 digest.", numKeysAt: 2, keys: "RW access update i2 n0,1,1",
            docs: Doc("2.6.0", Script, "sha1" + Call));
        Add(t, g, "EVAL_RO", -3, E | R, 0, 0, 0, "Executes a read-only server-side Lua script.", numKeysAt: 2, keys: "RO access i2 n0,1,1 # We cannot tell how the keys will be used so we assume the worst, RO and ACCESS",
            docs: Doc("7.0.0", Script, "script" + Call));
        Add(t, g, "EVALSHA_RO", -3, E | R, 0, 0, 0, "Executes a read-only server-side Lua script by SHA1 digest.", numKeysAt: 2, keys: "RO access i2 n0,1,1",
            docs: Doc("7.0.0", Script, "sha1" + Call));
        Add(t, g, "FCALL", -3, E, 0, 0, 0, "Invokes a function.", numKeysAt: 2, keys: "RW access update i2 n0,1,1 # We cannot tell how the keys will be used so we assume the worst, RW and UPDATE",
            docs: Doc("7.0.0", Function, "function" + Call));
        Add(t, g, "FCALL_RO", -3, E | R, 0, 0, 0, "Invokes a read-only function.", numKeysAt: 2, keys: "RO access i2 n0,1,1 # We cannot tell how the keys will be used so we assume the worst, RO and ACCESS",
            docs: Doc("7.0.0", Function, "function" + Call));
        Add(t, g, "SCRIPT", -2, S | AB, 0, 0, 0, "A container for Lua scripts management commands (LOAD, EXISTS, FLUSH, KILL, HELP).",
            docs: Doc("2.6.0", BySubcommand));
        t.Add(new CommandSpec("FUNCTION", -2, S | AB, 0, 0, 0, g, "A container for function commands (LOAD, LIST, DELETE, FLUSH, DUMP, RESTORE, STATS, KILL, HELP).")
        {
            SubcommandFlags = [("LOAD", CommandFlags.DenyOom), ("RESTORE", CommandFlags.DenyOom)],
            Docs = Doc("7.0.0", BySubcommand),
        });
    }
}
