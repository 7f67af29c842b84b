using System.Security.Cryptography;
using Istore.Net.Commands;
using Istore.Node.Acl;

namespace Istore.Node.Commands;

/// <summary>ACL SETUSER GETUSER DELUSER USERS LIST WHOAMI CAT GENPASS DRYRUN LOG HELP (LOAD and SAVE: no ACL file here).</summary>
internal static class AclCommand
{
    public static void Register(HandlerTable t) => t.Add("ACL", Execute);

    /// <summary>Redis's subcommand arities: a call outside them gets "wrong number of arguments for 'acl|…'".</summary>
    private static readonly (string Name, int Arity)[] Arities =
    [
        ("CAT", -2), ("DELUSER", -3), ("DRYRUN", -4), ("GENPASS", -2), ("GETUSER", 3), ("HELP", 2), ("LIST", 2), ("LOAD", 2),
        ("LOG", -2), ("SAVE", 2), ("SETUSER", -3), ("USERS", 2), ("WHOAMI", 2),
    ];

    private static void Execute(CommandContext c)
    {
        if (Subcommands.Find(c, "acl", Arities) < 0)
            return;
        var sub = c.ArgString(1).ToUpperInvariant();
        switch (sub)
        {
            case "SETUSER" when c.Count >= 3: SetUser(c); break;
            case "DELUSER" when c.Count >= 3: DelUser(c); break;
            case "GETUSER" when c.Count == 3: GetUser(c); break;
            case "USERS" or "LIST" when c.Count == 2: List(c, namesOnly: sub == "USERS"); break;
            case "WHOAMI" when c.Count == 2: c.Output.WriteBulkString(c.Client.User.Name); break;
            case "LOAD" or "SAVE":
                c.Output.WriteError("ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.");
                break;
            case "CAT" when c.Count is 2 or 3: Cat(c); break;
            case "GENPASS" when c.Count is 2 or 3: GenPass(c); break;
            case "LOG" when c.Count is 2 or 3: Log(c); break;
            case "DRYRUN" when c.Count >= 4: DryRun(c); break;
            case "HELP" when c.Count == 2: Help(c); break;
            default: Subcommands.SyntaxError(c, "acl"); break;
        }
    }

    private static void SetUser(CommandContext c)
    {
        string name = c.ArgString(2);
        if (name.Any(ch => ch is ' ' or '\t' or '\n' or '\r' or '\0' or '\v' or '\f'))
        {
            c.Output.WriteError("ERR Usernames can't contain spaces or null characters");
            return;
        }
        var ops = Enumerable.Range(3, c.Count - 3).Select(i => System.Text.Encoding.Latin1.GetString(c.Arg(i))).ToList();
        var acl = c.Node.Acl;
        if (acl.SetUser(name, ops, out var user, out var before) is { } error)
        {
            c.Output.WriteError(error);
            return;
        }
        if (before is not null)
            AclConnections.DropRevokedSubscribers(c, user!, before);
        c.Output.WriteOk();
    }

    private static void DelUser(CommandContext c)
    {
        var names = Enumerable.Range(2, c.Count - 2).Select(c.ArgString).ToList();
        if (names.Contains("default"))
        {
            c.Output.WriteError("ERR The 'default' user cannot be removed");
            return;
        }
        var deleted = c.Node.Acl.Delete(names);
        foreach (var user in deleted)
            AclConnections.Drop(c, user);
        c.Output.WriteInteger(deleted.Count);
    }

    private static void GetUser(CommandContext c)
    {
        var user = c.Node.Acl.Find(c.ArgString(2));
        if (user is null)
        {
            c.Output.WriteNull();
            return;
        }
        var rules = user.Rules;
        var output = c.Output;
        output.WriteMapHeader(6);
        output.WriteBulkString("flags"u8);
        var flags = AclDescription.Flags(rules);
        output.WriteSetHeader(flags.Count);
        foreach (var flag in flags)
            output.WriteBulkString(flag);
        output.WriteBulkString("passwords"u8);
        output.WriteArrayHeader(rules.Passwords.Count);
        foreach (var hash in rules.Passwords)
            output.WriteBulkString(hash);
        output.WriteBulkString("commands"u8);
        output.WriteBulkString(AclDescription.CommandRules(rules));
        output.WriteBulkString("keys"u8);
        output.WriteBulkString(AclDescription.KeyPatterns(rules));
        output.WriteBulkString("channels"u8);
        output.WriteBulkString(AclDescription.ChannelPatterns(rules));
        output.WriteBulkString("selectors"u8);
        output.WriteArrayHeader(0);
    }

    private static void List(CommandContext c, bool namesOnly)
    {
        var users = c.Node.Acl.All();
        c.Output.WriteArrayHeader(users.Count);
        foreach (var user in users)
            c.Output.WriteBulkString(namesOnly ? user.Name : AclDescription.Line(user));
    }

