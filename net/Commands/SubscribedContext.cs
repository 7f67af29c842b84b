using Istore.Net.Resp;

namespace Istore.Net.Commands;

/// <summary>
/// Redis's RESP2 subscribed context, shared by the node and the proxy: a client with any
/// subscription may only manage its subscriptions, PING, QUIT or RESET.
/// </summary>
public static class SubscribedContext
{
    private static readonly HashSet<string> Allowed =
        ["SUBSCRIBE", "UNSUBSCRIBE", "PSUBSCRIBE", "PUNSUBSCRIBE", "SSUBSCRIBE", "SUNSUBSCRIBE", "PING", "QUIT", "RESET"];

    public static bool Allows(CommandSpec spec) => Allowed.Contains(spec.Name);

    /// <summary>Redis names the command as its full name: "get", or "config|get" for a container's subcommand.</summary>
    public static string Refusal(CommandSpec spec, CommandArgs args)
    {
        var name = spec.Name.ToLowerInvariant();
        if (spec.IsContainer && args.Count > 1)
            name += "|" + args.ToString(1).ToLowerInvariant();
        return $"ERR Can't execute '{name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context";
    }
}
