using System.Text;
using Istore.Net.Resp;
using static Istore.Node.Scripting.Native.LuaNative;

namespace Istore.Node.Scripting;

/// <summary>
/// Runs one compiled script or function atomically: under the keyspace's atomic write scope (no
/// other command interleaves; its writes are logged as one MULTI…EXEC group, so the log and the
/// replicas get its effects, never the script), with the count hook watching the busy threshold,
/// then writes the reply or Redis's error text.
/// </summary>
internal static unsafe class ScriptRunner
{
    private static int s_gcCountdown = 50;

    /// <param name="first">The argument index of the first key; <paramref name="numKeys"/> keys, then the script's arguments.</param>
    public static void Run(ScriptingState scripting, ScriptRun run, string registryKey, CommandArgs args, int first, int numKeys)
    {
        var c = run.Caller;
        var lua = scripting.Lua;
        scripting.BeginRun(run, c.Keyspace.Database.Lock);
        try
        {
            RunAtomically(scripting, run, lua, registryKey, args, first, numKeys);
        }
        finally
        {
            scripting.EndRun();
        }
    }

    private static void RunAtomically(ScriptingState scripting, ScriptRun run, LuaEngine lua, string registryKey, CommandArgs args, int first, int numKeys)
    {
        var c = run.Caller;
        using var atomic = c.Keyspace.Atomic();
        lock (lua.Gate)
        {
            var L = lua.State;
            int top = GetTop(L);
            bool wasInTransaction = c.Client.InTransaction;
            try
            {
                lua.PushErrorHandler();
                RegistryTables.Get(L, run.EvalMode ? RegistryTables.Scripts : RegistryTables.Functions, registryKey);
                int argCount = 0;
                if (run.EvalMode)
                {
                    SetGlobalArray(L, "KEYS"u8, args, first, numKeys);
                    SetGlobalArray(L, "ARGV"u8, args, first + numKeys, args.Count - first - numKeys);
                }
                else
                {
                    PushArray(L, args, first, numKeys);
                    PushArray(L, args, first + numKeys, args.Count - first - numKeys);
                    argCount = 2;
                }
                c.Client.InTransaction = true;   // blocking commands answer at once, as inside MULTI
                Natives.Current = run;
                if (scripting.BusyThresholdMs > 0)
                    lua.SetCountHook(true);
                int status = PCall(L, argCount, 1, top + 1);
                lua.SetCountHook(false);
                Reply(run, L, status);
            }
            finally
            {
                Natives.Current = null;
                c.Client.InTransaction = wasInTransaction;
                SetTop(L, top);
                if (--s_gcCountdown == 0)
                {
                    s_gcCountdown = 50;
                    Gc(L, GcStep, 50);   // a little incremental collection now and then, not a full cycle's pause
                }
            }
        }
    }

    private static void Reply(ScriptRun run, nint L, int status)
    {
        var w = run.Caller.Output;
        if (run.KillRequested)
        {
            var where = run.KilledAt is { } at ? $" script: {run.Name}, on {at.Source}:{at.Line}." : "";
            w.WriteError("ERR Script killed by user with " + (run.EvalMode ? "SCRIPT" : "FUNCTION") + " KILL..." + where);
            return;
        }
        if (status == 0)
        {
            run.Caller.ErrorCountedEarlier = CountedEarlier(L);
            if (Type(L, -1) != TypeTable)
            {
                LuaToResp.Write(L, w, run.Resp);
                return;
            }
            PushCClosure(L, &Natives.WriteReply, 0);
            PushValue(L, -2);
            if (PCall(L, 1, 0, 0) != 0)   // the call could not start: no memory for its stack
                w.WriteError("ERR the script's reply could not be converted: out of memory");
            return;
        }
        if (Type(L, -1) != TypeTable)
        {
            var message = TryToSpan(L, -1, out var text) ? Encoding.UTF8.GetString(text) : "execution failure";
            if (message.Length > 100) message = message[..100];
            w.WriteError(OneLine($"ERR Error running script {run.Name}, {message}"));
            return;
        }
        run.Caller.ErrorCountedEarlier = CountedEarlier(L);
        string error = StringField(L, "err") ?? "ERR unknown error";
        string? source = StringField(L, "source");
        string? line = StringField(L, "line");
        w.WriteError(OneLine(source is not null && line is not null ? $"{error} script: {run.Name}, on {source}:{line}." : error));
    }

    /// <summary>An error table a failed or refused redis.call made: its error is in errorstats already.</summary>
    private static bool CountedEarlier(nint L)
    {
        if (Type(L, -1) != TypeTable)
            return false;
        PushString(L, "ignore_error_stats_update");
        RawGet(L, -2);
        bool counted = ToBoolean(L, -1) != 0;
        Pop(L, 1);
        return counted;
    }

    private static string? StringField(nint L, string name)
    {
        PushString(L, name);
        RawGet(L, -2);
        string? value = Type(L, -1) is TypeString or TypeNumber ? Encoding.UTF8.GetString(ToSpan(L, -1)) : null;
        Pop(L, 1);
        return value;
    }

    private static string OneLine(string text) => text.Replace('\r', ' ').Replace('\n', ' ');

    private static void PushArray(nint L, CommandArgs args, int from, int count)
    {
        CreateTable(L, count, 0);
        for (int i = 0; i < count; i++)
        {
            PushString(L, args[from + i]);
            RawSetI(L, -2, i + 1);
        }
    }

    /// <summary>KEYS and ARGV are globals in EVAL: set raw, past the globals protection.</summary>
    private static void SetGlobalArray(nint L, ReadOnlySpan<byte> name, CommandArgs args, int from, int count)
    {
        PushString(L, name);
        PushArray(L, args, from, count);
        RawSet(L, GlobalsIndex);
    }
}
