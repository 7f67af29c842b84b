using Istore.Net.Commands;
using Istore.Net.Server;
using Istore.Node.Commands;
using Istore.Node.Hosting;

namespace Istore.Node.Replication;

/// <summary>
/// Semi-synchronous replication on one event loop (<c>--sync-replicas N</c>): a write's reply is
/// held until N replicas acknowledged the offset its records end at. The loop goes on; the
/// client's later replies wait behind it (replies stay in order) and its input is held. A
/// pipeline's writes in one batch wait for one acknowledgement together. Past the timeout, each
/// held write's reply becomes -NOREPLICAS (the write stays applied here, unacknowledged).
/// </summary>
internal sealed class SemiSyncReplies(NodeServer node)
{
    private static ReadOnlySpan<byte> Refused => "-NOREPLICAS not enough replicas acknowledged the write\r\n"u8;

    private readonly List<Connection> _holding = [];

    /// <summary>Whether the command counts as a write to acknowledge (EXEC carries its queued writes).</summary>
    public static bool Applies(CommandSpec spec) => (spec.Flags & CommandFlags.Write) != 0 || spec.Name is "EXEC" or "EVAL" or "EVALSHA" or "FCALL";

    /// <summary>Runs a write command, remembering its reply if it wrote to the stream.</summary>
    public void Run(CommandContext c)
    {
        var log = node.Database.Log;
        int start = c.Output.Length;
        long before = log.StreamOffset;
        NodeWorker.Dispatch(c);
        long after = log.StreamOffset;
        if (after == before)
            return;
        var held = c.Client.HeldWrites ??= new HeldWrites();
        if (held.Replies.Count == 0)
            _holding.Add(c.Connection);
        held.Replies.Add((start, c.Output.Length));
        held.Offset = after;
    }

    /// <summary>
    /// Before the batch's replies go out: moves each writer's replies from its first write on aside,
    /// and waits for the batch's highest offset once for all of them (one wake-up of this loop per
    /// acknowledgement, however many clients wrote). <paramref name="except"/> (a busy script's
    /// caller, whose reply is still being written) stays for the next call.
    /// </summary>
    public void HoldReplies(Connection? except = null)
    {
        if (_holding.Count != 0)
            Hold(except);
    }

    /// <summary>Apart from <see cref="HoldReplies"/>: the closure's locals would otherwise be allocated on every batch, before the check.</summary>
    private void Hold(Connection? except)
    {
        bool keep = except is not null && _holding.Contains(except);
        if (_holding.Count == (keep ? 1 : 0))
            return;
        var hub = node.Replication;
        var held = new List<(Connection Connection, byte[] Replies, (int, int)[] Writes)>(_holding.Count);
        long offset = 0;
        foreach (var connection in _holding)
        {
            if (connection == except)
                continue;
            var writes = ((ClientState)connection.State!).HeldWrites!;
            var output = connection.Output;
            int first = writes.Replies[0].Start;
            held.Add((connection, output.WrittenSpan[first..].ToArray(), writes.Replies.Select(r => (r.Start - first, r.End - first)).ToArray()));
            offset = Math.Max(offset, writes.Offset);
            output.Truncate(first);
            writes.Replies.Clear();
            connection.HoldInput();
        }
        _holding.Clear();
        if (keep)
            _holding.Add(except!);
        var loop = held[0].Connection.EventLoop!;
        int needed = hub.Settings.SyncReplicas;
        hub.SyncWaiters.Add(offset, needed, hub.Settings.SyncReplicasTimeoutMs, acknowledged => loop.Post(() =>
        {
            foreach (var (connection, replies, writes) in held)
            {
                if (connection.IsClosed)
                    continue;
                if (acknowledged >= needed)
                    connection.Output.WriteRaw(replies);
                else
                    WriteRefused(connection, replies, writes);
                connection.SendOutput();
                connection.ReleaseInput();
            }
        }));
    }

    /// <summary>The held replies with each write's own reply replaced by -NOREPLICAS.</summary>
    private static void WriteRefused(Connection c, byte[] replies, (int Start, int End)[] writes)
    {
        int at = 0;
        foreach (var (start, end) in writes)
        {
            c.Output.WriteRaw(replies.AsSpan(at, start - at));
            c.Output.WriteRaw(Refused);
            at = end;
        }
        c.Output.WriteRaw(replies.AsSpan(at));
    }
}

/// <summary>A client's write replies in this batch waiting for acknowledgement: their places in its output, and the offset to wait for.</summary>
internal sealed class HeldWrites
{
    public List<(int Start, int End)> Replies { get; } = [];

    public long Offset { get; set; }
}
