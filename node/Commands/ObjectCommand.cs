using Istore.Node.Engine;
using Istore.Node.Keyspace;

namespace Istore.Node.Commands;

/// <summary>OBJECT ENCODING|REFCOUNT|IDLETIME|FREQ|HELP for the types this node stores.</summary>
internal static class ObjectCommand
{
    private static readonly string[] Help =
    [
        "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "ENCODING <key>",
        "    Return the kind of internal representation used in order to store the value",
        "    associated with a <key>.",
        "FREQ <key>",
        "    Return the access frequency index of the <key>. The returned integer is",
        "    proportional to the logarithm of the recent access frequency of the key.",
        "IDLETIME <key>",
        "    Return the idle time of the <key>, that is the approximated number of",
        "    seconds elapsed since the last access to the key.",
        "REFCOUNT <key>",
        "    Return the number of references of the value associated with the specified",
        "    <key>.",
        "HELP",
        "    Print this help.",
    ];

    public static void Execute(CommandContext c)
    {
        if (c.ArgIs(1, "HELP"u8))
        {
            HelpReply.Write(c, "object", Help);
            return;
        }
        bool known = c.ArgIs(1, "ENCODING"u8) || c.ArgIs(1, "REFCOUNT"u8) || c.ArgIs(1, "IDLETIME"u8) || c.ArgIs(1, "FREQ"u8);
        if (!known || c.Count != 3)
        {
            c.Output.WriteError(known ? CommandErrors.WrongArgs("object|" + c.ArgString(1).ToLowerInvariant()) : CommandErrors.UnknownSubcommand("object", c.ArgString(1)));
            return;
        }
        using var read = c.Keyspace.Lock();
        // OBJECT looks at a key without using it (Redis's LOOKUP_NOTOUCH).
        bool noTouch = c.Keyspace.NoTouch;
        c.Keyspace.NoTouch = true;
        try
        {
            var type = c.Keyspace.ReadObject(c.Arg(2), out var collection);
            if (type == KeyType.None)
                c.Output.WriteNull();
            else if (c.ArgIs(1, "ENCODING"u8))
                c.Output.WriteBulkString(collection?.Encoding ?? StringEncoding(c));
            else if (c.ArgIs(1, "REFCOUNT"u8))
                c.Output.WriteInteger(collection is null && IsSharedInteger(c) ? SharedRefCount : 1);
            else
                WriteAccess(c, idle: c.ArgIs(1, "IDLETIME"u8));
        }
        finally
        {
            c.Keyspace.NoTouch = noTouch;
        }
    }

    /// <summary>IDLETIME under any policy but LFU, FREQ only under LFU (Redis's rule, though this node keeps both).</summary>
    private static void WriteAccess(CommandContext c, bool idle)
    {
        var db = c.Keyspace.Database;
        var access = db.Access;
        if (idle && db.Policy.IsLfu())
            c.Output.WriteError("ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.");
        else if (idle)
            c.Output.WriteInteger(access.IdleSeconds(c.Arg(2)));
        else if (!db.Policy.IsLfu())
            c.Output.WriteError("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.");
        else
            c.Output.WriteInteger(access.Frequency(c.Arg(2)));
    }

    /// <summary>Redis's OBJ_SHARED_REFCOUNT: what OBJECT REFCOUNT says of one of its shared integer objects.</summary>
    private const int SharedRefCount = int.MaxValue;

    /// <summary>
    /// Whether Redis would keep this string as one of its shared integers (0 to 9999), so OBJECT
    /// REFCOUNT answers as it does: not while maxmemory is set with an LRU or LFU policy, which
    /// needs an access time per object. This node shares nothing; the answer follows the settings
    /// now, where Redis's follows those of the key's last write.
    /// </summary>
    private static bool IsSharedInteger(CommandContext c)
    {
        var db = c.Keyspace.Database;
        bool perObjectAccess = Volatile.Read(ref db.MaxMemory) != 0 && db.MaxMemoryExplicit && db.Policy.TracksAccessPerObject();
        if (perObjectAccess)
            return false;
        c.Keyspace.ReadLive(c.Arg(2));
        var value = c.Keyspace.Value.Span;
        return value.Length <= 20 && RedisNumber.TryParseInt64(value, out long number) && number is >= 0 and < 10_000;
    }

    /// <summary>The encoding Redis would report for the string at the key.</summary>
    private static string StringEncoding(CommandContext c)
    {
        c.Keyspace.ReadLive(c.Arg(2));
        var value = c.Keyspace.Value.Span;
        return value.Length <= 20 && RedisNumber.TryParseInt64(value, out _) ? "int" : value.Length <= 44 ? "embstr" : "raw";
    }
}
