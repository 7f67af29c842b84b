namespace Istore.Node.Engine.Memory;

public sealed record MemoryEngineOptions(string Directory, long MemoryBytes, long IndexBytes)
{
    /// <summary>Log page: records never span pages, so a page start is always a valid scan cursor.</summary>
    public long PageBytes { get; init; } = 1L << 22;
}
