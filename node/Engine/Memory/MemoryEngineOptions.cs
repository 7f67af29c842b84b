namespace Istore.Node.Engine.Memory;

public sealed record MemoryEngineOptions(string Directory, long MemoryBytes, long IndexBytes, long PageBytes)
{
    /// <summary>
    /// The default log page. It bounds the largest value (see <see cref="MemoryEngine.MaxRecordBytes"/>)
    /// and costs RAM: an idle node holds two pages and a loaded one up to two pages of slack, so
    /// 8 MB trades values up to 8 MB for a footprint below redis-server's (1M 64-byte values:
    /// about 150 MB against 160 MB); --page-size raises it.
    /// </summary>
    public const long DefaultPageBytes = 1L << 23;
}
