namespace Istore.Node.Engine.Memory;

public sealed record MemoryEngineOptions(string Directory, long MemoryBytes, long IndexBytes, long PageBytes)
{
    /// <summary>The default log page, as Garnet's: it bounds the largest value (see <see cref="MemoryEngine.MaxRecordBytes"/>).</summary>
    public const long DefaultPageBytes = 1L << 25;
}
