namespace Istore.Node.Commands;

public static class SortedSetCommands
{
    public static void Register(HandlerTable t)
    {
    }
}
