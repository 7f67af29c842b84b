namespace Istore.Net.Commands;

public static partial class CommandTable
{
    private static void AddPubSub(List<CommandSpec> t)
    {
    }
}
