namespace Istore.Node.Engine.Disk;

/// <summary>
/// The disk engine's settings. <paramref name="ExpiredGraceMs"/>: compaction drops a key only this
/// long after it expired, leaving the keyspace's own expiry (which counts what it removes) the first go.
/// </summary>
public sealed record DiskEngineOptions(string Directory, long BlockCacheBytes, long WriteBufferBytes, long ExpiredGraceMs = 60_000)
{
    public const long DefaultBlockCacheBytes = 256L << 20;
    public const long DefaultWriteBufferBytes = 16L << 20;
}
