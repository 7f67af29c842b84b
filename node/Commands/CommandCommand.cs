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
                WriteDocs(c);
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
            foreach (var sub in CommandTable.SubcommandsOf(spec.Name))
            {
                if (filter(sub.FullName, sub.Categories))
                    names.Add(sub.FullName);
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
                c.Output.WriteNull();   // Redis: a null bulk string for an unknown name
            else
                CommandInfoReply.Write(c.Output, spec);
        }
    }

    /// <summary>
    /// COMMAND DOCS [name…]: every command, or the ones named (a subcommand as "container|sub"), each
    /// under its full name; Redis leaves unknown names out.
    /// </summary>
    private static void WriteDocs(CommandContext c)
    {
        if (c.Count == 2)
        {
            c.Output.WriteMapHeader(CommandTable.All.Count);
            foreach (var spec in CommandTable.All)
            {
                c.Output.WriteBulkString(spec.Name.ToLowerInvariant());
                CommandDocsReply.Write(c.Output, spec);
            }
            return;
        }
        var found = new List<(CommandSpec Spec, Subcommand? Sub)>();
        for (int i = 2; i < c.Count; i++)
        {
            string name = c.ArgString(i);
            if (CommandTable.Find(name) is { } spec)
                found.Add((spec, null));
            else if (CommandTable.FindSubcommand(name) is { } sub)
                found.Add((CommandTable.Find(sub.Container)!, sub));
        }
        c.Output.WriteMapHeader(found.Count);
        foreach (var (spec, sub) in found)
        {
            if (sub is null)
            {
                c.Output.WriteBulkString(spec.Name.ToLowerInvariant());
                CommandDocsReply.Write(c.Output, spec);
            }
            else
            {
                c.Output.WriteBulkString(sub.FullName);
                CommandDocsReply.Write(c.Output, spec, sub);
            }
        }
    }

    /// <summary>COMMAND GETKEYS, and GETKEYSANDFLAGS with each key's flags from the key spec that finds it.</summary>
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
        if (!SpecsPlaceKeys(spec, c.Args))
            keys.Clear();
        if (keys.Count == 0 && (spec.Flags & CommandFlags.NoMandatoryKeys) == 0)
        {
            c.Output.WriteError("ERR Invalid arguments specified for command");
            return;
        }
        c.Output.WriteArrayHeader(keys.Count);
        foreach (int i in keys)
        {
            if (!withFlags)
            {
                c.Output.WriteBulkString(c.Arg(i + 2));
                continue;
            }
            c.Output.WriteArrayHeader(2);
            c.Output.WriteBulkString(c.Arg(i + 2));
            CommandInfoReply.WriteKeyFlags(c.Output, KeyFlagsOfCall.Of(spec, c.Args, 2, i));
        }
    }

    /// <summary>
    /// False when a key spec that can tell finds the call malformed (a count that is not one,
    /// PFMERGE without a source): Redis then names no keys. SORT's and MIGRATE's specs that cannot
    /// tell leave the keys to the table's keyword search.
    /// </summary>
    private static bool SpecsPlaceKeys(CommandSpec spec, Istore.Net.Resp.CommandArgs args)
    {
        var scratch = new List<int>();
        foreach (var keySpec in spec.KeySpecs)
            if (keySpec.Begin != BeginSearchType.Unknown && (keySpec.Flags & KeySpecFlags.Incomplete) == 0 && !keySpec.FindKeyIndexes(args, 2, scratch))
                return false;
        return true;
    }
}
