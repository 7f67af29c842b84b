namespace Istore.Node.Engine.Memory;

public sealed record MemoryEngineOptions(string Directory, long MemoryBytes, long IndexBytes)
{
    /// <summary>
    /// Log page: records never span pages, so a page start is always a valid scan cursor. That also
    /// makes the page the largest record FASTER accepts, so it bounds the largest value: 32 MB, as
    /// Garnet's default page (the engine caps it at a quarter of its memory; an idle node holds
    /// about two pages).
    /// </summary>
    public long PageBytes { get; init; } = 1L << 25;
}
