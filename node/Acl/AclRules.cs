using System.Security.Cryptography;
using System.Text;
using Istore.Net.Commands;
using Istore.Node.Keyspace;

namespace Istore.Node.Acl;

/// <summary>
/// One user's rules (Redis's user flags, passwords and root selector). ACL SETUSER edits a copy
/// and publishes it whole, so a connection reads a consistent set without a lock.
/// </summary>
internal sealed class AclRules
{
    public const int ReadKeys = 1, WriteKeys = 2, AllKeyAccess = ReadKeys | WriteKeys;

    public sealed record KeyPattern(string Text, GlobPattern Glob, int Access);

    public bool Enabled { get; private set; }

    public bool NoPass { get; private set; }

    /// <summary>"skip-sanitize-payload" or "sanitize-payload" once set, as GETUSER lists it.</summary>
    public string? PayloadFlag { get; private set; }

    /// <summary>SHA-256 hex digests of the passwords, in the order they were added.</summary>
    public List<string> Passwords { get; private set; } = [];

    /// <summary>Per <see cref="AclCommandIds"/> id: may run it.</summary>
    public bool[] Allowed { get; private set; } = new bool[AclCommandIds.Count];

    /// <summary>Set by +@all, cleared only by -@all (Redis's reserved "future commands" bit): ACL LIST starts from +@all then.</summary>
    public bool AllCommands { get; private set; }

    /// <summary>Per command id, the first arguments allowed although the command is not (+select|0).</summary>
    public Dictionary<int, List<string>> FirstArgs { get; private set; } = [];

    public bool AllKeys { get; private set; }

    public List<KeyPattern> Keys { get; private set; } = [];

    public bool AllChannels { get; private set; }

    public List<string> Channels { get; private set; } = [];

    /// <summary>The channel patterns compiled, for matching (set by <see cref="Seal"/>).</summary>
    public GlobPattern[] ChannelGlobs { get; private set; } = [];

    /// <summary>Everything allowed (the default user's +@all ~* &amp;*): the command path skips every check.</summary>
    public bool Unrestricted { get; private set; }

    public static AclRules NewUser(bool allChannels) => new() { AllChannels = allChannels };

    public AclRules Clone() => new()
    {
        Enabled = Enabled, NoPass = NoPass, PayloadFlag = PayloadFlag, Passwords = [.. Passwords], Allowed = (bool[])Allowed.Clone(),
        AllCommands = AllCommands, FirstArgs = FirstArgs.ToDictionary(p => p.Key, p => p.Value.ToList()), AllKeys = AllKeys,
        Keys = [.. Keys], AllChannels = AllChannels, Channels = [.. Channels],
    };

    /// <summary>Ends editing: computes the fast-path flag.</summary>
    public AclRules Seal()
    {
        ChannelGlobs = [.. Channels.Select(c => new GlobPattern(Encoding.Latin1.GetBytes(c)))];
        Unrestricted = AllKeys && AllChannels && FirstArgs.Count == 0 && Array.TrueForAll(Allowed, allowed => allowed);
        return this;
    }

    public static string Hash(string password) => Convert.ToHexStringLower(SHA256.HashData(Encoding.Latin1.GetBytes(password)));

    /// <summary>Applies one ACL SETUSER rule; returns Redis's reason when it is refused.</summary>
    public string? Apply(string op, bool pubSubDefaultAllChannels)
    {
        if (op.Length == 0)
            return null;
        switch (op.ToLowerInvariant())
        {
            case "on": Enabled = true; return null;
            case "off": Enabled = false; return null;
            case "skip-sanitize-payload": PayloadFlag = "skip-sanitize-payload"; return null;
            case "sanitize-payload": PayloadFlag = "sanitize-payload"; return null;
            case "nopass": NoPass = true; Passwords.Clear(); return null;
            case "resetpass": NoPass = false; Passwords.Clear(); return null;
            case "allkeys" or "~*": AllKeys = true; Keys.Clear(); return null;
            case "resetkeys": AllKeys = false; Keys.Clear(); return null;
            case "allchannels" or "&*": AllChannels = true; Channels.Clear(); return null;
            case "resetchannels": AllChannels = false; Channels.Clear(); return null;
            case "allcommands" or "+@all": SetAllCommands(true); return null;
            case "nocommands" or "-@all": SetAllCommands(false); return null;
            case "clearselectors": return null;   // only the root selector exists here
            case "reset":
                NoPass = false;
                Passwords.Clear();
                AllKeys = false;
                Keys.Clear();
                AllChannels = pubSubDefaultAllChannels;
                Channels.Clear();
                Enabled = false;
                PayloadFlag = "sanitize-payload";
                SetAllCommands(false);
                return null;
        }
        return op[0] switch
        {
            '>' => AddPassword(Hash(op[1..])),
            '#' => IsHash(op[1..]) ? AddPassword(op[1..]) : BadHash,
            '<' => RemovePassword(Hash(op[1..])),
            '!' => IsHash(op[1..]) ? RemovePassword(op[1..]) : BadHash,
            '~' or '%' => AddKeyPattern(op),
            '&' => AddChannel(op[1..]),
            '+' or '-' when op.Length > 1 && op[1] == '@' => ApplyCategory(op[2..], op[0] == '+'),
            '+' => AllowCommand(op[1..]),
            '-' => DenyCommand(op[1..]),
            '(' => "Selectors are not supported",
            _ => SyntaxError,
        };
    }

