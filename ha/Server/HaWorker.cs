using System.Security.Cryptography;
using System.Text;
using Istore.Ha.Config;
using Istore.Ha.Hosting;
using Istore.Ha.State;
using Istore.Net.Resp;
using Istore.Net.Routes;
using Istore.Net.Server;

namespace Istore.Ha.Server;

/// <summary>
/// HA's RESP port: PING, AUTH (the admin token), INFO, ROUTES GET|SUBSCRIBE|ACK (proxies),
/// PROXIES tenant (the name service), FAILOVER tenant shard [replica] (planned switchover), MEMORY PURGE, QUIT.
/// </summary>
internal sealed class HaWorker(HaServer server) : ILoopWorker
{
    private sealed class Session
    {
        public bool Authenticated;
    }

    public void OnOpen(Connection connection) => connection.State = new Session { Authenticated = server.Options.AdminToken is null };

    public void OnClose(Connection connection) => server.Routes.Unsubscribe(connection);

    public void BeforeSend()
    {
    }

    public void Dispose()
    {
    }

    public void Execute(Connection connection, CommandArgs args)
    {
        var session = (Session)connection.State!;
        var output = connection.Output;
        string command = args.ToString(0).ToUpperInvariant();
        if (command == "AUTH")
        {
            Auth(session, output, args);
            return;
        }
        if (command == "QUIT")
        {
            output.WriteOk();
            connection.CloseAfterReply = true;
            return;
        }
        if (!session.Authenticated)
        {
            output.WriteError("NOAUTH Authentication required.");
            return;
        }
        switch (command)
        {
            case "PING":
                output.WriteSimpleString("PONG");
                break;
            case "INFO":
                output.WriteBulkString(HaInfo.Text(server));
                break;
            case "ROUTES":
                Routes(connection, args);
                break;
            case "PROXIES" when args.Count == 2:
                Proxies(output, args.ToString(1));
                break;
            case "FAILOVER" when args.Count is 3 or 4:
                Failover(connection, args);
                break;
            case "MEMORY" when args.Count == 2 && args.ToString(1).Equals("PURGE", StringComparison.OrdinalIgnoreCase):
                // As Redis's MEMORY PURGE: give back what can be given back. A full compacting collection here, so an
                // operator (and the soak test) can tell live memory from garbage the GC has not yet had reason to collect.
                System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
                GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                output.WriteOk();
                break;
            case "PROXIES" or "FAILOVER" or "MEMORY":
                output.WriteError($"ERR wrong number of arguments for '{command.ToLowerInvariant()}' command");
                break;
            default:
                output.WriteError($"ERR unknown command '{args.ToString(0)}'");
                break;
        }
    }

    private void Auth(Session session, RespWriter output, CommandArgs args)
    {
        string? token = server.Options.AdminToken;
        if (args.Count != 2)
            output.WriteError("ERR wrong number of arguments for 'auth' command");
        else if (token is null)
            output.WriteError("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?");
        else if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), args[1]))
            output.WriteError("WRONGPASS invalid username-password pair or user is disabled.");
        else
        {
            session.Authenticated = true;
            output.WriteOk();
        }
    }

    private void Routes(Connection connection, CommandArgs args)
    {
        var output = connection.Output;
        string sub = args.Count > 1 ? args.ToString(1).ToUpperInvariant() : "";
        if (sub == "GET" && args.Count == 2)
            output.WriteBulkString(HaConfigLoader.SerializeRoutes(server.Store.Current));
        else if (sub == "SUBSCRIBE" && args.Count is 3 or 5)
        {
            if (!Endpoint.TryParse(args.ToString(2), out var proxy))
            {
                output.WriteError($"ERR proxy address '{args.ToString(2)}' is not host:port");
                return;
            }
            int metricsPort = 0;
            if (args.Count == 5 && (!args.ToString(3).Equals("METRICS", StringComparison.OrdinalIgnoreCase) || !int.TryParse(args.ToString(4), out metricsPort) || metricsPort is < 1 or > 65535))
            {
                output.WriteError("ERR syntax: ROUTES SUBSCRIBE <proxy host:port> [METRICS <port>]");
                return;
            }
            output.WriteOk();
            server.Routes.Subscribe(connection);
            server.Register(new ProxyEntry(proxy, metricsPort));
        }
        else if (sub == "ACK" && args.Count == 3 && long.TryParse(args.ToString(2), out long version))
        {
            server.Routes.Acknowledge(connection, version);
            output.WriteOk();
        }
        else
            output.WriteError("ERR syntax: ROUTES GET | ROUTES SUBSCRIBE <proxy host:port> [METRICS <port>] | ROUTES ACK <version>");
    }

    /// <summary>PROXIES tenant: the proxies that answered their probes within downAfterMs (every proxy serves every tenant).</summary>
    private void Proxies(RespWriter output, string tenant)
    {
        var config = server.Store.Current;
        if (!config.Tenants.Any(t => t.Name == tenant))
        {
            output.WriteError($"ERR unknown tenant '{tenant}'");
            return;
        }
        long now = Environment.TickCount64;
        var healthy = server.Proxies.Where(p => now - server.Prober.Status(p).LastOkMs <= config.DownAfterMs)
            .Select(p => p.ToString()).ToList();
        output.WriteArrayHeader(healthy.Count);
        foreach (var proxy in healthy)
            output.WriteBulkString(proxy);
    }

    /// <summary>FAILOVER tenant shard [replica]: the reply waits for the switchover, the loop does not.</summary>
    private void Failover(Connection connection, CommandArgs args)
    {
        if (!int.TryParse(args.ToString(2), out int shard))
        {
            connection.Output.WriteError("ERR shard must be an integer");
            return;
        }
        string tenant = args.ToString(1);
        string? target = args.Count == 4 ? args.ToString(3) : null;
        connection.Suspend();
        server.Coordinator.SwitchoverAsync(tenant, shard, target).ContinueWith(done =>
        {
            string? error = done.IsCompletedSuccessfully ? done.Result : "ERR switchover failed: " + done.Exception?.GetBaseException().Message;
            connection.Resume(c =>
            {
                if (error is null)
                    c.Output.WriteOk();
                else
                    c.Output.WriteError(error);
            });
        }, TaskScheduler.Default);
    }
}
