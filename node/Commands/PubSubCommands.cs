namespace Istore.Node.Commands;

public static class PubSubCommands
{
    public static void Register(HandlerTable t)
    {
    }
}
