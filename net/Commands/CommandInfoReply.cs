using Istore.Net.Resp;

namespace Istore.Net.Commands;

/// <summary>
/// One command's COMMAND INFO entry as Redis 7.0 writes it, in its RESP types (sets for flags,
/// tips and key specs, maps inside a key spec) and its orders, all read from the command table.
/// </summary>
public static class CommandInfoReply
{
    /// <summary>Command flags in Redis's reply order; movablekeys is computed, not declared.</summary>
    private static readonly (CommandFlags Flag, string Name)[] FlagNames =
    [
        (CommandFlags.Write, "write"), (CommandFlags.ReadOnly, "readonly"), (CommandFlags.DenyOom, "denyoom"),
        (CommandFlags.Admin, "admin"), (CommandFlags.PubSub, "pubsub"), (CommandFlags.NoScript, "noscript"),
        (CommandFlags.Blocking, "blocking"), (CommandFlags.Loading, "loading"), (CommandFlags.Stale, "stale"),
        (CommandFlags.SkipMonitor, "skip_monitor"), (CommandFlags.SkipSlowlog, "skip_slowlog"), (CommandFlags.Fast, "fast"),
        (CommandFlags.NoAuth, "no_auth"), (CommandFlags.NoMandatoryKeys, "no_mandatory_keys"),
        (CommandFlags.NoAsyncLoading, "no_async_loading"), (CommandFlags.NoMulti, "no_multi"),
        (CommandFlags.None, "movablekeys"), (CommandFlags.AllowBusy, "allow_busy"),
    ];

    public static void Write(RespWriter o, CommandSpec spec)
    {
        o.WriteArrayHeader(10);
        o.WriteBulkString(spec.Name.ToLowerInvariant());
        o.WriteInteger(spec.Arity);
        var flags = FlagNames.Where(f => f.Flag == CommandFlags.None ? spec.MovableKeys : (spec.Flags & f.Flag) != 0).ToList();
        o.WriteSetHeader(flags.Count);
        foreach (var (_, name) in flags)
            o.WriteSimpleString(name);
        o.WriteInteger(spec.FirstKey);
        o.WriteInteger(spec.LastKey);
        o.WriteInteger(spec.Step);
        var categories = AclCategories.Describe(AclCategories.Of(spec));
        o.WriteSetHeader(categories.Count);
        foreach (var category in categories)
            o.WriteSimpleString(category);
        o.WriteSetHeader(spec.Tips.Length);
        foreach (var tip in spec.Tips)
            o.WriteBulkString(tip);
        o.WriteSetHeader(spec.KeySpecs.Count);
        foreach (var keySpec in spec.KeySpecs)
            WriteKeySpec(o, keySpec);
        o.WriteSetHeader(0);   // subcommands: containers are one row here
    }

    public static void WriteKeyFlags(RespWriter o, KeySpecFlags flags)
    {
        var names = KeySpecNotation.Describe(flags).ToList();
        o.WriteSetHeader(names.Count);
        foreach (var name in names)
            o.WriteSimpleString(name);
    }

    private static void WriteKeySpec(RespWriter o, KeySpec spec)
    {
        o.WriteMapHeader(spec.Notes is null ? 3 : 4);
        if (spec.Notes is not null)
        {
            o.WriteBulkString("notes"u8);
            o.WriteBulkString(spec.Notes);
        }
        o.WriteBulkString("flags"u8);
        WriteKeyFlags(o, spec.Flags);
        o.WriteBulkString("begin_search"u8);
        switch (spec.Begin)
        {
            case BeginSearchType.Index:
                WriteTyped(o, "index", ("index", spec.Index));
                break;
            case BeginSearchType.Keyword:
                WriteTyped(o, "keyword", ("keyword", spec.Keyword), ("startfrom", spec.StartFrom));
                break;
            default:
                WriteTyped(o, "unknown");
                break;
        }
        o.WriteBulkString("find_keys"u8);
        switch (spec.Find)
        {
            case FindKeysType.Range:
                WriteTyped(o, "range", ("lastkey", spec.LastKey), ("keystep", spec.KeyStep), ("limit", spec.Limit));
                break;
            case FindKeysType.KeyNum:
                WriteTyped(o, "keynum", ("keynumidx", spec.KeyNumIndex), ("firstkey", spec.FirstKey), ("keystep", spec.KeyStep));
                break;
            default:
                WriteTyped(o, "unknown");
                break;
        }
    }

    /// <summary>{type: <paramref name="type"/>, spec: {name: value…}}, a value an integer or a bulk string.</summary>
    private static void WriteTyped(RespWriter o, string type, params (string Name, object Value)[] fields)
    {
        o.WriteMapHeader(2);
        o.WriteBulkString("type"u8);
        o.WriteBulkString(type);
        o.WriteBulkString("spec"u8);
        o.WriteMapHeader(fields.Length);
        foreach (var (name, value) in fields)
        {
            o.WriteBulkString(name);
            if (value is int number)
                o.WriteInteger(number);
            else
                o.WriteBulkString((string)value);
        }
    }
}