    public const string SyntaxError = "Syntax error";
    private const string UnknownName = "Unknown command or category name in ACL";
    private const string BadHash = "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters";

    private static bool IsHash(string text) => text.Length == 64 && text.All(ch => ch is >= '0' and <= '9' or >= 'a' and <= 'f');

    private string? AddPassword(string hash)
    {
        if (!Passwords.Contains(hash))
            Passwords.Add(hash);
        NoPass = false;
        return null;
    }

    private string? RemovePassword(string hash) =>
        Passwords.Remove(hash) ? null : "The password you are trying to remove from the user does not exist";

    private static bool HasSpaces(string text) => text.Any(ch => ch is ' ' or '\t' or '\n' or '\r' or '\0' or '\v' or '\f');

    private string? AddKeyPattern(string op)
    {
        if (AllKeys)
            return "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns";
        int access = 0, offset = 1;
        if (op[0] == '%')
        {
            for (; offset < op.Length; offset++)
            {
                char ch = char.ToUpperInvariant(op[offset]);
                if (ch == 'R' && (access & ReadKeys) == 0) access |= ReadKeys;
                else if (ch == 'W' && (access & WriteKeys) == 0) access |= WriteKeys;
                else if (op[offset] == '~')
                {
                    offset++;
                    break;
                }
                else return SyntaxError;
            }
        }
        else
        {
            access = AllKeyAccess;
        }
        string text = op[offset..];
        if (HasSpaces(text))
            return SyntaxError;
        int existing = Keys.FindIndex(k => k.Text == text);
        if (existing < 0)
            Keys.Add(new KeyPattern(text, new GlobPattern(Encoding.Latin1.GetBytes(text)), access));
        else
            Keys[existing] = Keys[existing] with { Access = Keys[existing].Access | access };
        return null;
    }

    private string? AddChannel(string pattern)
    {
        if (AllChannels)
            return "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels";
        if (HasSpaces(pattern))
            return SyntaxError;
        if (!Channels.Contains(pattern))
            Channels.Add(pattern);
        return null;
    }

    private void SetAllCommands(bool allow)
    {
        Array.Fill(Allowed, allow);
        AllCommands = allow;
        FirstArgs.Clear();
    }

    private string? ApplyCategory(string name, bool allow)
    {
        var category = AclCategories.Parse(name);
        if (category == AclCategory.None)
            return UnknownName;
        for (int id = 0; id < AclCommandIds.Count; id++)
            if ((AclCommandIds.Categories[id] & category) != 0)
                Change(id, allow);
        return null;
    }

    /// <summary>Sets a command's bit and its subcommands' (Redis's ACLChangeSelectorPerm).</summary>
    public void Change(int id, bool allow)
    {
        Allowed[id] = allow;
        FirstArgs.Remove(id);
        foreach (int sub in AclCommandIds.Children[id])
            Allowed[sub] = allow;
    }


    private string? DenyCommand(string name)
    {
        int id = AclCommandIds.Find(name);
        if (id < 0)
            return UnknownName;
        Change(id, false);
        return null;
    }

    private string? AllowCommand(string name)
    {
        int bar = name.LastIndexOf('|');
        if (bar < 0)
        {
            int id = AclCommandIds.Find(name);
            if (id < 0)
                return UnknownName;
            Change(id, true);
            return null;
        }
        int parent = AclCommandIds.Find(name[..bar]);
        if (parent < 0)
            return UnknownName;
        if (AclCommandIds.Parents[parent] >= 0)
            return "Allowing first-arg of a subcommand is not supported";
        string first = name[(bar + 1)..];
        if (first.Length == 0)
            return SyntaxError;
        if (AclCommandIds.Children[parent].Length > 0)
        {
            int sub = AclCommandIds.Find(name);
            if (sub < 0)
                return UnknownName;
            Change(sub, true);
            return null;
        }
        // A first argument of a plain command (+select|0): deprecated in Redis, still honoured.
        var allowed = FirstArgs.TryGetValue(parent, out var list) ? list : FirstArgs[parent] = [];
        if (!allowed.Contains(first, StringComparer.OrdinalIgnoreCase))
            allowed.Add(first);
        return null;
    }
}
