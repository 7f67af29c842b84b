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
            case "LIST" when c.Count == 2:
                c.Output.WriteArrayHeader(CommandTable.All.Count);
                foreach (var spec in CommandTable.All)
                    c.Output.WriteBulkString(spec.Name.ToLowerInvariant());
                break;
            case "INFO":
                WriteInfos(c, c.Count == 2 ? (IReadOnlyCollection<CommandSpec?>)CommandTable.All : Named(c));
                break;
            case "DOCS":
                WriteDocs(c, c.Count == 2 ? CommandTable.All : Named(c).OfType<CommandSpec>().ToList());
                break;
            case "GETKEYS" when c.Count >= 3:
                GetKeys(c);
                break;
            case "COUNT" or "LIST" or "GETKEYS":
                c.Output.WriteError(Errors.WrongArgs("command|" + sub.ToLowerInvariant()));
                break;
            default:
                c.Output.WriteError(Errors.UnknownSubcommand("command", c.ArgString(1)));
                break;
        }
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
                c.Output.WriteNullArray();
                continue;
            }
            var flags = Enum.GetValues<CommandFlags>().Where(f => f != CommandFlags.None && spec.Flags.HasFlag(f)).ToList();
            c.Output.WriteArrayHeader(10);
            c.Output.WriteBulkString(spec.Name.ToLowerInvariant());
            c.Output.WriteInteger(spec.Arity);
            c.Output.WriteSetHeader(flags.Count);
            foreach (var flag in flags)
                c.Output.WriteSimpleString(FlagName(flag));
            c.Output.WriteInteger(spec.FirstKey);
            c.Output.WriteInteger(spec.LastKey);
            c.Output.WriteInteger(spec.Step);
            var categories = AclCategories(spec);
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

    private static void GetKeys(CommandContext c)
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
        var range = spec.GetKeyRange(argCount);
        if (range.Count == 0)
        {
            c.Output.WriteError("ERR The command has no key arguments");
            return;
        }
        c.Output.WriteArrayHeader(range.Count);
        for (int i = range.First; i <= range.Last; i += range.Step)
            c.Output.WriteBulkString(c.Arg(i + 2));
    }

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

    private static List<string> AclCategories(CommandSpec spec)
    {
        var categories = new List<string>();
        if (spec.HasKeys) categories.Add("@keyspace");
        if ((spec.Flags & CommandFlags.Write) != 0) categories.Add("@write");
        if ((spec.Flags & CommandFlags.ReadOnly) != 0) categories.Add("@read");
        if ((spec.Flags & CommandFlags.Admin) != 0) categories.AddRange(["@admin", "@dangerous"]);
        categories.Add((spec.Flags & CommandFlags.Fast) != 0 ? "@fast" : "@slow");
        categories.Add("@" + spec.Group);
        return categories;
    }
}
