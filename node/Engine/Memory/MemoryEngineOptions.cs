namespace Istore.Node.Engine.Memory;

public sealed record MemoryEngineOptions(string Directory, long MemoryBytes, long IndexBytes, long PageBytes)
{
    /// <summary>
    /// The default log page. It bounds the largest value (see <see cref="MemoryEngine.MaxRecordBytes"/>)
    /// and costs RAM: an idle node holds two pages and a loaded one a page of slack, so 16 MB
    /// trades values up to 16 MB against a footprint below redis-server's for small keys.
    /// </summary>
    public const long DefaultPageBytes = 1L << 24;
}
