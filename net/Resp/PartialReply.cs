namespace Istore.Net.Resp;

/// <summary>
/// How far <see cref="RespFrameScanner"/> got in a reply that has not fully arrived: the offset of
/// the first header not yet complete (relative to the reply's start, so the buffer may move) and
/// the aggregates still open. One per connection that reads replies.
/// </summary>
public sealed class PartialReply
{
    private long[]? _stack;

    internal int Resume;
    internal int Depth;

    /// <summary>Items still expected by each open aggregate, outermost first.</summary>
    internal Span<long> Stack => _stack ??= new long[RespFrameScanner.MaxDepth];

    /// <summary>Forgets the reply (it completed, failed, or the connection was reset).</summary>
    public void Clear()
    {
        Resume = 0;
        Depth = 0;
    }
}
