namespace Istore.Net.Commands;

public static partial class CommandTable
{
    private static void AddSortedSets(List<CommandSpec> t)
    {
    }
}
