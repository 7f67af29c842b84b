namespace Istore.Net.Commands;

public static partial class CommandTable
{
    private static void AddLists(List<CommandSpec> t)
    {
    }
}
