using System.Collections.Frozen;

namespace Istore.Net.Commands;

/// <summary>
/// The one declarative command table: dispatch, arity checks, COMMAND replies and the proxy's key
/// extraction all read it. Each command family declares its rows in its own partial file.
/// </summary>
public static partial class CommandTable
{
    private const CommandFlags W = CommandFlags.Write;
    private const CommandFlags R = CommandFlags.ReadOnly;
    private const CommandFlags F = CommandFlags.Fast;
    private const CommandFlags M = CommandFlags.DenyOom;
    private const CommandFlags A = CommandFlags.Admin;
    private const CommandFlags B = CommandFlags.Blocking;
    private const CommandFlags P = CommandFlags.PubSub;

    /// <summary>The ACL categories most subcommands have: Redis's admin ones, and the others.</summary>
    private const AclCategory Dangerous = AclCategory.Admin | AclCategory.Slow | AclCategory.Dangerous, Slow = AclCategory.Slow;

    /// <summary>The complexity most commands document.</summary>
    private const string O1 = "O(1)";

    /// <summary>A container's complexity: its subcommands document their own.</summary>
    private const string BySubcommand = "Depends on subcommand.";

    /// <summary>What the HELP subcommands do.</summary>
    private const string SubcommandHelp = "Show helpful text about the different subcommands";

    /// <summary>The history of the blocking pops.</summary>
    private const string DoubleTimeout = "6.0.0 `timeout` is interpreted as a double instead of an integer.";

    /// <summary>The complexity of SCAN and its relatives (theirs end with a second period, as Redis's do).</summary>
    private const string Scan = "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.";

    /// <summary>The arguments of HSCAN, SSCAN and ZSCAN.</summary>
    private const string CollectionScan = "key:key cursor:integer [MATCH pattern:pattern] [COUNT count:integer]";

    public static IReadOnlyList<CommandSpec> All { get; } = Build();

    private static readonly CommandNameTable ByBytes = new(All);

    /// <summary>Finds a command by its name as sent (any case), without allocating.</summary>
    public static CommandSpec? Find(ReadOnlySpan<byte> name) => ByBytes.Find(name);

    /// <summary>Finds a command by name (any case): a name with characters past ASCII is no command's.</summary>
    public static CommandSpec? Find(string name)
    {
        if (!System.Text.Ascii.IsValid(name))
            return null;
        Span<byte> bytes = name.Length <= 64 ? stackalloc byte[name.Length] : new byte[name.Length];
        System.Text.Encoding.ASCII.GetBytes(name, bytes);
        return ByBytes.Find(bytes);
    }

    /// <summary>The containers' subcommands, by container then name; each family declares its own.</summary>
    public static IReadOnlyList<Subcommand> Subcommands { get; } = BuildSubcommands();

    private static readonly FrozenDictionary<string, Subcommand[]> SubcommandsByContainer =
        Subcommands.GroupBy(s => s.Container).ToFrozenDictionary(g => g.Key, g => g.ToArray(), StringComparer.OrdinalIgnoreCase);

    /// <summary>The subcommands of <paramref name="container"/>; empty for a command without any.</summary>
    public static IReadOnlyList<Subcommand> SubcommandsOf(string container) => SubcommandsByContainer.GetValueOrDefault(container, []);

    /// <summary>Finds "container|sub" (any case), as Redis looks a subcommand up by its full name.</summary>
    public static Subcommand? FindSubcommand(string fullName)
    {
        int bar = fullName.IndexOf('|');
        if (bar < 0)
            return null;
        var name = fullName[(bar + 1)..];
        return SubcommandsOf(fullName[..bar]).FirstOrDefault(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
    }

    private static CommandSpec[] Build()
    {
        var all = new List<CommandSpec>();
        AddStrings(all);
        AddBitmaps(all);
        AddHyperLogLog(all);
        AddSort(all);
        AddGeo(all);
        AddKeys(all);
        AddConnection(all);
        AddServer(all);
        AddHashes(all);
        AddLists(all);
        AddSets(all);
        AddSortedSets(all);
        AddTransactions(all);
        AddPubSub(all);
        AddRanklist(all);
        AddStreams(all);
        AddReplication(all);
        AddScripting(all);
        AddAdmin(all);
        AddCluster(all);
        for (int i = 0; i < all.Count; i++)
        {
            all[i].Index = i;
            all[i].ParseKeySpecs();
            all[i].Docs.BelongTo(all[i].Name);
        }
        return [.. all];
    }

    private static Subcommand[] BuildSubcommands()
    {
        var all = new List<Subcommand>();
        AddAdminSubcommands(all);
        AddClientSubcommands(all);
        AddClusterSubcommands(all);
        AddDataSubcommands(all);
        foreach (var sub in all)
        {
            sub.Docs.BelongTo(sub.FullName);
            (Find(sub.Container) ?? throw new InvalidOperationException($"{sub.FullName}: no such container")).IsContainer = true;
        }
        return [.. all.OrderBy(s => s.Container, StringComparer.Ordinal).ThenBy(s => s.Name, StringComparer.Ordinal)];
    }

    /// <summary>One subcommand row.</summary>
    private static void Add(List<Subcommand> to, string container, string name, AclCategory categories, string summary, CommandDocs docs) =>
        to.Add(new Subcommand(container, name, categories, summary, docs));

    /// <summary>One row: <paramref name="keys"/> in <see cref="KeySpecNotation"/>, <paramref name="tips"/> separated by spaces.</summary>
    private static void Add(List<CommandSpec> to, string group, string name, int arity, CommandFlags flags,
        int first, int last, int step, string summary, CommandDocs docs, int numKeysAt = 0, string? keys = null, string? tips = null) =>
        to.Add(new CommandSpec(name, arity, flags, first, last, step, group, summary)
        {
            NumKeysAt = numKeysAt,
            Keys = keys,
            Tips = tips?.Split(' ') ?? [],
            Docs = docs,
        });

    /// <summary>
    /// A row's COMMAND DOCS: <paramref name="syntax"/> in <see cref="ArgumentNotation"/>;
    /// <paramref name="history"/> entries and <paramref name="deprecated"/> each a version, a space
    /// and the text ("6.2.0 `SET` with the `!GET` argument").
    /// </summary>
    internal static CommandDocs Doc(string since, string? complexity, string syntax = "", string[]? history = null, string? deprecated = null, bool syscmd = false)
    {
        var replaced = deprecated is null ? default : Split(deprecated);
        return new CommandDocs(since, complexity, syntax)
        {
            History = history?.Select(Split).ToArray() ?? [],
            DeprecatedSince = replaced.Version,
            ReplacedBy = replaced.Text,
            SystemCommand = syscmd,
        };

        static (string Version, string Text) Split(string entry)
        {
            int space = entry.IndexOf(' ');
            return space > 0 ? (entry[..space], entry[(space + 1)..]) : throw new InvalidOperationException($"no version in '{entry}'");
        }
    }
}
