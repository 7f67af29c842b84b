namespace Istore.Node.Commands;

/// <summary>A container command's subcommands (XGROUP CREATE, XINFO STREAM…) with their own arities, as Redis 7 checks them.</summary>
internal static class Subcommands
{
    /// <summary>
    /// The index in <paramref name="table"/> of the subcommand at argument 1, or -1 after Redis's
    /// reply: unknown subcommand, or wrong arity for "container|sub".
    /// </summary>
    public static int Find(CommandContext c, string container, (string Name, int Arity)[] table)
    {
        for (int i = 0; i < table.Length; i++)
        {
            if (!System.Text.Ascii.EqualsIgnoreCase(c.Arg(1), table[i].Name))
                continue;
            int arity = table[i].Arity;
            if (arity >= 0 ? c.Count == arity : c.Count >= -arity)
                return i;
            c.Output.WriteError(CommandErrors.WrongArgs($"{container}|{table[i].Name}"));
            return -1;
        }
        c.Output.WriteError(CommandErrors.UnknownSubcommand(container, c.ArgString(1)));
        return -1;
    }

    /// <summary>Redis's addReplySubcommandSyntaxError.</summary>
    public static void SyntaxError(CommandContext c, string container) =>
        c.Output.WriteError($"ERR unknown subcommand or wrong number of arguments for '{CommandErrors.Truncate(c.ArgString(1))}'. Try {container.ToUpperInvariant()} HELP.");
}
