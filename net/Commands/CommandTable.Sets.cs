namespace Istore.Net.Commands;

public static partial class CommandTable
{
    private static void AddSets(List<CommandSpec> t)
    {
    }
}
