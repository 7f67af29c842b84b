namespace Istore.Node.Engine.Memory;

public sealed record MemoryEngineOptions(string Directory, long MemoryBytes, long IndexBytes, long PageBytes)
{
    /// <summary>
    /// The default log page. It bounds the largest string kept in the log (see
    /// <see cref="MemoryEngine.MaxStoreRecordBytes"/>; larger ones live in the object space) and
    /// costs RAM: an idle node holds two pages and a loaded one up to two pages of slack, so 8 MB
    /// keeps the footprint below redis-server's (1M 64-byte values: about 150 MB against 160 MB).
    /// </summary>
    public const long DefaultPageBytes = 1L << 23;
}
