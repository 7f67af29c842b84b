using Istore.Net.Resp;
using Istore.Net.Server;

namespace Istore.Node.Keyspace;

/// <summary>
/// Tries to serve a blocked client from <paramref name="key"/>, on the session of the thread whose
/// write made the key ready (its write lock held): logs what it changed and returns the reply to
/// send, or null when there is nothing there for this client yet (it stays blocked).
/// </summary>
public delegate Action<RespWriter>? ServeAttempt(KeyspaceSession session, byte[] key);

/// <summary>A client waiting in BLPOP and its kin: the keys it waits on, how to serve it, what it answers when its time is up.</summary>
public sealed class BlockedClient(Connection connection, byte[][] keys, ServeAttempt serve, Action<RespWriter> timedOutReply)
{
    public Connection Connection { get; } = connection;

    public byte[][] Keys { get; } = keys;

    public ServeAttempt Serve { get; } = serve;

    public Action<RespWriter> TimedOutReply { get; } = timedOutReply;

    /// <summary>Unix ms when it gives up; 0 = never.</summary>
    public long DeadlineMs { get; init; }

    /// <summary>Its SLOWLOG entry, written once it is answered (null while the slow log is off).</summary>
    public Admin.BlockedSlowLog? SlowLog { get; init; }

    /// <summary>Its commandstats and latency histogram entry, counted once it is answered.</summary>
    public Admin.BlockedCallStats? Stats { get; init; }

    internal Timer? Timer;
}
