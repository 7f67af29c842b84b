namespace Istore.Node.Commands;

/// <summary>PING ECHO HELLO AUTH SELECT QUIT RESET (CLIENT lives in its own file).</summary>
public static class ConnectionCommands
{
    public static void Register(HandlerTable t)
    {
        t.Add("PING", Ping);
        t.Add("ECHO", c => c.Output.WriteBulkString(c.Arg(1)));
        t.Add("HELLO", Hello);
        t.Add("AUTH", Auth);
        t.Add("SELECT", Select);
        t.Add("QUIT", Quit);
        t.Add("RESET", Reset);
        t.Add("CLIENT", ClientCommand.Execute);
    }

    /// <summary>A subscribed RESP2 client gets ["pong", message] instead, as in Redis.</summary>
    private static void Ping(CommandContext c)
    {
        if (c.Count > 2)
        {
            c.WrongArity();
        }
        else if (c.Client.IsSubscribed && !c.Output.IsResp3)
        {
            c.Output.WriteArrayHeader(2);
            c.Output.WriteBulkString("pong"u8);
            c.Output.WriteBulkString(c.Count == 2 ? c.Arg(1) : []);
        }
        else if (c.Count == 2)
        {
            c.Output.WriteBulkString(c.Arg(1));
        }
        else
        {
            c.Output.WriteRaw("+PONG\r\n"u8);
        }
    }

    /// <summary>HELLO [protover [AUTH username password] [SETNAME clientname]]</summary>
    private static void Hello(CommandContext c)
    {
        int protocol = c.Output.Protocol;
        if (c.Count >= 2)
        {
            if (!RedisNumber.TryParseInt64(c.Arg(1), out long requested))
            {
                c.Output.WriteError("ERR Protocol version is not an integer or out of range");
                return;
            }
            if (requested is not (2 or 3))
            {
                c.Output.WriteError(Errors.NoProto);
                return;
            }
            protocol = (int)requested;
        }
        string? name = null;
        for (int i = 2; i < c.Count; i++)
        {
            if (c.ArgIs(i, "AUTH"u8) && i + 2 < c.Count)
            {
                if (!TryAuthenticate(c, c.ArgString(i + 1), c.ArgString(i + 2)))
                    return;
                i += 2;
            }
            else if (c.ArgIs(i, "SETNAME"u8) && i + 1 < c.Count)
            {
                name = c.ArgString(++i);
                if (!ClientCommand.IsValidName(name))
                {
                    c.Output.WriteError(ClientCommand.InvalidNameError);
                    return;
                }
            }
            else
            {
                c.Output.WriteError($"ERR Syntax error in HELLO option '{CommandErrors.Truncate(c.ArgString(i))}'");
                return;
            }
        }
        if (!c.Client.Authenticated)
        {
            c.Output.WriteError("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time");
            return;
        }
        if (name is not null)
            c.Client.Name = name;
        c.Output.Protocol = protocol;
        c.Output.WriteMapHeader(7);
        c.Output.WriteBulkString("server"u8);
        c.Output.WriteBulkString("redis"u8);
        c.Output.WriteBulkString("version"u8);
        c.Output.WriteBulkString(Hosting.NodeServer.Version);
        c.Output.WriteBulkString("proto"u8);
        c.Output.WriteInteger(protocol);
        c.Output.WriteBulkString("id"u8);
        c.Output.WriteInteger(c.Connection.Id);
        c.Output.WriteBulkString("mode"u8);
        c.Output.WriteBulkString("standalone"u8);
        c.Output.WriteBulkString("role"u8);
        c.Output.WriteBulkString("master"u8);
        c.Output.WriteBulkString("modules"u8);
        c.Output.WriteArrayHeader(0);
    }

    /// <summary>AUTH [username] password: the one-argument form names the default user (whose password is requirepass).</summary>
    private static void Auth(CommandContext c)
    {
        if (c.Count > 3)
        {
            c.Output.WriteError(CommandErrors.Syntax);
            return;
        }
        if (c.Count == 2 && c.Node.Acl.Default.Rules.NoPass)
        {
            c.Output.WriteError(Errors.NoPasswordSet);
            return;
        }
        string user = c.Count == 3 ? c.ArgString(1) : "default";
        if (TryAuthenticate(c, user, c.ArgString(c.Count - 1)))
            c.Output.WriteOk();
    }

    /// <summary>A failed login goes to ACL LOG under the name tried, as Redis's ACLAuthenticateUser.</summary>
    private static bool TryAuthenticate(CommandContext c, string userName, string password)
    {
        var user = c.Node.Acl.Find(userName);
        if (user is null || !user.Accepts(password))
        {
            c.Node.Acl.Log.Add(Acl.AclDenial.Auth, c.Client.Transaction is null ? "toplevel" : "multi", c.ArgString(0), userName,
                ClientCommand.Describe(c.Node, c.Connection).TrimEnd('\n'));
            c.Output.WriteError(Errors.WrongPass);
            return false;
        }
        c.Client.User = user;
        c.Client.Authenticated = true;
        return true;
    }

    private static void Select(CommandContext c)
    {
        if (!RedisNumber.TryParseInt64(c.Arg(1), out long db))
            c.Output.WriteError(Errors.NotInteger);
        else if (db != 0)
            c.Output.WriteError(Errors.DbIndexOutOfRange);
        else
            c.Output.WriteOk();
    }

    private static void Quit(CommandContext c)
    {
        c.Output.WriteOk();
        c.Connection.CloseAfterReply = true;
    }

    private static void Reset(CommandContext c)
    {
        TransactionCommands.EndTransaction(c.Node, c.Client);
        PubSubCommands.UnsubscribeAll(c.Node, c.Client);
        c.Output.Protocol = 2;
        c.Client.Name = null;
        c.Connection.NoEvict = false;
        c.Client.NoTouch = false;
        c.Client.Replies = ReplyMode.On;
        if (c.Client.Tracking is { } tracking)
            c.Node.Database.Tracking.Disable(tracking);
        c.Client.Tracking = null;
        c.Client.User = c.Node.Acl.Default;
        c.Client.Authenticated = c.Node.Acl.DefaultAuthenticates;
        c.Output.WriteSimpleString("RESET"u8);
    }
}