    private static void Cat(CommandContext c)
    {
        if (c.Count == 2)
        {
            c.Output.WriteArrayHeader(AclCategories.Names.Count);
            foreach (var name in AclCategories.Names)
                c.Output.WriteBulkString(name);
            return;
        }
        var category = AclCategories.Parse(c.ArgString(2));
        if (category == AclCategory.None)
        {
            c.Output.WriteError($"ERR Unknown category '{CommandErrors.Truncate(c.ArgString(2))}'");
            return;
        }
        var names = Enumerable.Range(0, AclCommandIds.Count).Where(id => (AclCommandIds.Categories[id] & category) != 0).Select(id => AclCommandIds.FullNames[id]).ToList();
        c.Output.WriteArrayHeader(names.Count);
        foreach (var name in names)
            c.Output.WriteBulkString(name);
    }

    private const int GenPassMaxBits = 4096;

    private static void GenPass(CommandContext c)
    {
        long bits = 256;
        if (c.Count == 3 && !c.TryInt64(2, out bits))
            return;
        if (bits is <= 0 or > GenPassMaxBits)
        {
            c.Output.WriteError($"ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to {GenPassMaxBits}");
            return;
        }
        int chars = (int)((bits + 3) / 4);
        c.Output.WriteBulkString(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes((chars + 1) / 2))[..chars]);
    }

    private static void Log(CommandContext c)
    {
        var log = c.Node.Acl.Log;
        long count = 10;
        if (c.Count == 3)
        {
            if (c.ArgIs(2, "RESET"u8))
            {
                log.Reset();
                c.Output.WriteOk();
                return;
            }
            if (!c.TryInt64(2, out count))
                return;
        }
        var entries = log.Newest(count);
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        c.Output.WriteArrayHeader(entries.Count);
        foreach (var e in entries)
        {
            c.Output.WriteMapHeader(7);
            c.Output.WriteBulkString("count"u8);
            c.Output.WriteInteger(e.Count);
            c.Output.WriteBulkString("reason"u8);
            c.Output.WriteBulkString(e.Reason.ToString().ToLowerInvariant());
            c.Output.WriteBulkString("context"u8);
            c.Output.WriteBulkString(e.Context);
            c.Output.WriteBulkString("object"u8);
            c.Output.WriteBulkString(e.Object);
            c.Output.WriteBulkString("username"u8);
            c.Output.WriteBulkString(e.User);
            c.Output.WriteBulkString("age-seconds"u8);
            c.Output.WriteDouble((now - e.CreatedMs) / 1000.0);
            c.Output.WriteBulkString("client-info"u8);
            c.Output.WriteBulkString(e.ClientInfo);
        }
    }

    /// <summary>ACL DRYRUN user command [arg …]: whether the user could run it, without running it.</summary>
    private static void DryRun(CommandContext c)
    {
        var user = c.Node.Acl.Find(c.ArgString(2));
        if (user is null)
        {
            c.Output.WriteError($"ERR User '{c.ArgString(2)}' not found");
            return;
        }
        var spec = CommandTable.Find(c.Arg(3));
        if (spec is null)
        {
            c.Output.WriteError($"ERR Command '{c.ArgString(3)}' not found");
            return;
        }
        int id = AclCommandIds.Of(spec, c.Args, 3);
        if (!spec.AcceptsArgCount(c.Count - 3))
        {
            c.Output.WriteError($"ERR wrong number of arguments for '{AclCommandIds.FullNames[id]}' command");
            return;
        }
        var denial = AclCheck.Check(user.Rules, spec, c.Args, 3, [], out int at);
        if (denial is null)
            c.Output.WriteOk();
        else
            c.Output.WriteBulkString(denial switch
            {
                AclDenial.Command => $"This user has no permissions to run the '{AclCommandIds.FullNames[id]}' command",
                AclDenial.Key => $"This user has no permissions to access the '{c.ArgString(at + 3)}' key",
                _ => $"This user has no permissions to access the '{c.ArgString(at + 3)}' channel",
            });
    }

    private static readonly string[] HelpLines =
    [
        "ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CAT [<category>]",
        "    List all commands that belong to <category>, or all command categories",
        "    when no category is specified.",
        "DELUSER <username> [<username> ...]",
        "    Delete a list of users.",
        "DRYRUN <username> <command> [<arg> ...]",
        "    Returns whether the user can execute the given command without executing the command.",
        "GETUSER <username>",
        "    Get the user's details.",
        "GENPASS [<bits>]",
        "    Generate a secure 256-bit user password. The optional `bits` argument can",
        "    be used to specify a different size.",
        "LIST",
        "    Show users details in config file format.",
        "LOAD",
        "    Reload users from the ACL file.",
        "LOG [<count> | RESET]",
        "    Show the ACL log entries.",
        "SAVE",
        "    Save the current config to the ACL file.",
        "SETUSER <username> <attribute> [<attribute> ...]",
        "    Create or modify a user with the specified attributes.",
        "USERS",
        "    List all the registered usernames.",
        "WHOAMI",
        "    Return the current connection username.",
        "HELP",
        "    Prints this help.",
    ];

    private static void Help(CommandContext c)
    {
        c.Output.WriteArrayHeader(HelpLines.Length);
        foreach (var line in HelpLines)
            c.Output.WriteSimpleString(line);
    }
}
