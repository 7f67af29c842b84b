using System.Globalization;
using System.Text;
using Istore.Net.Resp;
using Istore.Net.Server;
using Istore.Node.Commands;

namespace Istore.Node.Admin;

/// <summary>
/// MONITOR: clients that receive every command the node runs, as Redis's replicationFeedMonitors
/// writes it (<c>+1339518083.107412 [0 127.0.0.1:60866] "set" "k" "v"</c>; <c>[0 lua]</c> for a
/// script's calls), arguments quoted by <see cref="RedisRepr"/>, secrets shown as "(redacted)". Each line goes to a monitor through its own loop.
/// </summary>
public sealed class Monitors
{
    private readonly object _lock = new();
    private Connection[] _clients = [];

    /// <summary>Whether anyone monitors: the only cost a command pays otherwise.</summary>
    public bool Active => Volatile.Read(ref _clients).Length > 0;

    public void Add(Connection connection)
    {
        lock (_lock)
            _clients = [.. _clients, connection];
    }

    public void Remove(Connection connection)
    {
        lock (_lock)
            _clients = [.. _clients.Where(c => c != connection)];
    }

    /// <summary>Sends the command of <paramref name="c"/> to every monitor; <paramref name="fromScript"/> for a script's redis.call.</summary>
    public void Feed(CommandContext c, bool fromScript)
    {
        var line = new StringBuilder("+");
        long micros = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks / 10;
        line.Append(micros / 1_000_000).Append('.').Append((micros % 1_000_000).ToString("D6", CultureInfo.InvariantCulture));
        line.Append(fromScript ? " [0 lua]" : " [0 " + c.Connection.RemoteAddress + "]");
        var secret = Diagnostics.Secrets(c);
        for (int i = 0; i < c.Count; i++)
        {
            line.Append(' ');
            if (secret(i))
                line.Append("\"(redacted)\"");
            else
                RedisRepr.Append(line, c.Arg(i));
        }
        var bytes = Encoding.Latin1.GetBytes(line.Append("\r\n").ToString());
        foreach (var monitor in Volatile.Read(ref _clients))
            monitor.Deliver(m => m.Output.WriteRaw(bytes));
    }
}
