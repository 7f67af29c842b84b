using System.Text;
using Istore.Net.Server;

namespace Istore.Node.Commands;

/// <summary>CLIENT ID|SETNAME|GETNAME|LIST|KILL|INFO|NO-EVICT|NO-TOUCH|SETINFO|PAUSE|UNPAUSE|UNBLOCK|REPLY|HELP; tracking's subcommands are in <see cref="ClientTrackingCommand"/>.</summary>
internal static class ClientCommand
{
    public const string InvalidNameError = "ERR Client names cannot contain spaces, newlines or special characters.";

    public static void Execute(CommandContext c)
    {
        var sub = c.ArgString(1).ToUpperInvariant();
        if (sub is "ID" or "GETNAME" or "SETNAME" or "SETINFO" or "INFO" or "LIST" or "KILL" or "NO-EVICT" or "NO-TOUCH" or "HELP"
            or "TRACKING" or "CACHING" or "GETREDIR" or "TRACKINGINFO" or "UNBLOCK" or "REPLY" or "PAUSE" or "UNPAUSE")
            c.Client.LastCommand = "CLIENT|" + sub;   // CLIENT LIST shows cmd=client|list, as Redis does
        switch (sub)
        {
            case "ID" when c.Count == 2:
                c.Output.WriteInteger(c.Connection.Id);
                break;
            case "GETNAME" when c.Count == 2:
                if (c.Client.Name is null) c.Output.WriteNull();
                else c.Output.WriteBulkString(c.Client.Name);
                break;
            case "SETNAME" when c.Count == 3:
                var name = c.ArgString(2);
                if (!IsValidName(name))
                {
                    c.Output.WriteError(InvalidNameError);
                    return;
                }
                c.Client.Name = name.Length == 0 ? null : name;
                c.Output.WriteOk();
                break;
            case "SETINFO" when c.Count == 4:
                c.Output.WriteOk();
                break;
            case "INFO" when c.Count == 2:
                c.Output.WriteVerbatimText(Describe(c.Node, c.Connection));
                break;
            case "LIST":
                List(c);
                break;
            case "KILL":
                Kill(c);
                break;
            case "NO-EVICT" or "NO-TOUCH" when c.Count == 3:
                bool? on = c.ArgIs(2, "ON"u8) ? true : c.ArgIs(2, "OFF"u8) ? false : null;
                if (on is null)
                {
                    c.Output.WriteError(CommandErrors.Syntax);
                    return;
                }
                if (sub == "NO-EVICT") c.Connection.NoEvict = on.Value;
                else c.Client.NoTouch = on.Value;
                c.Output.WriteOk();
                break;
            case "PAUSE" when c.Count is 3 or 4:
                Pause(c);
                break;
            case "UNPAUSE" when c.Count == 2:
                c.Node.Pause.Unpause();
                c.Output.WriteOk();
                break;
            case "TRACKING" when c.Count >= 3:
                ClientTrackingCommand.Tracking(c);
                break;
            case "CACHING" when c.Count == 3:
                ClientTrackingCommand.Caching(c);
                break;
            case "GETREDIR" when c.Count == 2:
                ClientTrackingCommand.GetRedirect(c);
                break;
            case "TRACKINGINFO" when c.Count == 2:
                ClientTrackingCommand.Info(c);
                break;
            case "UNBLOCK" when c.Count is 3 or 4:
                Unblock(c);
                break;
            case "REPLY" when c.Count == 3:
                Reply(c);
                break;
            case "HELP" when c.Count == 2:
                string[] help = ["CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", "ID", "GETNAME", "SETNAME <name>",
                    "LIST [TYPE normal] [ID id ...]", "KILL <ip:port> | KILL [ID id] [ADDR ip:port] [TYPE type] [USER name] [SKIPME yes|no]", "INFO", "NO-EVICT (ON|OFF)", "NO-TOUCH (ON|OFF)", "PAUSE <timeout> [WRITE|ALL]", "UNPAUSE",
                    "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]] [OPTIN] [OPTOUT] [NOLOOP]", "CACHING (YES|NO)", "GETREDIR", "TRACKINGINFO",
                    "UNBLOCK <clientid> [TIMEOUT|ERROR]", "REPLY (ON|OFF|SKIP)", "HELP"];
                c.Output.WriteArrayHeader(help.Length);
                foreach (var line in help) c.Output.WriteSimpleString(line);
                break;
            case "ID" or "GETNAME" or "SETNAME" or "SETINFO" or "INFO" or "NO-EVICT" or "NO-TOUCH" or "HELP" or "PAUSE" or "UNPAUSE"
                or "TRACKING" or "CACHING" or "GETREDIR" or "TRACKINGINFO" or "UNBLOCK" or "REPLY":
                c.Output.WriteError(CommandErrors.WrongArgs("client|" + sub.ToLowerInvariant()));
                break;
            default:
                c.Output.WriteError(CommandErrors.UnknownSubcommand("client", c.ArgString(1)));
                break;
        }
    }

