using Istore.Net.Commands;

namespace Istore.Node.Commands;

/// <summary>COMMAND [COUNT | INFO name… | DOCS name… | LIST | GETKEYS cmd args…], all read from the command table.</summary>
internal static class CommandCommand
{
    public static void Execute(CommandContext c)
    {
        if (c.Count == 1)
        {
            WriteInfos(c, CommandTable.All);
            return;
        }
        var sub = c.ArgString(1).ToUpperInvariant();
        switch (sub)
        {
            case "COUNT" when c.Count == 2:
                c.Output.WriteInteger(CommandTable.All.Count);
                break;
            case "LIST":
                List(c);
                break;
            case "INFO":
                WriteInfos(c, c.Count == 2 ? (IReadOnlyCollection<CommandSpec?>)CommandTable.All : Named(c));
                break;
            case "DOCS":
                WriteDocs(c, c.Count == 2 ? CommandTable.All : Named(c).OfType<CommandSpec>().ToList());
                break;
            case "GETKEYS" when c.Count >= 4:
                GetKeys(c, withFlags: false);
                break;
            case "GETKEYSANDFLAGS" when c.Count >= 4:
                GetKeys(c, withFlags: true);
                break;
            case "HELP" when c.Count == 2:
                c.Output.WriteArrayHeader(Help.Length);
                foreach (var line in Help)
                    c.Output.WriteSimpleString(line);
                break;
            case "COUNT" or "GETKEYS" or "GETKEYSANDFLAGS" or "HELP":
                c.Output.WriteError(Errors.WrongArgs("command|" + sub.ToLowerInvariant()));
                break;
            default:
                c.Output.WriteError(Errors.UnknownSubcommand("command", c.ArgString(1)));
                break;
        }
    }

    private static readonly string[] Help =
    [
        "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "(no subcommand)",
        "    Return details about all Redis commands.",
        "COUNT",
        "    Return the total number of commands in this Redis server.",
        "LIST",
        "    Return a list of all commands in this Redis server.",
        "INFO [<command-name> ...]",
        "    Return details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "DOCS [<command-name> ...]",
        "    Return documentation details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "GETKEYS <full-command>",
        "    Return the keys from a full Redis command.",
        "GETKEYSANDFLAGS <full-command>",
        "    Return the keys and the access flags from a full Redis command.",
        "HELP",
        "    Prints this help.",
    ];

    /// <summary>COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern]</summary>
    /// <summary>COMMAND LIST [FILTERBY …]: the commands and, as Redis 7, the containers' subcommands as "container|sub".</summary>
    private static void List(CommandContext c)
    {
        Func<string, AclCategory, bool> filter = (_, _) => true;
        if (c.Count == 5 && c.ArgIs(2, "FILTERBY"u8))
        {
            var value = c.ArgString(4);
            if (c.ArgIs(3, "MODULE"u8))
            {
                filter = (_, _) => false;   // no modules here
            }
            else if (c.ArgIs(3, "ACLCAT"u8))
            {
                var category = AclCategories.Parse(value);
                filter = (_, categories) => (categories & category) != 0;
            }
            else if (c.ArgIs(3, "PATTERN"u8))
            {
                var pattern = new Keyspace.GlobPattern(c.Args.ToArray(4), ignoreCase: true);
                filter = (name, _) => pattern.IsMatch(System.Text.Encoding.ASCII.GetBytes(name));
            }
            else
            {
                c.Output.WriteError(Errors.Syntax);
                return;
            }
        }
        else if (c.Count != 2)
        {
            c.Output.WriteError(Errors.Syntax);
            return;
        }
        var names = new List<string>();
        foreach (var spec in CommandTable.All)
        {
            string name = spec.Name.ToLowerInvariant();
            if (filter(name, AclCategories.Of(spec)))
                names.Add(name);
            foreach (var sub in AclSubcommands.All.Where(s => s.Container == spec.Name))
            {
                string full = name + "|" + sub.Name.ToLowerInvariant();
                if (filter(full, sub.Categories))
                    names.Add(full);
            }
        }
        c.Output.WriteArrayHeader(names.Count);
        foreach (var name in names)
            c.Output.WriteBulkString(name);
    }

    private static List<CommandSpec?> Named(CommandContext c) =>
        Enumerable.Range(2, c.Count - 2).Select(i => CommandTable.Find(c.Arg(i))).ToList();

