namespace Istore.Node.Commands;

public static class SetCommands
{
    public static void Register(HandlerTable t)
    {
    }
}
