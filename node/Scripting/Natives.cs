using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Istore.Node.Hosting;
using Microsoft.Extensions.Logging;
using static Istore.Node.Scripting.Native.LuaNative;

namespace Istore.Node.Scripting;

/// <summary>
/// The C functions the prelude wraps (n.call, n.sha1hex…) and the count hook. They run on the
/// thread inside lua_pcall and find the running script in <see cref="Current"/>. None raises a Lua
/// error (a longjmp must not cross these managed frames): failures come back as error tables.
/// </summary>
internal static unsafe class Natives
{
    [ThreadStatic] private static ScriptRun? t_current;

    [ThreadStatic] private static FunctionLoad? t_loading;

    /// <summary>The script running on this thread, if any.</summary>
    public static ScriptRun? Current { get => t_current; set => t_current = value; }

    /// <summary>The FUNCTION LOAD collecting register_function calls on this thread, if any.</summary>
    public static FunctionLoad? Loading { get => t_loading; set => t_loading = value; }

    /// <summary>n.call(...): runs a command; returns its reply and whether it is an error (redis.call raises it).</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static int Call(nint L)
    {
        InScript(L, "redis.call/pcall can only be called inside a script invocation", &ScriptCommandCall.Run);
        // An error table on top means: redis.call raises it, redis.pcall returns it.
        bool failed = Type(L, -1) == TypeTable && IsErrorTable(L);
        PushBoolean(L, failed ? 1 : 0);
        return 2;
    }

    /// <summary>
    /// Writes the script's table reply (its one argument) in the script's protocol. Called through
    /// lua_pcall, so the stack a deep table's conversion reserves belongs to this call and is given
    /// back after it; reserved at the interpreter's base level it would stay so for good.
    /// </summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static int WriteReply(nint L)
    {
        if (t_current is not { } run)
            return 0;
        var output = run.Caller.Output;
        int start = output.Length;
        try
        {
            LuaToResp.Write(L, output, run.Resp);
        }
        catch (Exception ex)
        {
            output.Truncate(start);
            output.WriteError("ERR internal error: " + ex.Message);
        }
        return 0;
    }

    /// <summary>n.aclcheck(...): a boolean, or an error table the prelude raises.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static int AclCheck(nint L)
    {
        InScript(L, "redis.acl_check_cmd can only be called inside a script invocation", &ScriptCommandCall.AclCheck);
        return 1;
    }

    /// <summary>Runs <paramref name="body"/> for this thread's script; outside a script, or when it throws, leaves an error table instead.</summary>
    private static void InScript(nint L, string outside, delegate*<ScriptRun, nint, void> body)
    {
        try
        {
            if (t_current is not { } run)
            {
                SetTop(L, 0);
                RespToLua.PushError(L, outside);
            }
            else
            {
                body(run, L);
            }
        }
        catch (Exception ex)
        {
            SetTop(L, 0);
            RespToLua.PushError(L, "internal error: " + ex.Message);
        }
    }

    private static bool IsErrorTable(nint L)
    {
        PushString(L, "err"u8);
        RawGet(L, -2);
        bool error = Type(L, -1) == TypeString;
        Pop(L, 1);
        return error;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static int Sha1Hex(nint L)
    {
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(ToSpan(L, 1), hash);
        PushString(L, System.Text.Encoding.ASCII.GetBytes(Convert.ToHexStringLower(hash)));
        return 1;
    }

    /// <summary>n.log(level, message): Redis's levels (debug, verbose, notice, warning) onto the node's log.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static int Log(nint L)
    {
        try
        {
            var level = (int)ToNumber(L, 1) switch { 0 => LogLevel.Debug, 1 => LogLevel.Debug, 2 => LogLevel.Information, _ => LogLevel.Warning };
            var logger = (t_current?.Caller.Node ?? t_loading?.Node)?.Logger;
            if (logger is not null)
                Hosting.Log.ScriptMessage(logger, level, System.Text.Encoding.UTF8.GetString(ToSpan(L, 2)));
        }
        catch
        {
            // a log line is never worth failing the script
        }
        return 0;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static int SetResp(nint L)
    {
        if (t_current is { } run)
            run.Resp = (int)ToNumber(L, 1);
        return 0;
    }

    /// <summary>n.set_repl(flags): whether the script's next writes are logged (checked by the prelude).</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static int SetRepl(nint L)
    {
        if (t_current is { } run)
            run.Logged = (int)ToNumber(L, 1) != 0;
        return 0;
    }

    /// <summary>n.register(name, callback, flags, description, argc): one function of a library being loaded; returns an error text or nothing.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static int Register(nint L)
    {
        string? error;
        try
        {
            error = t_loading is { } load ? load.Register(L) : "redis.register_function can only be called on FUNCTION LOAD command";
        }
        catch (Exception ex)
        {
            error = "internal error: " + ex.Message;
        }
        if (error is null)
            return 0;
        PushString(L, error);
        return 1;
    }

    /// <summary>Every 100,000 instructions: past the busy threshold, serve other clients (-BUSY, SCRIPT KILL); after a kill, stop the script.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static void CountHook(nint L, nint debug)
    {
        if (t_current is not { } run)
        {
            if (t_loading is { OverTime: true } load && !load.TimedOut)
            {
                load.TimedOut = true;
                load.Node.Scripts.Lua.RaiseAtNextInstruction();
            }
            return;
        }
        try
        {
            var node = run.Caller.Node;
            long threshold = node.Scripts.BusyThresholdMs;
            if (!run.Busy && threshold > 0 && run.ElapsedMs >= threshold)
            {
                run.MarkBusy();
                Hosting.Log.SlowScript(node.Logger, run.ElapsedMs, run.EvalMode ? "SCRIPT KILL" : "FUNCTION KILL", run.Name);
            }
            if (run.Busy)
                run.Caller.Connection.EventLoop?.ProcessEventsWhileBusy(run.Caller.Connection);
            if (!run.KillRequested)
                return;
            Hosting.Log.ScriptKilled(node.Logger, run.EvalMode ? "SCRIPT KILL" : "FUNCTION KILL");
            var ar = (Native.LuaDebug*)debug;
            if (GetInfo(L, "Sl"u8, ar) != 0 && ar->Source != null)
                run.KilledAt = (Marshal.PtrToStringUTF8((nint)ar->Source) ?? "?", ar->CurrentLine);
            node.Scripts.Lua.RaiseAtNextInstruction();
        }
        catch
        {
            // the hook must never throw into Lua
        }
    }

    private static int GetInfo(nint L, ReadOnlySpan<byte> what, Native.LuaDebug* ar)
    {
        Span<byte> text = stackalloc byte[what.Length + 1];
        what.CopyTo(text);
        fixed (byte* p = text)
            return Native.LuaNative.GetInfo(L, p, ar);
    }
}
