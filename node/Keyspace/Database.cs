using Istore.Node.Engine;
using Istore.Node.Persistence;

namespace Istore.Node.Keyspace;

/// <summary>
/// The node's one database: the engine, the append-only log and the write lock that orders every
/// mutation with its log record. Threads reach it through their own <see cref="KeyspaceSession"/>.
/// </summary>
public sealed class Database(IStorageEngine engine, AppendOnlyLog log)
{
    public IStorageEngine Engine { get; } = engine;

    public AppendOnlyLog Log { get; } = log;

    /// <summary>Held for every mutation: apply then log, so the log order is the apply order.</summary>
    internal object WriteLock { get; } = new();

    public long ExpiredKeys;
    public long KeyspaceHits;
    public long KeyspaceMisses;

    public static long NowMs => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
}
