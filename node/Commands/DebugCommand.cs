using Istore.Node.Engine;

namespace Istore.Node.Commands;

/// <summary>
/// The DEBUG subcommands Redis's test suites lean on, where they make sense here: SLEEP,
/// SET-ACTIVE-EXPIRE, PAUSE-CRON, OBJECT, PROTOCOL, SET-DISABLE-DENY-SCRIPTS, and harmless no-ops for
/// knobs of Redis's own encodings (QUICKLIST-PACKED-THRESHOLD, LISTPACK…, CHANGE-REPL-ID). DIGEST and
/// DIGEST-VALUE live with replication.
/// </summary>
internal static class DebugCommand
{
    private static readonly string[] Help =
    [
        "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CHANGE-REPL-ID",
        "    Accepted; the replication id changes only on failover here.",
        "DIGEST",
        "    Output a hex signature representing the current DB content.",
        "DIGEST-VALUE <key> [<key> ...]",
        "    Output a hex signature of the values of all the specified keys.",
        "OBJECT <key>",
        "    Show low level info about the <key> and associated value.",
        "PROTOCOL <type>",
        "    Reply with a test value of the specified type. <type> can be: string,",
        "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
        "    true, false.",
        "QUICKLIST-PACKED-THRESHOLD <size>",
        "    Accepted; lists have no quicklist here.",
        "PAUSE-CRON <0|1>",
        "    Stop periodic cron job processing (here: active expiry and eviction).",
        "REPLYBUFFER PEAK-RESET-TIME <never|reset|time> | RESIZING <0|1>",
        "    Accepted; a reply buffer here is given back only when its client idles.",
        "SET-ACTIVE-EXPIRE <0|1>",
        "    Setting it to 0 disables expiring keys in background when they are not accessed.",
        "SET-DISABLE-DENY-SCRIPTS <0|1>",
        "    Setting it to 1 lets scripts call DEBUG.",
        "SLEEP <seconds>",
        "    Stop the server for <seconds>. Decimals allowed.",
        "HELP",
        "    Prints this help.",
    ];

    /// <summary>Accepted and ignored: they tune representations this node does not have.</summary>
    private static readonly HashSet<string> NoOps = new(StringComparer.OrdinalIgnoreCase)
    {
        "CHANGE-REPL-ID", "QUICKLIST-PACKED-THRESHOLD", "LOG", "SET-SKIP-CHECKSUM-VALIDATION", "STRINGMATCH-LEN", "REPLYBUFFER",
    };

    public static void Execute(CommandContext c)
    {
        var sub = c.ArgString(1);
        if (c.ArgIs(1, "HELP"u8))
            HelpReply.Write(c, "debug", Help);
        else if (c.ArgIs(1, "SLEEP"u8) && c.Count == 3)
            Sleep(c);
        else if (c.ArgIs(1, "SET-ACTIVE-EXPIRE"u8) && c.Count == 3)
        {
            if (!c.TryInt64(2, out long on))
                return;
            c.Node.Database.ActiveExpiry = on != 0;
            c.Output.WriteOk();
        }
        else if (c.ArgIs(1, "PAUSE-CRON"u8) && c.Count == 3)
        {
            if (!c.TryInt64(2, out long pause))
                return;
            c.Node.Database.CronPaused = pause != 0;
            c.Output.WriteOk();
        }
        else if (c.ArgIs(1, "OBJECT"u8) && c.Count == 3)
            Object(c);
        else if (c.ArgIs(1, "PROTOCOL"u8) && c.Count == 3)
            DebugProtocol.Write(c.Output, c.ArgString(2));
        else if (c.ArgIs(1, "SET-DISABLE-DENY-SCRIPTS"u8) && c.Count == 3)
        {
            c.Node.Scripts.DebugFromScriptsAllowed = long.TryParse(c.ArgString(2), out long on) && on != 0;
            c.Output.WriteOk();
        }
        else if (NoOps.Contains(sub))
            c.Output.WriteOk();
        else
            c.Output.WriteError($"ERR unknown subcommand '{CommandErrors.Truncate(sub)}'. Try DEBUG HELP.");
    }

    /// <summary>Blocks this event loop, as Redis's DEBUG SLEEP blocks the server (0 yields once).</summary>
    private static void Sleep(CommandContext c)
    {
        if (!double.TryParse(c.ArgString(2), System.Globalization.CultureInfo.InvariantCulture, out double seconds) || seconds < 0 || double.IsNaN(seconds))
        {
            c.Output.WriteError("ERR value is not a valid float");
            return;
        }
        Thread.Sleep(TimeSpan.FromSeconds(Math.Min(seconds, 3600)));
        c.Output.WriteOk();
    }

    /// <summary>An expired key not yet removed is still shown (Redis's tests use that to see lazy expiry happen later).</summary>
    private static void Object(CommandContext c)
    {
        string encoding;
        long size;
        using (c.Keyspace.Lock())
        {
            var type = c.Keyspace.ReadStored(c.Arg(2), out var value);
            if (type == KeyType.None)
            {
                c.Output.WriteError("ERR no such key");
                return;
            }
            encoding = value?.Encoding ?? "raw";
            size = value is null ? c.Keyspace.Value.Span.Length : MemoryCommand.SerializedBytes(value);
        }
        c.Output.WriteSimpleString($"Value at:0x0 refcount:1 encoding:{encoding} serializedlength:{size} lru:0 lru_seconds_idle:0");
    }
}
