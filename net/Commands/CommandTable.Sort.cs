namespace Istore.Net.Commands;

public static partial class CommandTable
{
    private static void AddSort(List<CommandSpec> t)
    {
        const string g = "generic";
        // The keys BY and GET patterns name come from the data (Redis's "unknown" spec).
        const string ByGet = "RO access i1; RO access ? # For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort";
        const string Complexity = "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).";
        const string Syntax = "key:key [BY pattern:pattern@1] [LIMIT (offset:integer count:integer)] [GET pattern:pattern@1]... order=[ASC | DESC] [sorting=ALPHA]";
        (string, int)[] skips = [("LIMIT", 2), ("BY", 1), ("GET", 1)];
        t.Add(new CommandSpec("SORT", -2, W | M, 1, 1, 1, g,
            "Sorts the elements in a list, a set, or a sorted set, optionally storing the result.")
        {
            KeywordKeys = ["STORE"], KeywordKeyFrom = 2, KeywordKeyLastWins = true, KeywordKeySkips = skips, PatternKeys = true,
            Keys = ByGet + "; OW update ? # For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array",
            Docs = Doc("1.0.0", Complexity, Syntax + " [STORE destination:key]"),
        });
        t.Add(new CommandSpec("SORT_RO", -2, R, 1, 1, 1, g, "Returns the sorted elements of a list, a set, or a sorted set.")
        { PatternKeys = true, Keys = ByGet, Docs = Doc("7.0.0", Complexity, Syntax) });
    }
}
