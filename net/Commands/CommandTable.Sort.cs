namespace Istore.Net.Commands;

public static partial class CommandTable
{
    private static void AddSort(List<CommandSpec> t)
    {
        const string g = "generic";
        (string, int)[] skips = [("LIMIT", 2), ("BY", 1), ("GET", 1)];
        t.Add(new CommandSpec("SORT", -2, W | M, 1, 1, 1, g,
            "Sorts the elements in a list, a set, or a sorted set, optionally storing the result.")
        { KeywordKeys = ["STORE"], KeywordKeyFrom = 2, KeywordKeyLastWins = true, KeywordKeySkips = skips, PatternKeys = true });
        t.Add(new CommandSpec("SORT_RO", -2, R, 1, 1, 1, g, "Returns the sorted elements of a list, a set, or a sorted set.") { PatternKeys = true });
    }
}
