namespace Istore.Node.Commands;

/// <summary>A container command's HELP subcommand (OBJECT HELP, PUBSUB HELP): its lines as simple strings.</summary>
internal static class HelpReply
{
    /// <summary>Extra arguments get Redis's arity error for "<paramref name="container"/>|help".</summary>
    public static void Write(CommandContext c, string container, string[] lines)
    {
        if (c.Count != 2)
        {
            c.Output.WriteError(CommandErrors.WrongArgs(container + "|help"));
            return;
        }
        c.Output.WriteArrayHeader(lines.Length);
        foreach (var line in lines)
            c.Output.WriteSimpleString(line);
    }
}
