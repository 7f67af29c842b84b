namespace Istore.Net.Commands;

public static partial class CommandTable
{
    private static void AddPubSub(List<CommandSpec> t)
    {
        const string g = "pubsub";
        const CommandFlags S = CommandFlags.Loading | CommandFlags.Stale;
        const CommandFlags NS = CommandFlags.NoScript;
        Add(t, g, "SUBSCRIBE", -2, P | NS | S, 0, 0, 0, "Listens for messages published to channels.");
        Add(t, g, "UNSUBSCRIBE", -1, P | NS | S, 0, 0, 0, "Stops listening to messages posted to channels.");
        Add(t, g, "PSUBSCRIBE", -2, P | NS | S, 0, 0, 0, "Listens for messages published to channels that match one or more patterns.");
        Add(t, g, "PUNSUBSCRIBE", -1, P | NS | S, 0, 0, 0, "Stops listening to messages published to channels that match one or more patterns.");
        Add(t, g, "PUBLISH", 3, P | F | S, 0, 0, 0, "Posts a message to a channel.");
        Add(t, g, "PUBSUB", -2, CommandFlags.None, 0, 0, 0, "A container for Pub/Sub commands (CHANNELS, NUMSUB, NUMPAT, SHARDCHANNELS, SHARDNUMSUB, HELP).");
    }
}
