using Istore.Node.Commands;

namespace Istore.Node.Acl;

/// <summary>What a user change does to connections already logged in as that user, as in Redis.</summary>
internal static class AclConnections
{
    /// <summary>ACL DELUSER: the user's connections close (the one deleting it after this reply).</summary>
    public static void Drop(CommandContext c, AclUser user)
    {
        foreach (var connection in c.Node.Host.Connections.ToList())
        {
            if (connection.State is not ClientState client || client.User != user)
                continue;
            client.User = c.Node.Acl.Default;
            client.Authenticated = false;
            if (connection == c.Connection) connection.CloseAfterReply = true;
            else connection.Kill();
        }
    }

    /// <summary>
    /// ACL SETUSER that takes channels away: subscribers of the user holding a channel or pattern
    /// the new rules refuse are disconnected (Redis's ACLKillPubsubClientsIfNeeded).
    /// </summary>
    public static void DropRevokedSubscribers(CommandContext c, AclUser user, AclRules before)
    {
        var after = user.Rules;
        if (after.AllChannels || (!before.AllChannels && before.Channels.All(after.Channels.Contains)))
            return;
        foreach (var connection in c.Node.Host.Connections.ToList())
        {
            if (connection.State is not ClientState { Subscriber: { } subscriber } client || client.User != user || !client.IsSubscribed)
                continue;
            if (!HoldsRevoked(subscriber, after))
                continue;
            if (connection == c.Connection) connection.CloseAfterReply = true;
            else connection.Kill();
        }
    }

    /// <summary>
    /// Whether a subscriber holds a channel or pattern the rules refuse. Its sets belong to its own
    /// loop: one changing while read here counts as revoked, erring towards closing.
    /// </summary>
    private static bool HoldsRevoked(PubSub.Subscriber subscriber, AclRules rules)
    {
        try
        {
            return subscriber.Patterns.Any(p => !AclCheck.AllowsChannel(rules, p, isPattern: true))
                || subscriber.Channels.Any(ch => !AclCheck.AllowsChannel(rules, ch, isPattern: false))
                || subscriber.ShardChannels.Any(ch => !AclCheck.AllowsChannel(rules, ch, isPattern: false));
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    /// <summary>Adds a refusal to ACL LOG: the command's full name, or the refused key or channel.</summary>
    public static void Log(Hosting.NodeServer node, Net.Server.Connection connection, ClientState client, AclDenial denial, string context,
        Net.Commands.CommandSpec spec, Net.Resp.CommandArgs args, int first, int refusedAt)
    {
        string obj = denial == AclDenial.Command
            ? AclCommandIds.FullNames[AclCommandIds.Of(spec, args, first)]
            : System.Text.Encoding.UTF8.GetString(args[first + refusedAt]);
        node.Acl.Log.Add(denial, context, obj, client.User.Name, ClientCommand.Describe(node, connection).TrimEnd('\n'));
    }
}
