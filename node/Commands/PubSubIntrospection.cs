using Istore.Node.Keyspace;

namespace Istore.Node.Commands;

/// <summary>PUBSUB CHANNELS [pattern] | NUMSUB [channel…] | NUMPAT | SHARDCHANNELS | SHARDNUMSUB | HELP.</summary>
internal static class PubSubIntrospection
{
    private static readonly string[] Help =
    [
        "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CHANNELS [<pattern>]",
        "    Return the currently active channels matching a <pattern> (default: '*').",
        "NUMPAT",
        "    Return number of subscriptions to patterns.",
        "NUMSUB [<channel> ...]",
        "    Return the number of subscribers for the specified channels, excluding",
        "    pattern subscriptions(default: no channels).",
        "SHARDCHANNELS [<pattern>]",
        "    Return the currently active shard level channels matching a <pattern> (default: '*').",
        "SHARDNUMSUB [<shardchannel> ...]",
        "    Return the number of subscribers for the specified shard level channel(s)",
        "HELP",
        "    Prints this help.",
    ];

    public static void Execute(CommandContext c)
    {
        if (c.ArgIs(1, "CHANNELS"u8) || c.ArgIs(1, "SHARDCHANNELS"u8))
            Channels(c, shard: c.ArgIs(1, "SHARDCHANNELS"u8));
        else if (c.ArgIs(1, "NUMSUB"u8) || c.ArgIs(1, "SHARDNUMSUB"u8))
            NumSub(c, shard: c.ArgIs(1, "SHARDNUMSUB"u8));
        else if (c.ArgIs(1, "NUMPAT"u8))
            NumPat(c);
        else if (c.ArgIs(1, "HELP"u8))
            HelpReply.Write(c, "pubsub", Help);
        else
            c.Output.WriteError(CommandErrors.UnknownSubcommand("PUBSUB", c.ArgString(1)));
    }

    private static void Channels(CommandContext c, bool shard)
    {
        if (c.Count > 3)
        {
            c.Output.WriteError($"ERR unknown subcommand or wrong number of arguments for '{c.ArgString(1)}'. Try PUBSUB HELP.");
            return;
        }
        var match = c.Count == 3 ? new GlobPattern(c.Args.ToArray(2)) : null;
        var channels = c.Node.PubSub.ActiveChannels(match, shard);
        c.Output.WriteArrayHeader(channels.Count);
        foreach (var channel in channels)
            c.Output.WriteBulkString(channel);
    }

    private static void NumSub(CommandContext c, bool shard)
    {
        c.Output.WriteArrayHeader((c.Count - 2) * 2);
        for (int i = 2; i < c.Count; i++)
        {
            c.Output.WriteBulkString(c.Arg(i));
            c.Output.WriteInteger(c.Node.PubSub.SubscriberCount(c.Arg(i), shard));
        }
    }

    private static void NumPat(CommandContext c)
    {
        if (c.Count != 2)
            c.Output.WriteError(CommandErrors.WrongArgs("pubsub|numpat"));
        else
            c.Output.WriteInteger(c.Node.PubSub.PatternCount);
    }
}
