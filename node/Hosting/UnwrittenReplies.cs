using Istore.Net.Server;

namespace Istore.Node.Hosting;

/// <summary>
/// The replies of writers whose records the log could not write (a full disk), on one event loop.
/// Redis under appendfsync everysec replies anyway (the write is in memory) and under always
/// exits; here a client that wrote in a batch whose log flush failed gets nothing back — its
/// replies and further input wait, in order — until a retry writes the records, so no write is
/// acknowledged before its record is in the OS (on disk under always). Meanwhile new writes get
/// -MISCONF and reads are served; a read may see the unwritten write, as in Redis.
/// </summary>
internal sealed class UnwrittenReplies(NodeServer node)
{
    private readonly List<Connection> _writers = [];

    /// <summary>The connection's command appended log records in this batch.</summary>
    public void Wrote(Connection connection)
    {
        if (_writers.Count == 0 || _writers[^1] != connection)
            _writers.Add(connection);
    }

    /// <summary>Before the batch's replies go out: writes its records, or holds its writers' replies until a retry does.</summary>
    public void Flush()
    {
        if (!node.Database.Log.Flush(fsync: false) && _writers.Count > 0)
            HoldUntilWritten();
        _writers.Clear();
    }

    private void HoldUntilWritten()
    {
        var held = _writers.ToArray();
        foreach (var connection in held)
        {
            connection.HoldOutput();
            connection.HoldInput();
        }
        var loop = held[0].EventLoop!;
        node.Database.Log.WhenWritten(() => loop.Post(() =>
        {
            foreach (var connection in held)
            {
                if (connection.IsClosed)
                    continue;
                connection.ReleaseInput();
                connection.ReleaseOutput();
            }
        }));
    }
}
