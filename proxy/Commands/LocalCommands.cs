using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
using Istore.Net.Commands;
using Istore.Net.Resp;
using Istore.Proxy.Hosting;
using Istore.Proxy.Stats;

namespace Istore.Proxy.Commands;

/// <summary>Commands the proxy answers itself: authentication, the handshake, and tenant-scoped introspection.</summary>
internal sealed class LocalCommands(ProxyServer server, ProxyWorker worker)
{
    private const string NoAuth = "NOAUTH Authentication required.";
    private const string WrongPass = "WRONGPASS invalid username-password pair or user is disabled.";

    /// <summary>Before AUTH only AUTH, HELLO, QUIT and RESET run.</summary>
    public void ExecuteBeforeAuth(ClientSession session, CommandSpec? spec, CommandArgs args)
    {
        if (spec is null || (spec.Flags & CommandFlags.NoAuth) == 0)
            Reply(session, null, 0, w => w.WriteError(NoAuth));
        else if (!spec.AcceptsArgCount(args.Count))
            Reply(session, null, 0, w => w.WriteError(CommandErrors.WrongArgs(spec.Name)));
        else
            Execute(session, spec, args, null, 0);
    }

    public void Execute(ClientSession session, CommandSpec spec, CommandArgs args, CommandCounters? counters, long start)
    {
        var writer = worker.BeginLocalReply(session);
        switch (spec.Name)
        {
            case "AUTH":
                Auth(session, writer, args);
                break;
            case "HELLO":
                Hello(session, writer, args);
                break;
            case "PING" when session.Protocol == 2 && session.ShardChannels is { Count: > 0 }:
                // Redis's subscribed context answers PING as a message-shaped array.
                writer.WriteArrayHeader(2);
                writer.WriteBulkString("pong"u8);
                writer.WriteBulkString(args.Count == 2 ? args[1] : []);
                break;
            case "PING" when args.Count == 1:
                writer.WriteSimpleString("PONG"u8);
                break;
            case "PING" or "ECHO" when args.Count == 2:
                writer.WriteBulkString(args[1]);
                break;
            case "QUIT":
                writer.WriteOk();
                session.Quitting = true;
                session.Connection.HoldInput();
                break;
            case "RESET":
                session.Unbind();
                session.Protocol = writer.Protocol = session.Connection.Output.Protocol = 2;
                session.ForgetBackends();
                writer.WriteSimpleString("RESET"u8);
                break;
            case "SELECT":
                if (args[1].SequenceEqual("0"u8)) writer.WriteOk();
                else writer.WriteError("ERR DB index is out of range (a tenant has database 0 only)");
                break;
            case "INFO":
                writer.WriteVerbatimText(server.Info(session.Tenant!.Name, args.Count > 1 ? args.ToString(1) : "default"));
                break;
            case "CLIENT":
                Client(session, writer, args);
                break;
            case "TIME":
                long micros = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
                writer.WriteArrayHeader(2);
                writer.WriteBulkString(micros / 1_000_000);
                writer.WriteBulkString(micros % 1_000_000);
                break;
            case "COMMAND":
                CommandCommand.Execute(writer, args, ProxyCommands.Served);
                break;
            default:
                writer.WriteError($"ERR '{args.ToString(0)}' with these arguments is not supported by istore-proxy");
                break;
        }
        worker.EndLocalReply(session, writer, counters, start);
    }

    private void Reply(ClientSession session, CommandCounters? counters, long start, Action<RespWriter> write)
    {
        var writer = worker.BeginLocalReply(session);
        write(writer);
        worker.EndLocalReply(session, writer, counters, start);
    }

    private void Auth(ClientSession session, RespWriter writer, CommandArgs args)
    {
        if (args.Count > 3)
            writer.WriteError("ERR syntax error");
        else if (TryAuthenticate(session, args.Count == 3 ? args.ToString(1) : null, args[args.Count - 1], out string? error))
            writer.WriteOk();
        else
            writer.WriteError(error!);
    }

