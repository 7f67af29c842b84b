using System.Globalization;
using Istore.Net.Commands;
using Istore.Net.Resp;
using Istore.Node.Hosting;
using static Istore.Node.Scripting.Native.LuaNative;

namespace Istore.Node.Scripting;

/// <summary>
/// redis.call / redis.pcall: the Lua arguments become a command, checked as Redis's scriptCall
/// checks it (unknown, arity, no-script, writes from read-only scripts or on a replica), run by
/// its handler on the caller's context inside the script's atomic scope, and its reply — written
/// in the script's protocol into the caller's output, then taken back out — pushed onto the stack.
/// </summary>
internal static class ScriptCommandCall
{
    [ThreadStatic] private static CommandArgs? t_args;

    private static readonly CommandSpec XRead = CommandTable.Find("XREAD")!, XReadGroup = CommandTable.Find("XREADGROUP")!;

    /// <summary>The last few command names scripts on this thread called, byte for byte, and their specs (a script calls the same few).</summary>
    [ThreadStatic] private static (byte[] Name, CommandSpec Spec)[]? t_recent;
    [ThreadStatic] private static int t_recentNext;

    public static void Run(ScriptRun run, nint L)
    {
        if (TakeArguments(L) is not { } args)
            return;
        var spec = FindCommand(args[0]);   // once: the checks and the dispatch share it
        if (Refusal(run, spec, args) is { } refusal)
        {
            CountRefusal(run.Caller, spec, refusal);
            RespToLua.PushError(L, refusal);
            PushString(L, "ignore_error_stats_update"u8);   // as Redis marks a refused call's error table
            PushBoolean(L, 1);
            RawSet(L, -3);
            return;
        }
        if (BlockingRead(spec!, args) is { } refused)
        {
            RespToLua.PushError(L, refused);
            return;
        }
        Execute(run, spec!, args, L);
    }

    /// <summary>As Redis's scriptCall: a refused call is the command's rejected call and an error reply, counted now, once.</summary>
    private static void CountRefusal(Commands.CommandContext c, CommandSpec? spec, string refusal)
    {
        if (spec is not null)
            c.Stats.Rejected[spec.Index]++;
        c.Stats.CountError(System.Text.Encoding.UTF8.GetBytes(refusal.StartsWith('-') ? refusal : "-ERR " + refusal));
        Interlocked.Increment(ref c.Node.Stats.ErrorReplies);
    }

    /// <summary>The Lua arguments as a command (the stack emptied), or null with Redis's error pushed.</summary>
    private static CommandArgs? TakeArguments(nint L)
    {
        int argc = GetTop(L);
        if (argc == 0)
        {
            RespToLua.PushError(L, "Please specify at least one argument for this redis lib call");
            return null;
        }
        var args = t_args ??= new CommandArgs();
        args.BeginBuild();
        Span<byte> number = stackalloc byte[32];
        for (int j = 1; j <= argc; j++)
        {
            if (Type(L, j) == TypeNumber)
            {
                args.Append(number[..FormatNumber(ToNumber(L, j), number)]);
                continue;
            }
            if (!TryToSpan(L, j, out var text))
            {
                SetTop(L, 0);
                RespToLua.PushError(L, "Lua redis lib command arguments must be strings or integers");
                return null;
            }
            args.Append(text);
        }
        SetTop(L, 0);
        return args;
    }

    /// <summary>redis.acl_check_cmd(command, args…): whether the script's user may run it (a boolean), or an error table.</summary>
    public static void AclCheck(ScriptRun run, nint L)
    {
        if (TakeArguments(L) is not { } args)
            return;
        if (FindCommand(args[0]) is not { } spec)
        {
            RespToLua.PushError(L, "Invalid command passed to redis.acl_check_cmd()");
            return;
        }
        var rules = run.Caller.Client.User.Rules;
        PushBoolean(L, rules.Unrestricted || Acl.AclCheck.Check(rules, spec, args, 0, [], out _) is null ? 1 : 0);
    }

    /// <summary>The command table's lookup (which folds case) behind an exact-bytes cache of the names called last.</summary>
    private static CommandSpec? FindCommand(ReadOnlySpan<byte> name)
    {
        var recent = t_recent ??= new (byte[], CommandSpec)[8];
        foreach (var (known, spec) in recent)
        {
            if (known is null)
                break;
            if (name.SequenceEqual(known))
                return spec;
        }
        var found = CommandTable.Find(name);
        if (found is not null)
        {
            recent[t_recentNext] = (name.ToArray(), found);
            t_recentNext = (t_recentNext + 1) % recent.Length;
        }
        return found;
    }

    /// <summary>XREAD / XREADGROUP with BLOCK: Redis's command refuses it from a script, naming the command as the script wrote it.</summary>
    private static string? BlockingRead(CommandSpec spec, CommandArgs args)
    {
        if (spec != XRead && spec != XReadGroup)
            return null;
        for (int i = 1; i < args.Count; i++)
        {
            if (System.Text.Ascii.EqualsIgnoreCase(args[i], "STREAMS"u8))
                break;
            if (System.Text.Ascii.EqualsIgnoreCase(args[i], "BLOCK"u8))
                return "-ERR " + args.ToString(0) + " command is not allowed with BLOCK option from scripts";
        }
        return null;
    }

