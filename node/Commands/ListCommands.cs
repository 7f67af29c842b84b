namespace Istore.Node.Commands;

public static class ListCommands
{
    public static void Register(HandlerTable t)
    {
    }
}
