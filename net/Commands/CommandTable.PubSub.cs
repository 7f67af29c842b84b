namespace Istore.Net.Commands;

public static partial class CommandTable
{
    private static void AddPubSub(List<CommandSpec> t)
    {
        const string g = "pubsub";
        const CommandFlags S = CommandFlags.Loading | CommandFlags.Stale;
        const CommandFlags NS = CommandFlags.NoScript;
        Add(t, g, "SUBSCRIBE", -2, P | NS | S, 0, 0, 0, "Listens for messages published to channels.",
            docs: Doc("2.0.0", "O(N) where N is the number of channels to subscribe to.", "channel..."));
        Add(t, g, "UNSUBSCRIBE", -1, P | NS | S, 0, 0, 0, "Stops listening to messages posted to channels.",
            docs: Doc("2.0.0", "O(N) where N is the number of clients already subscribed to a channel.", "[channel...]"));
        Add(t, g, "PSUBSCRIBE", -2, P | NS | S, 0, 0, 0, "Listens for messages published to channels that match one or more patterns.",
            docs: Doc("2.0.0", "O(N) where N is the number of patterns the client is already subscribed to.", "(pattern:pattern)..."));
        Add(t, g, "PUNSUBSCRIBE", -1, P | NS | S, 0, 0, 0, "Stops listening to messages published to channels that match one or more patterns.",
            docs: Doc("2.0.0", "O(N+M) where N is the number of patterns the client is already subscribed and M is the number of total patterns subscribed in the system (by any client).", "[pattern:pattern...]"));
        Add(t, g, "PUBLISH", 3, P | F | S, 0, 0, 0, "Posts a message to a channel.",
            docs: Doc("2.0.0", "O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).", "channel message"));
        // Shard channels are named like keys (Redis's key specs flag them "not a key"): a proxy
        // routes them to the shard that owns the name; nothing in the keyspace is touched.
        AddShardChannels(t, g, "SSUBSCRIBE", -2, P | NS | S, -1, "Listens for messages published to shard channels.",
            Doc("7.0.0", "O(N) where N is the number of shard channels to subscribe to.", "shardchannel..."));
        AddShardChannels(t, g, "SUNSUBSCRIBE", -1, P | NS | S, -1, "Stops listening to messages posted to shard channels.",
            Doc("7.0.0", "O(N) where N is the number of clients already subscribed to a shard channel.", "[shardchannel...]"));
        AddShardChannels(t, g, "SPUBLISH", 3, P | F | S, 1, "Posts a message to a shard channel.",
            Doc("7.0.0", "O(N) where N is the number of clients subscribed to the receiving shard channel.", "shardchannel message"));
        Add(t, g, "PUBSUB", -2, CommandFlags.None, 0, 0, 0, "A container for Pub/Sub commands (CHANNELS, NUMSUB, NUMPAT, SHARDCHANNELS, SHARDNUMSUB, HELP).",
            docs: Doc("2.8.0", BySubcommand));
    }

    private static void AddShardChannels(List<CommandSpec> t, string group, string name, int arity, CommandFlags flags, int last, string summary, CommandDocs docs) =>
        t.Add(new CommandSpec(name, arity, flags, 1, last, 1, group, summary) { ChannelKeys = true, Keys = "not_key", Docs = docs });
}