    /// <summary>Redis's "%.17g": no precision lost (Lua's own number-to-string keeps 14 digits).</summary>
    private static int FormatNumber(double value, Span<byte> into)
    {
        // Whole numbers below 2^53 (TTLs, counts, indexes: nearly every number a script passes) print as
        // "%.17g" prints them, digit for digit, without a string.
        if (Math.Abs(value) < 9007199254740992d && value == Math.Floor(value) && !(value == 0 && double.IsNegative(value)))
        {
            System.Buffers.Text.Utf8Formatter.TryFormat((long)value, into, out int written);
            return written;
        }
        string text = double.IsPositiveInfinity(value) ? "inf" : double.IsNegativeInfinity(value) ? "-inf" : double.IsNaN(value) ? "nan"
            : value.ToString("G17", CultureInfo.InvariantCulture).Replace('E', 'e');
        return System.Text.Encoding.ASCII.GetBytes(text, into);
    }

    /// <summary>Why the script may not run this command (Redis's wording), or null.</summary>
    private static string? Refusal(ScriptRun run, CommandSpec? spec, CommandArgs args)
    {
        if (spec is null || (spec.IsContainer && !KnownSubcommand(spec, args)))
            return "Unknown Redis command called from script";
        if (!spec.AcceptsArgCount(args.Count))
            return "Wrong number of args calling Redis command from script";
        // Blocking commands are no-script in Redis 7, except XREAD/XREADGROUP, which refuse only BLOCK.
        if (((spec.Flags & CommandFlags.NoScript) != 0 || ((spec.Flags & CommandFlags.Blocking) != 0 && spec.Name is not ("XREAD" or "XREADGROUP")))
            && !(spec.Name == "DEBUG" && run.Caller.Node.Scripts.DebugFromScriptsAllowed) || spec.SubcommandHas(args, CommandFlags.NoScript))
            return "This Redis command is not allowed from script";
        if (AclRefusal(run, spec, args) is { } refusal)
            return refusal;
        if ((spec.Flags & CommandFlags.Write) == 0)
            return null;
        if (run.ReadOnly)
            return "Write commands are not allowed from read-only scripts.";
        if (!run.Wrote)
        {
            var replication = run.Caller.Node.Replication;
            if (replication.IsReplica)
                return "-READONLY You can't write against a read only replica.";
            if (run.Caller.Node.Database.Log.Failure is { } failure)
                return "-MISCONF " + failure;
            if (replication.TooFewReplicas)
                return "-NOREPLICAS Not enough good replicas to write.";
            // Redis's scriptVerifyOOM: over maxmemory (eviction, if any, ran before the script) a script
            // without allow-oom may not start writing; once it wrote it cannot be stopped halfway.
            if ((spec.Flags & CommandFlags.DenyOom) != 0 && (run.Flags & ScriptFlags.AllowOom) == 0 && run.Caller.Node.Database.OverMemoryLimit)
                return "-" + Commands.Errors.OutOfMemory;
        }
        run.Wrote = true;
        return null;
    }

    /// <summary>Redis looks a container's call up by its subcommand: one it does not have is an unknown command.</summary>
    private static bool KnownSubcommand(CommandSpec spec, CommandArgs args)
    {
        var subcommands = CommandTable.SubcommandsOf(spec.Name);
        if (subcommands.Count == 0)
            return true;   // no list here (DEBUG): the handler judges
        if (args.Count < 2)
            return true;   // the container alone: its arity refuses it
        foreach (var sub in subcommands)
            if (System.Text.Ascii.EqualsIgnoreCase(args[1], sub.Name))
                return true;
        return false;
    }

    /// <summary>A script runs as its caller's user: each call is checked as Redis's scriptVerifyACL.</summary>
    private static string? AclRefusal(ScriptRun run, CommandSpec spec, CommandArgs args)
    {
        var c = run.Caller;
        var rules = c.Client.User.Rules;
        if (rules.Unrestricted || Acl.AclCheck.Check(rules, spec, args, 0, [], out int at) is not { } denial)
            return null;
        Acl.AclConnections.Log(c.Node, c.Connection, c.Client, denial, "lua", spec, args, 0, at);
        return "The user executing the script " + Acl.AclCheck.Reason(denial);
    }

    private static void Execute(ScriptRun run, CommandSpec spec, CommandArgs args, nint L)
    {
        var c = run.Caller;
        var output = c.Output;
        var (savedArgs, savedSpec, savedProtocol) = (c.Args, c.Spec, output.Protocol);
        int start = output.Length;
        output.Protocol = run.Resp;
        c.ScriptCommand = (savedSpec, savedArgs);
        c.Args = args;
        c.Spec = spec;
        c.Keyspace.Unlogged = !run.Logged;
        try
        {
            // Timed from the previous call's end: the Lua in between counts towards this call (one clock read a call).
            run.CallClock = NodeWorker.Dispatch(c, run.CallClock);
            var reply = output.WrittenSpan[start..];
            int pos = 0;
            RespToLua.Push(L, reply, ref pos);
        }
        finally
        {
            c.Keyspace.Unlogged = false;
            c.ScriptCommand = null;
            output.Truncate(start);
            output.Protocol = savedProtocol;
            (c.Args, c.Spec) = (savedArgs, savedSpec);
        }
    }
}