    /// <summary>
    /// Binds the connection to the tenant named <paramref name="user"/> (or, without a name or with
    /// "default", to the tenant whose password it is) if the password matches and the tenant has room.
    /// </summary>
    private bool TryAuthenticate(ClientSession session, string? user, ReadOnlySpan<byte> password, out string? error)
    {
        var routes = server.Routes;
        var route = user is null || (user == "default" && routes.Find(user) is null)
            ? routes.FindByPassword(Encoding.UTF8.GetString(password))
            : routes.Find(user);
        error = WrongPass;
        if (route is null || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(route.Password), password))
            return false;
        var tenant = server.TenantState(route.Name);
        if (session.Tenant == tenant)
            return true;
        if (!tenant.TryAddClient(route.Limits.MaxClients))
        {
            error = $"ERR max number of clients reached for tenant '{route.Name}'";
            return false;
        }
        session.Bind(tenant, worker.Stats.For(route.Name));
        return true;
    }

    /// <summary>HELLO [protover [AUTH tenant password] [SETNAME name]]: switch protocol, maybe authenticate, describe the server.</summary>
    private void Hello(ClientSession session, RespWriter writer, CommandArgs args)
    {
        int protocol = session.Protocol;
        if (args.Count > 1)
        {
            if (args[1].SequenceEqual("2"u8)) protocol = 2;
            else if (args[1].SequenceEqual("3"u8)) protocol = 3;
            else
            {
                writer.WriteError("NOPROTO unsupported protocol version");
                return;
            }
        }
        string? name = null;
        for (int i = 2; i < args.Count; i++)
        {
            if (Ascii.EqualsIgnoreCase(args[i], "AUTH"u8) && i + 2 < args.Count)
            {
                if (!TryAuthenticate(session, args.ToString(i + 1), args[i + 2], out string? error))
                {
                    writer.WriteError(error!);
                    return;
                }
                i += 2;
            }
            else if (Ascii.EqualsIgnoreCase(args[i], "SETNAME"u8) && i + 1 < args.Count)
                name = args.ToString(++i);
            else
            {
                writer.WriteError($"ERR syntax error in HELLO option '{args.ToString(i)}'");
                return;
            }
        }
        if (session.Tenant is null)
        {
            writer.WriteError("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <tenant> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time");
            return;
        }
        session.Name = name ?? session.Name;
        if (protocol != session.Protocol)
        {
            session.Protocol = writer.Protocol = session.Connection.Output.Protocol = protocol;
            session.ForgetBackends();
        }
        writer.WriteMapHeader(7);
        writer.WriteBulkString("server"u8);
        writer.WriteBulkString("istore-proxy"u8);
        writer.WriteBulkString("version"u8);
        writer.WriteBulkString(ProxyServer.Version);
        writer.WriteBulkString("proto"u8);
        writer.WriteInteger(protocol);
        writer.WriteBulkString("id"u8);
        writer.WriteInteger(session.Connection.Id);
        writer.WriteBulkString("mode"u8);
        writer.WriteBulkString("proxy"u8);
        writer.WriteBulkString("role"u8);
        writer.WriteBulkString("master"u8);
        writer.WriteBulkString("modules"u8);
        writer.WriteArrayHeader(0);
    }

    /// <summary>The CLIENT subcommands the proxy answers (those about the client's own connection), with their arity.</summary>
    public static readonly FrozenDictionary<string, int> ClientSubcommands = new Dictionary<string, int>
    {
        ["SETNAME"] = 3, ["GETNAME"] = 2, ["ID"] = 2, ["SETINFO"] = 4,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private static void Client(ClientSession session, RespWriter writer, CommandArgs args)
    {
        string sub = args.ToString(1).ToUpperInvariant();
        if (!ClientSubcommands.TryGetValue(sub, out int arity))
            writer.WriteError($"ERR CLIENT {args.ToString(1)} is not supported by istore-proxy");
        else if (args.Count != arity)
            writer.WriteError(CommandErrors.WrongArgs("client|" + sub));
        else if (sub == "SETNAME")
        {
            session.Name = args.ToString(2);
            writer.WriteOk();
        }
        else if (sub == "GETNAME")
        {
            if (session.Name is null) writer.WriteNull();
            else writer.WriteBulkString(session.Name);
        }
        else if (sub == "ID")
            writer.WriteInteger(session.Connection.Id);
        else
            writer.WriteOk();   // SETINFO: accepted, as the node does
    }
}
