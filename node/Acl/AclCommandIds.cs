using Istore.Net.Commands;
using Istore.Net.Resp;

namespace Istore.Node.Acl;

/// <summary>
/// The numbering ACL rules use, as Redis's command ids: the command table's commands first (id =
/// <see cref="CommandSpec.Index"/>), then every container's subcommands ("client|kill").
/// </summary>
internal static class AclCommandIds
{
    private static readonly int TopLevel = CommandTable.All.Count;

    /// <summary>Lower-case full names ("get", "config|set").</summary>
    public static string[] FullNames { get; }

    public static AclCategory[] Categories { get; }

    /// <summary>The id of a subcommand's container, -1 for a command.</summary>
    public static int[] Parents { get; }

    /// <summary>Per id, its subcommands' ids (empty for all but containers).</summary>
    public static int[][] Children { get; }

    public static int Count => FullNames.Length;

    private static readonly Dictionary<string, int> ByName = new(StringComparer.OrdinalIgnoreCase);

    static AclCommandIds()
    {
        var subs = CommandTable.Subcommands.Where(s => CommandTable.Find(s.Container) is not null).ToList();
        FullNames = [.. CommandTable.All.Select(c => c.Name.ToLowerInvariant()), .. subs.Select(s => (s.Container + "|" + s.Name).ToLowerInvariant())];
        Categories = [.. CommandTable.All.Select(AclCategories.Of), .. subs.Select(s => s.Categories)];
        Parents = [.. CommandTable.All.Select(_ => -1), .. subs.Select(s => CommandTable.Find(s.Container)!.Index)];
        for (int id = 0; id < FullNames.Length; id++)
            ByName[FullNames[id]] = id;
        Children = [.. Enumerable.Range(0, FullNames.Length).Select(id => Enumerable.Range(TopLevel, FullNames.Length - TopLevel).Where(sub => Parents[sub] == id).ToArray())];
    }

    /// <summary>The id of "name" or "container|sub", or -1.</summary>
    public static int Find(string fullName) => ByName.GetValueOrDefault(fullName, -1);

    /// <summary>
    /// The id a call is checked against: the subcommand's for a container called with a known
    /// subcommand, the command's otherwise. The command starts at argument <paramref name="first"/>.
    /// </summary>
    public static int Of(CommandSpec spec, CommandArgs args, int first = 0)
    {
        if (Children[spec.Index].Length == 0 || args.Count < first + 2)
            return spec.Index;
        foreach (int sub in Children[spec.Index])
            if (System.Text.Ascii.EqualsIgnoreCase(args[first + 1], FullNames[sub].AsSpan(FullNames[sub].IndexOf('|') + 1)))
                return sub;
        return spec.Index;
    }
}