    public static bool IsValidName(string name) => name.All(ch => ch > ' ' && ch <= '~');

    /// <summary>CLIENT UNBLOCK id [TIMEOUT|ERROR]: 1 when that client was blocked and is not any more.</summary>
    private static void Unblock(CommandContext c)
    {
        if (!c.TryInt64(2, out long id))
            return;
        bool withError = c.Count == 4 && c.ArgIs(3, "ERROR"u8);
        if (c.Count == 4 && !withError && !c.ArgIs(3, "TIMEOUT"u8))
        {
            c.Output.WriteError("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
            return;
        }
        bool unblocked = c.Node.Host.TryGetConnection(id, out var target) && c.Node.Database.BlockedClients.Unblock(target, withError);
        c.Output.WriteInteger(unblocked ? 1 : 0);
    }

    /// <summary>CLIENT REPLY ON|OFF|SKIP: only ON answers (the worker drops the replies of a silenced client).</summary>
    private static void Reply(CommandContext c)
    {
        if (c.ArgIs(2, "ON"u8))
        {
            c.Client.Replies = ReplyMode.On;
            c.Output.WriteOk();
        }
        else if (c.ArgIs(2, "OFF"u8))
            c.Client.Replies = ReplyMode.Off;
        else if (c.ArgIs(2, "SKIP"u8))
        {
            if (c.Client.Replies != ReplyMode.Off)
                c.Client.Replies = ReplyMode.Skip;
        }
        else
            c.Output.WriteError(CommandErrors.Syntax);
    }

    /// <summary>CLIENT PAUSE timeout [WRITE|ALL]: Redis's errors for a bad timeout or mode.</summary>
    private static void Pause(CommandContext c)
    {
        if (!long.TryParse(c.ArgString(2), out long timeout) || timeout < 0)
        {
            c.Output.WriteError("ERR timeout is not an integer or out of range");
            return;
        }
        bool all = true;
        if (c.Count == 4)
        {
            if (c.ArgIs(3, "WRITE"u8))
                all = false;
            else if (!c.ArgIs(3, "ALL"u8))
            {
                c.Output.WriteError(CommandErrors.Syntax);
                return;
            }
        }
        c.Node.Pause.Pause(timeout, all);
        c.Output.WriteOk();
    }

    /// <summary>CLIENT LIST [TYPE normal|master|replica|pubsub] [ID id …]</summary>
    private static void List(CommandContext c)
    {
        var ids = new HashSet<long>();
        string? type = null;
        for (int i = 2; i < c.Count; i++)
        {
            if (c.ArgIs(i, "TYPE"u8) && i + 1 < c.Count)
            {
                type = ClientType(c, ++i);
                if (type is null)
                    return;
            }
            else if (c.ArgIs(i, "ID"u8) && i + 1 < c.Count)
            {
                for (i++; i < c.Count; i++)
                {
                    if (!RedisNumber.TryParseInt64(c.Arg(i), out long id) || id <= 0)
                    {
                        c.Output.WriteError("ERR Invalid client ID");
                        return;
                    }
                    ids.Add(id);
                }
            }
            else
            {
                c.Output.WriteError(CommandErrors.Syntax);
                return;
            }
        }
        var text = new StringBuilder();
        foreach (var conn in c.Node.Host.Connections)
            if ((ids.Count == 0 || ids.Contains(conn.Id)) && (type is null || IsOfType(conn, type)))
                text.Append(Describe(c.Node, conn));
        c.Output.WriteVerbatimText(text.ToString());
    }

    /// <summary>A TYPE argument (normal, master, replica or slave, pubsub) in lower case, or null after Redis's error.</summary>
    private static string? ClientType(CommandContext c, int index)
    {
        var type = c.ArgString(index).ToLowerInvariant();
        if (type is "normal" or "master" or "replica" or "pubsub")
            return type;
        if (type == "slave")
            return "replica";
        c.Output.WriteError($"ERR Unknown client type '{CommandErrors.Truncate(c.ArgString(index))}'");
        return null;
    }

    /// <summary>Redis's client classes: a subscriber is pubsub, a replica's link replica; the link to a master is no client connection here.</summary>
    private static bool IsOfType(Net.Server.Connection conn, string type)
    {
        var state = conn.State as ClientState;
        bool replica = state?.ReplicaListeningPort > 0, pubsub = state?.IsSubscribed == true;
        return type switch
        {
            "replica" => replica,
            "pubsub" => pubsub,
            "normal" => !replica && !pubsub,
            _ => false,
        };
    }

    /// <summary>CLIENT KILL ip:port (old form: OK or error) or CLIENT KILL [ID id] [ADDR ip:port] [USER name] [SKIPME yes|no] (count).</summary>
    private static void Kill(CommandContext c)
    {
        if (c.Count == 2)
        {
            c.Output.WriteError(CommandErrors.WrongArgs("client|kill"));
            return;
        }
        if (c.Count == 3)
        {
            var target = c.Node.Host.Connections.FirstOrDefault(x => x.RemoteAddress == c.ArgString(2));
            if (target is null)
            {
                c.Output.WriteError("ERR No such client");
                return;
            }
            KillConnection(c, target);
            c.Output.WriteOk();
            return;
        }
        long? id = null;
        string? addr = null, type = null;
        Acl.AclUser? user = null;
        bool skipMe = true;
        for (int i = 2; i < c.Count; i += 2)
        {
            if (i + 1 >= c.Count)
            {
                c.Output.WriteError(CommandErrors.Syntax);
                return;
            }
            if (c.ArgIs(i, "ID"u8))
            {
                if (!RedisNumber.TryParseInt64(c.Arg(i + 1), out long parsed) || parsed <= 0)
                {
                    c.Output.WriteError("ERR client-id should be greater than 0");
                    return;
                }
                id = parsed;
            }
            else if (c.ArgIs(i, "ADDR"u8)) addr = c.ArgString(i + 1);
            else if (c.ArgIs(i, "TYPE"u8))
            {
                type = ClientType(c, i + 1);
                if (type is null)
                    return;
            }
            else if (c.ArgIs(i, "USER"u8))
            {
                user = c.Node.Acl.Find(c.ArgString(i + 1));
                if (user is null)
                {
                    c.Output.WriteError($"ERR No such user '{c.ArgString(i + 1)}'");
                    return;
                }
            }
            else if (c.ArgIs(i, "SKIPME"u8) && (c.ArgIs(i + 1, "YES"u8) || c.ArgIs(i + 1, "NO"u8))) skipMe = c.ArgIs(i + 1, "YES"u8);
            else
            {
                c.Output.WriteError(CommandErrors.Syntax);
                return;
            }
        }
        long killed = 0;
        foreach (var conn in c.Node.Host.Connections.ToList())
        {
            if ((id is { } wanted && conn.Id != wanted) || (addr is not null && conn.RemoteAddress != addr)
                || (user is not null && (conn.State as ClientState)?.User != user) || (type is not null && !IsOfType(conn, type)))
                continue;
            if (skipMe && conn == c.Connection)
                continue;
            KillConnection(c, conn);
            killed++;
        }
        c.Output.WriteInteger(killed);
    }

    /// <summary>Killing oneself still delivers this reply, as Redis does.</summary>
    private static void KillConnection(CommandContext c, Connection target)
    {
        if (target == c.Connection) c.Connection.CloseAfterReply = true;
        else target.Kill();
    }

    /// <summary>One CLIENT LIST line (ACL LOG's client-info too).</summary>
    internal static string Describe(Hosting.NodeServer node, Connection conn)
    {
        var state = conn.State as ClientState;
        var output = conn.Output;
        int qbuf = conn.QueryBufferBytes;
        long now = Environment.TickCount64;
        var flags = (state?.IsSubscribed == true ? "P" : "") + (state?.Transaction is null ? "" : "x")
            + (state?.Watched.Dirty == true ? "d" : "") + (conn.NoEvict ? "e" : "") + (state?.NoTouch == true ? "T" : "") + (state?.Tracking is null ? "" : "t");
        return $"id={conn.Id} addr={conn.RemoteAddress} laddr={node.Host.EndPoint} fd={conn.Fd} name={state?.Name} " +
               $"age={(now - conn.CreatedAtMs) / 1000} idle={(now - conn.LastInteractionMs) / 1000} flags={(flags.Length == 0 ? "N" : flags)} db=0 " +
               $"sub={state?.Subscriber?.Channels.Count ?? 0} psub={state?.Subscriber?.Patterns.Count ?? 0} ssub={state?.Subscriber?.ShardChannels.Count ?? 0} multi={state?.Transaction?.Count ?? -1} qbuf={qbuf} qbuf-free={Math.Max(0, conn.InputCapacity - conn.PendingInputBytes)} argv-mem=0 multi-mem={state?.Transaction?.Bytes ?? 0} " +
               $"rbs={output.Capacity} rbp={output.Capacity} obl=0 oll=0 omem={Math.Max(0, output.Length)} tot-mem={conn.MemoryUsage} events=r " +
               $"cmd={state?.LastCommand.ToLowerInvariant()} user={state?.User.Name ?? "default"} redir={state?.Tracking?.RedirectId ?? -1} resp={conn.Output.Protocol} lib-name= lib-ver=\n";
    }
}
