namespace Istore.Net.Commands;

public static partial class CommandTable
{
    private static void AddTransactions(List<CommandSpec> t)
    {
    }
}
