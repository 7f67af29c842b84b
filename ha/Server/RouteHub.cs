using Istore.Ha.Config;
using Istore.Net.Resp;
using Istore.Net.Server;

namespace Istore.Ha.Server;

/// <summary>
/// Proxies subscribed to the route table: each gets the whole table when it subscribes and again
/// on every change (a RESP3 push: routes, version, JSON), a heartbeat push every second (so a
/// proxy whose HA froze moves to another), and acknowledges each version it applied. Also the
/// registry of every proxy that ever subscribed, which HA probes for the name service.
/// </summary>
public sealed class RouteHub : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Connection, Subscriber> _subscribers = [];
    private readonly Timer _heartbeat;
    private HaConfig _current;

    public RouteHub(HaConfig current)
    {
        _current = current;
        _heartbeat = new Timer(_ => Heartbeat(), null, 1000, 1000);
    }

    /// <summary>On the connection's loop: a proxy subscribes; it gets the table now.</summary>
    public void Subscribe(Connection connection)
    {
        HaConfig current;
        lock (_lock)
        {
            _subscribers[connection] = new Subscriber();
            current = _current;
        }
        WriteRoutes(connection.Output, current);
    }

    public void Unsubscribe(Connection connection)
    {
        lock (_lock)
            _subscribers.Remove(connection);
    }

    /// <summary>ROUTES ACK version: the proxy on <paramref name="connection"/> applied that version.</summary>
    public void Acknowledge(Connection connection, long version)
    {
        lock (_lock)
        {
            if (_subscribers.TryGetValue(connection, out var subscriber))
                subscriber.Applied = Math.Max(subscriber.Applied, version);
        }
    }

    /// <summary>A new table (from any thread): pushed to every subscriber on its own loop.</summary>
    public void Publish(HaConfig config)
    {
        Connection[] targets;
        lock (_lock)
        {
            if (config.Version <= _current.Version && !ReferenceEquals(config, _current))
                return;
            _current = config;
            targets = [.. _subscribers.Keys];
        }
        foreach (var connection in targets)
            connection.Deliver(c => WriteRoutes(c.Output, config));
    }

    /// <summary>Waits until every subscribed proxy applied <paramref name="version"/>, at most <paramref name="timeoutMs"/>.</summary>
    public async Task WaitAppliedAsync(long version, int timeoutMs)
    {
        long deadline = Environment.TickCount64 + timeoutMs;
        while (Environment.TickCount64 < deadline)
        {
            lock (_lock)
            {
                if (_subscribers.Values.All(s => s.Applied >= version))
                    return;
            }
            await Task.Delay(2).ConfigureAwait(false);
        }
    }

    private static void WriteRoutes(RespWriter output, HaConfig config)
    {
        output.WriteRaw(">3\r\n"u8);
        output.WriteBulkString("routes");
        output.WriteInteger(config.Version);
        output.WriteBulkString(HaConfigLoader.SerializeRoutes(config));
    }

    private void Heartbeat()
    {
        Connection[] targets;
        long version;
        lock (_lock)
        {
            targets = [.. _subscribers.Keys];
            version = _current.Version;
        }
        foreach (var connection in targets)
        {
            connection.Deliver(c =>
            {
                c.Output.WriteRaw(">2\r\n"u8);
                c.Output.WriteBulkString("heartbeat");
                c.Output.WriteInteger(version);
            });
        }
    }

    public void Dispose() => _heartbeat.Dispose();

    private sealed class Subscriber
    {
        public long Applied { get; set; }
    }
}
