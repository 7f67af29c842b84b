namespace Istore.Net.Commands;

public static partial class CommandTable
{
    private static void AddSort(List<CommandSpec> t)
    {
        const string g = "generic";
        // The keys BY and GET patterns name come from the data (Redis's "unknown" spec).
        const string ByGet = "RO access i1; RO access ? # For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort";
        (string, int)[] skips = [("LIMIT", 2), ("BY", 1), ("GET", 1)];
        t.Add(new CommandSpec("SORT", -2, W | M, 1, 1, 1, g,
            "Sorts the elements in a list, a set, or a sorted set, optionally storing the result.")
        { KeywordKeys = ["STORE"], KeywordKeyFrom = 2, KeywordKeyLastWins = true, KeywordKeySkips = skips, PatternKeys = true, Keys = ByGet + "; OW update ? # For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array" });
        t.Add(new CommandSpec("SORT_RO", -2, R, 1, 1, 1, g, "Returns the sorted elements of a list, a set, or a sorted set.") { PatternKeys = true, Keys = ByGet });
    }
}
