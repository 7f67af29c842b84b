using System.Text;
using Istore.Net.Resp;
using Istore.Net.Text;

namespace Istore.Net.Commands;

/// <summary>
/// COMMAND [COUNT | INFO name… | DOCS name… | LIST | GETKEYS cmd args… | HELP], all read from the
/// command table and limited to a <see cref="CommandCatalog"/>: the node and the proxy answer with this one code.
/// </summary>
public static class CommandCommand
{
    public static void Execute(RespWriter o, CommandArgs args, CommandCatalog catalog)
    {
        if (args.Count == 1)
        {
            WriteInfos(o, [.. catalog.Commands]);
            return;
        }
        var sub = args.ToString(1).ToUpperInvariant();
        switch (sub)
        {
            case "COUNT" when args.Count == 2:
                o.WriteInteger(catalog.Commands.Count);
                break;
            case "LIST":
                List(o, args, catalog);
                break;
            case "INFO":
                WriteInfos(o, args.Count == 2 ? [.. catalog.Commands] : [.. Enumerable.Range(2, args.Count - 2).Select(i => catalog.Find(args[i]))]);
                break;
            case "DOCS":
                WriteDocs(o, args, catalog);
                break;
            case "GETKEYS" when args.Count >= 4:
                GetKeys(o, args, catalog, withFlags: false);
                break;
            case "GETKEYSANDFLAGS" when args.Count >= 4:
                GetKeys(o, args, catalog, withFlags: true);
                break;
            case "HELP" when args.Count == 2:
                o.WriteArrayHeader(Help.Length);
                foreach (var line in Help)
                    o.WriteSimpleString(line);
                break;
            case "COUNT" or "GETKEYS" or "GETKEYSANDFLAGS" or "HELP":
                o.WriteError(CommandErrors.WrongArgs("command|" + sub.ToLowerInvariant()));
                break;
            default:
                o.WriteError(CommandErrors.UnknownSubcommand("command", args.ToString(1)));
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

    private static bool Is(CommandArgs args, int index, ReadOnlySpan<byte> upperCaseWord) => Ascii.EqualsIgnoreCase(args[index], upperCaseWord);

    /// <summary>COMMAND LIST [FILTERBY …]: the commands and, as Redis 7, the containers' subcommands as "container|sub".</summary>
    private static void List(RespWriter o, CommandArgs args, CommandCatalog catalog)
    {
        Func<string, AclCategory, bool> filter = (_, _) => true;
        if (args.Count == 5 && Is(args, 2, "FILTERBY"u8))
        {
            if (Is(args, 3, "MODULE"u8))
            {
                filter = (_, _) => false;   // no modules here
            }
            else if (Is(args, 3, "ACLCAT"u8))
            {
                var category = AclCategories.Parse(args.ToString(4));
                filter = (_, categories) => (categories & category) != 0;
            }
            else if (Is(args, 3, "PATTERN"u8))
            {
                var pattern = new GlobPattern(args.ToArray(4), ignoreCase: true);
                filter = (name, _) => pattern.IsMatch(Encoding.ASCII.GetBytes(name));
            }
            else
            {
                o.WriteError(CommandErrors.Syntax);
                return;
            }
        }
        else if (args.Count != 2)
        {
            o.WriteError(CommandErrors.Syntax);
            return;
        }
        var names = new List<string>();
        foreach (var spec in catalog.Commands)
        {
            string name = spec.Name.ToLowerInvariant();
            if (filter(name, AclCategories.Of(spec)))
                names.Add(name);
            foreach (var sub in catalog.SubcommandsOf(spec))
            {
                if (filter(sub.FullName, sub.Categories))
                    names.Add(sub.FullName);
            }
        }
        o.WriteArrayHeader(names.Count);
        foreach (var name in names)
            o.WriteBulkString(name);
    }

    private static void WriteInfos(RespWriter o, IReadOnlyCollection<CommandSpec?> specs)
    {
        o.WriteArrayHeader(specs.Count);
        foreach (var spec in specs)
        {
            if (spec is null)
                o.WriteNull();   // Redis: a null bulk string for an unknown name
            else
                CommandInfoReply.Write(o, spec);
        }
    }

    /// <summary>
    /// COMMAND DOCS [name…]: every command, or the ones named (a subcommand as "container|sub"), each
    /// under its full name; Redis leaves unknown names out.
    /// </summary>
    private static void WriteDocs(RespWriter o, CommandArgs args, CommandCatalog catalog)
    {
        if (args.Count == 2)
        {
            o.WriteMapHeader(catalog.Commands.Count);
            foreach (var spec in catalog.Commands)
            {
                o.WriteBulkString(spec.Name.ToLowerInvariant());
                CommandDocsReply.Write(o, spec, catalog.SubcommandsOf(spec));
            }
            return;
        }
        var found = new List<(CommandSpec Spec, Subcommand? Sub)>();
        for (int i = 2; i < args.Count; i++)
        {
            string name = args.ToString(i);
            if (catalog.Find(name) is { } spec)
                found.Add((spec, null));
            else if (catalog.FindSubcommand(name) is { } sub)
                found.Add((CommandTable.Find(sub.Container)!, sub));
        }
        o.WriteMapHeader(found.Count);
        foreach (var (spec, sub) in found)
        {
            if (sub is null)
            {
                o.WriteBulkString(spec.Name.ToLowerInvariant());
                CommandDocsReply.Write(o, spec, catalog.SubcommandsOf(spec));
            }
            else
            {
                o.WriteBulkString(sub.FullName);
                CommandDocsReply.Write(o, spec, sub);
            }
        }
    }

    /// <summary>COMMAND GETKEYS, and GETKEYSANDFLAGS with each key's flags from the key spec that finds it.</summary>
    private static void GetKeys(RespWriter o, CommandArgs args, CommandCatalog catalog, bool withFlags)
    {
        var spec = catalog.Find(args[2]);
        if (spec is null)
        {
            o.WriteError("ERR Invalid command specified");
            return;
        }
        int argCount = args.Count - 2;
        if (!spec.AcceptsArgCount(argCount))
        {
            o.WriteError("ERR Invalid number of arguments specified for command");
            return;
        }
        if ((!spec.HasKeys && !spec.MovableKeys) || spec.ChannelKeys)   // XREAD's keys follow STREAMS
        {
            o.WriteError("ERR The command has no key arguments");
            return;
        }
        var keys = new List<int>();
        spec.CollectKeyIndexes(args, keys, first: 2);
        if (!SpecsPlaceKeys(spec, args))
            keys.Clear();
        if (keys.Count == 0 && (spec.Flags & CommandFlags.NoMandatoryKeys) == 0)
        {
            o.WriteError("ERR Invalid arguments specified for command");
            return;
        }
        o.WriteArrayHeader(keys.Count);
        foreach (int i in keys)
        {
            if (!withFlags)
            {
                o.WriteBulkString(args[i + 2]);
                continue;
            }
            o.WriteArrayHeader(2);
            o.WriteBulkString(args[i + 2]);
            CommandInfoReply.WriteKeyFlags(o, KeyFlagsOfCall.Of(spec, args, 2, i));
        }
    }

    /// <summary>
    /// False when a key spec that can tell finds the call malformed (a count that is not one,
    /// PFMERGE without a source): Redis then names no keys. SORT's and MIGRATE's specs that cannot
    /// tell leave the keys to the table's keyword search.
    /// </summary>
    private static bool SpecsPlaceKeys(CommandSpec spec, CommandArgs args)
    {
        var scratch = new List<int>();
        foreach (var keySpec in spec.KeySpecs)
            if (keySpec.Begin != BeginSearchType.Unknown && (keySpec.Flags & KeySpecFlags.Incomplete) == 0 && !keySpec.FindKeyIndexes(args, 2, scratch))
                return false;
        return true;
    }
}
