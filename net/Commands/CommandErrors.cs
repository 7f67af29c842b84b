namespace Istore.Net.Commands;

/// <summary>Redis 7's errors about a command's shape, word for word: the node and the proxy both give them.</summary>
public static class CommandErrors
{
    public const string Syntax = "ERR syntax error";

    public static string WrongArgs(string command) => $"ERR wrong number of arguments for '{command.ToLowerInvariant()}' command";

    public static string UnknownSubcommand(string command, string sub) =>
        $"ERR unknown subcommand '{Truncate(sub)}'. Try {command.ToUpperInvariant()} HELP.";

    /// <summary>Redis quotes at most 128 characters of what the client sent.</summary>
    public static string Truncate(string text) => text.Length > 128 ? text[..128] : text;
}