    private static void WriteInfos(CommandContext c, IReadOnlyCollection<CommandSpec?> specs)
    {
        c.Output.WriteArrayHeader(specs.Count);
        foreach (var spec in specs)
        {
            if (spec is null)
            {
                c.Output.WriteNull();   // Redis: a null bulk string for an unknown name
                continue;
            }
            var flags = Enum.GetValues<CommandFlags>().Where(f => f != CommandFlags.None && spec.Flags.HasFlag(f)).ToList();
            c.Output.WriteArrayHeader(10);
            c.Output.WriteBulkString(spec.Name.ToLowerInvariant());
            c.Output.WriteInteger(spec.Arity);
            c.Output.WriteSetHeader(flags.Count + (spec.MovableKeys ? 1 : 0));
            foreach (var flag in flags)
                c.Output.WriteSimpleString(FlagName(flag));
            if (spec.MovableKeys)
                c.Output.WriteSimpleString("movablekeys"u8);
            c.Output.WriteInteger(spec.FirstKey);
            c.Output.WriteInteger(spec.LastKey);
            c.Output.WriteInteger(spec.Step);
            var categories = AclCategories.Describe(AclCategories.Of(spec));
            c.Output.WriteSetHeader(categories.Count);
            foreach (var category in categories)
                c.Output.WriteSimpleString(category);
            c.Output.WriteArrayHeader(0);   // tips
            c.Output.WriteArrayHeader(0);   // key specifications (first/last/step above are authoritative)
            c.Output.WriteArrayHeader(0);   // subcommands
        }
    }

    private static void WriteDocs(CommandContext c, IReadOnlyCollection<CommandSpec> specs)
    {
        c.Output.WriteMapHeader(specs.Count);
        foreach (var spec in specs)
        {
            c.Output.WriteBulkString(spec.Name.ToLowerInvariant());
            c.Output.WriteMapHeader(3);
            c.Output.WriteBulkString("summary"u8);
            c.Output.WriteBulkString(spec.Summary);
            c.Output.WriteBulkString("since"u8);
            c.Output.WriteBulkString("1.0.0"u8);
            c.Output.WriteBulkString("group"u8);
            c.Output.WriteBulkString(spec.Group);
        }
    }

    /// <summary>
    /// COMMAND GETKEYS, and GETKEYSANDFLAGS with each key's flags. The table holds no per-key specs,
    /// so the flags follow the command's: RO access for a read-only command, RW access update for
    /// a write (Redis says OW for a key only overwritten, as SET's, and insert or delete where it knows).
    /// </summary>
    private static void GetKeys(CommandContext c, bool withFlags)
    {
        var spec = CommandTable.Find(c.Arg(2));
        if (spec is null)
        {
            c.Output.WriteError("ERR Invalid command specified");
            return;
        }
        int argCount = c.Count - 2;
        if (!spec.AcceptsArgCount(argCount))
        {
            c.Output.WriteError("ERR Invalid number of arguments specified for command");
            return;
        }
        if ((!spec.HasKeys && !spec.MovableKeys) || spec.ChannelKeys)   // XREAD's keys follow STREAMS
        {
            c.Output.WriteError("ERR The command has no key arguments");
            return;
        }
        var keys = new List<int>();
        spec.CollectKeyIndexes(c.Args, keys, first: 2);
        if (keys.Count == 0 && !NoMandatoryKeys(spec))
        {
            c.Output.WriteError("ERR Invalid arguments specified for command");
            return;
        }
        c.Output.WriteArrayHeader(keys.Count);
        bool write = (spec.Flags & CommandFlags.Write) != 0;
        foreach (int i in keys)
        {
            if (!withFlags)
            {
                c.Output.WriteBulkString(c.Arg(i + 2));
                continue;
            }
            c.Output.WriteArrayHeader(2);
            c.Output.WriteBulkString(c.Arg(i + 2));
            c.Output.WriteArrayHeader(write ? 3 : 2);
            c.Output.WriteSimpleString(write ? "RW" : "RO");
            c.Output.WriteSimpleString("access");
            if (write)
                c.Output.WriteSimpleString("update");
        }
    }

    /// <summary>Redis's no_mandatory_keys: a script may declare no keys (EVAL "…" 0), and then GETKEYS lists none.</summary>
    private static bool NoMandatoryKeys(CommandSpec spec) =>
        spec.Name is "EVAL" or "EVALSHA" or "EVAL_RO" or "EVALSHA_RO" or "FCALL" or "FCALL_RO";

    private static string FlagName(CommandFlags flag) => flag switch
    {
        CommandFlags.ReadOnly => "readonly",
        CommandFlags.DenyOom => "denyoom",
        CommandFlags.PubSub => "pubsub",
        CommandFlags.NoScript => "noscript",
        CommandFlags.NoAuth => "no_auth",
        CommandFlags.NoMulti => "no_multi",
        CommandFlags.AllowBusy => "allow_busy",
        _ => flag.ToString().ToLowerInvariant(),
    };
}
