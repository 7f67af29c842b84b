using System.Collections.Frozen;
using static Istore.Net.Commands.AclCategory;

namespace Istore.Net.Commands;

/// <summary>
/// The ACL categories of every command, for COMMAND INFO, ACL CAT and ACL rules (+@read…): derived
/// from the table's flags and group as Redis's setImplicitACLCategories does, plus the categories
/// Redis declares per command. Container commands' subcommands carry their own.
/// </summary>
public static class AclCategories
{
    /// <summary>Category names without the '@', in Redis's order (bit i of <see cref="AclCategory"/>).</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "keyspace", "read", "write", "set", "sortedset", "list", "hash", "string", "bitmap", "hyperloglog", "geo", "stream",
        "pubsub", "admin", "fast", "slow", "blocking", "dangerous", "connection", "transaction", "scripting",
    ];

    private static readonly FrozenDictionary<string, AclCategory> ByName =
        Names.Select((name, i) => (name, flag: (AclCategory)(1u << i))).ToFrozenDictionary(p => p.name, p => p.flag, StringComparer.OrdinalIgnoreCase);

    /// <summary>The category named (without '@'), or None for an unknown name.</summary>
    public static AclCategory Parse(string name) => ByName.GetValueOrDefault(name);

    /// <summary>The categories of a whole command (for a container, those of the container itself).</summary>
    public static AclCategory Of(CommandSpec spec) => OfCommand[spec.Index];

    /// <summary>"@read", "@fast"… for a set of categories, in Redis's order.</summary>
    public static List<string> Describe(AclCategory categories)
    {
        var names = new List<string>();
        for (int i = 0; i < Names.Count; i++)
            if (((uint)categories & (1u << i)) != 0)
                names.Add("@" + Names[i]);
        return names;
    }

    /// <summary>The data-type category of a group (Redis's categories follow the command's group).</summary>
    private static readonly Dictionary<string, AclCategory> GroupCategories = new()
    {
        ["generic"] = Keyspace, ["string"] = AclCategory.String, ["bitmap"] = Bitmap, ["hyperloglog"] = HyperLogLog, ["geo"] = Geo,
        ["hash"] = Hash, ["list"] = AclCategory.List, ["set"] = AclCategory.Set, ["sorted_set"] = SortedSet, ["stream"] = AclCategory.Stream,
        ["pubsub"] = PubSub, ["connection"] = Connection, ["transactions"] = Transaction, ["scripting"] = Scripting,
    };

    /// <summary>Categories Redis declares for a command beyond its flags and group; a leading None replaces the group's.</summary>
    private static readonly Dictionary<string, AclCategory> Declared = new()
    {
        ["SORT"] = AclCategory.Set | SortedSet | AclCategory.List | Dangerous,
        ["SORT_RO"] = AclCategory.Set | SortedSet | AclCategory.List | Dangerous,
        ["DBSIZE"] = Keyspace, ["FLUSHDB"] = Keyspace | Dangerous, ["FLUSHALL"] = Keyspace | Dangerous,
        ["KEYS"] = Dangerous, ["INFO"] = Dangerous, ["LASTSAVE"] = Admin | Dangerous, ["RESTORE"] = Dangerous, ["MIGRATE"] = Dangerous,
        ["COMMAND"] = Connection, ["WAIT"] = Connection, ["ROLE"] = Admin | Dangerous,
    };

    /// <summary>Commands Redis files under no type although their group names one.</summary>
    private static readonly HashSet<string> Untyped = ["SORT", "SORT_RO"];

    /// <summary>Container commands Redis reports as just @slow (their subcommands carry the real categories).</summary>
    private static readonly HashSet<string> BareContainers = ["OBJECT", "CLIENT", "CONFIG", "PUBSUB", "SLOWLOG", "LATENCY", "MEMORY", "ACL", "XINFO", "XGROUP", "SCRIPT", "FUNCTION", "CLUSTER"];

    // After the tables Derive reads: static fields initialise in order.
    private static readonly AclCategory[] OfCommand = [.. CommandTable.All.Select(Derive)];

    private static AclCategory Derive(CommandSpec spec)
    {
        if (BareContainers.Contains(spec.Name))
            return Slow;
        var categories = Declared.GetValueOrDefault(spec.Name);
        if (!Untyped.Contains(spec.Name))
            categories |= GroupCategories.GetValueOrDefault(spec.Group);
        var flags = spec.Flags;
        if ((flags & CommandFlags.Write) != 0) categories |= Write;
        if ((flags & CommandFlags.ReadOnly) != 0 && spec.Group != "scripting") categories |= Read;
        if ((flags & CommandFlags.Admin) != 0) categories |= Admin | Dangerous;
        if ((flags & CommandFlags.PubSub) != 0) categories |= PubSub;
        if ((flags & CommandFlags.Blocking) != 0) categories |= Blocking;
        categories |= (flags & CommandFlags.Fast) != 0 ? Fast : Slow;
        return categories;
    }
}
