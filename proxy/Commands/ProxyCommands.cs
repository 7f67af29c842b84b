using System.Collections.Frozen;
using Istore.Net.Commands;

namespace Istore.Proxy.Commands;

/// <summary>How the proxy treats a command of the shared command table.</summary>
internal enum RouteKind
{
    /// <summary>To the shard of its key(s); several keys must share a shard.</summary>
    Forward,
    /// <summary>MGET, MSET, DEL, UNLINK, EXISTS, TOUCH: split per shard, replies joined.</summary>
    Split,
    /// <summary>DBSIZE, KEYS, FLUSHDB, FLUSHALL, PUBSUB: to every shard of the tenant, replies joined.</summary>
    FanOut,
    /// <summary>SCAN: one shard at a time, the cursor says which.</summary>
    Scan,
    /// <summary>RANDOMKEY: any shard.</summary>
    AnyShard,
    /// <summary>Answered by the proxy itself (AUTH, HELLO, PING, INFO…).</summary>
    Local,
    /// <summary>Admin or keyless commands a tenant may not send through the proxy.</summary>
    Refused,
    /// <summary>Blocking, transaction and pub/sub commands: they would stall or change a shared backend connection.</summary>
    NeedsOwnConnection,
    /// <summary>SSUBSCRIBE, SUNSUBSCRIBE: the client's own subscriber links to the shards owning the channels.</summary>
    ShardChannels,
}

/// <summary>
/// The proxy's knowledge about commands beyond what the shared table says (key positions,
/// arity come from <see cref="CommandTable"/>): which ones it splits, fans out or answers itself.
/// </summary>
internal static class ProxyCommands
{
    private static readonly FrozenSet<string> Split = FrozenSet.Create(StringComparer.Ordinal, "MGET", "MSET", "DEL", "UNLINK", "EXISTS", "TOUCH");
    private static readonly FrozenSet<string> FanOut = FrozenSet.Create(StringComparer.Ordinal, "DBSIZE", "KEYS", "FLUSHDB", "FLUSHALL", "SCRIPT", "PUBSUB");

    /// <summary>The SCRIPT subcommands that make sense on every shard at once (KILL concerns one shard: send it there).</summary>
    public static bool IsFanOutScript(ReadOnlySpan<byte> subcommand) =>
        System.Text.Ascii.EqualsIgnoreCase(subcommand, "LOAD"u8) || System.Text.Ascii.EqualsIgnoreCase(subcommand, "EXISTS"u8)
        || System.Text.Ascii.EqualsIgnoreCase(subcommand, "FLUSH"u8);
    private static readonly FrozenSet<string> Local = FrozenSet.Create(StringComparer.Ordinal,
        "PING", "ECHO", "AUTH", "HELLO", "QUIT", "RESET", "SELECT", "INFO", "CLIENT", "TIME", "COMMAND");

    /// <summary>
    /// Commands that need a connection of their own (transactions, blocking, pub/sub) are not
    /// multiplexed over shared backend connections: a clear error instead of a stalled pipeline.
    /// </summary>
    private static readonly FrozenSet<string> NeedDedicatedConnection = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
        "MULTI", "EXEC", "DISCARD", "WATCH", "UNWATCH", "SUBSCRIBE", "PSUBSCRIBE", "UNSUBSCRIBE",
        "PUNSUBSCRIBE", "MONITOR", "BLPOP", "BRPOP", "BLMOVE", "BRPOPLPUSH", "BLMPOP", "BZPOPMIN",
        "BZPOPMAX", "BZMPOP", "WAIT", "WAITAOF");

    /// <summary>Commands that name a backend address themselves: the proxy hides backends, so they go to a shard directly.</summary>
    private static readonly FrozenSet<string> NameBackends = FrozenSet.Create(StringComparer.Ordinal, "MIGRATE");

    private static readonly RouteKind[] Kinds = CommandTable.All.Select(Classify).ToArray();

    public static RouteKind KindOf(CommandSpec spec) => Kinds[spec.Index];

    /// <summary>
    /// What COMMAND lists through the proxy: the commands it serves, not the refused ones nor those
    /// needing a connection of their own, so that clients which plan with COMMAND (go-redis's
    /// read-only routing, redis-cli's hints, RedisInsight) do not offer what would only fail here.
    /// A served container is listed with the subcommands the proxy serves of it.
    /// </summary>
    public static CommandCatalog Served { get; } =
        new(CommandTable.All.Where(spec => KindOf(spec) is not (RouteKind.Refused or RouteKind.NeedsOwnConnection)), ServesSubcommand);

    /// <summary>CLIENT's are answered here (only those about the client's own connection); SCRIPT's fan out (only those that make sense on every shard).</summary>
    private static bool ServesSubcommand(Subcommand sub) => sub.Container switch
    {
        "CLIENT" => LocalCommands.ClientSubcommands.ContainsKey(sub.Name),
        "SCRIPT" => IsFanOutScript(System.Text.Encoding.ASCII.GetBytes(sub.Name)),
        _ => true,
    };

    public static string UnknownCommandError(string name) =>
        NeedDedicatedConnection.Contains(name) ? OwnConnectionError(name) : $"ERR unknown command '{name}'";

    public static string OwnConnectionError(string name) =>
        $"ERR '{name}' needs a dedicated backend connection, which istore-proxy does not offer: send it to the shard directly";

    /// <summary>The error a refused command gets.</summary>
    public static string RefusedError(CommandSpec spec) => NameBackends.Contains(spec.Name)
        ? $"ERR '{spec.Name}' names a backend address, which istore-proxy hides: send it to the shard's node directly"
        : $"ERR '{spec.Name}' is not available through istore-proxy";

    private static RouteKind Classify(CommandSpec spec)
    {
        if (NameBackends.Contains(spec.Name))
            return RouteKind.Refused;
        if (Split.Contains(spec.Name))
            return RouteKind.Split;
        if (FanOut.Contains(spec.Name))
            return RouteKind.FanOut;
        if (Local.Contains(spec.Name))
            return RouteKind.Local;
        if (spec.ChannelKeys)
            return spec.Name == "SPUBLISH" ? RouteKind.Forward : RouteKind.ShardChannels;
        if ((spec.Flags & (CommandFlags.Blocking | CommandFlags.PubSub)) != 0 || spec.Group is "transactions" or "pubsub"
            || NeedDedicatedConnection.Contains(spec.Name))
            return RouteKind.NeedsOwnConnection;
        return spec.Name switch
        {
            "SCAN" => RouteKind.Scan,
            "RANDOMKEY" => RouteKind.AnyShard,
            _ when spec.HasKeys && (spec.Flags & CommandFlags.Admin) == 0 => RouteKind.Forward,
            _ => RouteKind.Refused,
        };
    }
}
