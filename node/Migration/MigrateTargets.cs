using System.Net.Sockets;

namespace Istore.Node.Migration;

/// <summary>One connection to a MIGRATE target, used by one MIGRATE at a time.</summary>
internal sealed class TargetConnection(string name, Socket socket) : IDisposable
{
    public string Name { get; } = name;

    public Socket Socket { get; } = socket;

    /// <summary>The database the last successful MIGRATE selected (-1: unknown, SELECT again), as Redis's last_dbid.</summary>
    public long LastDb { get; set; } = -1;

    /// <summary>True once it has served a MIGRATE: a failure before any reply may be a connection the target closed while idle.</summary>
    public bool Reused { get; set; }

    public long IdleSinceMs { get; set; }

    public byte[] ReplyBuffer { get; } = new byte[4096];

    public void Dispose() => Socket.Dispose();
}

/// <summary>
/// Connections to MIGRATE targets kept for reuse, by "host:port", closed after 10 seconds idle
/// (Redis's migrate socket cache). A connection is taken out while a MIGRATE uses it and put
/// back only after a clean round trip.
/// </summary>
internal sealed class MigrateTargets : IDisposable
{
    private const long IdleMs = 10_000;

    private readonly Dictionary<string, Stack<TargetConnection>> _idle = new(StringComparer.Ordinal);
    private readonly Timer _sweeper;

    public MigrateTargets() => _sweeper = new Timer(_ => CloseIdle(), null, 1000, 1000);

    /// <summary>Connections kept for reuse (INFO's migrate_cached_sockets).</summary>
    public int Count
    {
        get
        {
            lock (_idle)
                return _idle.Values.Sum(stack => stack.Count);
        }
    }

    public TargetConnection? TakeIdle(string name)
    {
        lock (_idle)
            return _idle.TryGetValue(name, out var stack) && stack.TryPop(out var connection) ? connection : null;
    }

    public static async Task<TargetConnection> ConnectAsync(string name, string host, int port, CancellationToken cancel)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, cancel);
            return new TargetConnection(name, socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Return(TargetConnection connection)
    {
        connection.Reused = true;
        connection.IdleSinceMs = Environment.TickCount64;
        lock (_idle)
        {
            if (!_idle.TryGetValue(connection.Name, out var stack))
                _idle[connection.Name] = stack = new Stack<TargetConnection>();
            stack.Push(connection);
        }
    }

    private void CloseIdle()
    {
        var closing = new List<TargetConnection>();
        long now = Environment.TickCount64;
        lock (_idle)
        {
            foreach (var (name, stack) in _idle)
            {
                var kept = stack.Where(c => now - c.IdleSinceMs < IdleMs).Reverse().ToArray();
                closing.AddRange(stack.Where(c => now - c.IdleSinceMs >= IdleMs));
                stack.Clear();
                foreach (var connection in kept)
                    stack.Push(connection);
            }
        }
        foreach (var connection in closing)
            connection.Dispose();
    }

    public void Dispose()
    {
        _sweeper.Dispose();
        lock (_idle)
        {
            foreach (var stack in _idle.Values)
                foreach (var connection in stack)
                    connection.Dispose();
            _idle.Clear();
        }
    }
}
