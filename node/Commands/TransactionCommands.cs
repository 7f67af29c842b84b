namespace Istore.Node.Commands;

public static class TransactionCommands
{
    public static void Register(HandlerTable t)
    {
    }
}
