namespace Istore.Node.Objects.Streams;

/// <summary>
/// Redis's stream-node-max-entries and stream-node-max-bytes (CONFIG SET): when a stream starts a
/// new block. Server-wide, as in Redis; they shape only the layout (and so where an approximate
/// trim may cut), never the content, which is logged exactly.
/// </summary>
public static class StreamLimits
{
    /// <summary>Redis's STREAM_LISTPACK_MAX_SIZE: the byte limit when none (0) or a larger one is set.</summary>
    public const long MaxNodeBytes = 1L << 30;

    private static int _nodeMaxEntries = 100;
    private static long _nodeMaxBytes = 4096;

    /// <summary>Entries (deleted ones included) a block takes before a new one starts; 0 = no limit.</summary>
    public static int NodeMaxEntries
    {
        get => Volatile.Read(ref _nodeMaxEntries);
        set => Volatile.Write(ref _nodeMaxEntries, value);
    }

    /// <summary>Bytes a block grows to before a new one starts, as configured (0 = Redis's maximum).</summary>
    public static long NodeMaxBytes
    {
        get => Volatile.Read(ref _nodeMaxBytes);
        set => Volatile.Write(ref _nodeMaxBytes, value);
    }

    /// <summary>The byte limit in force: Redis caps it at <see cref="MaxNodeBytes"/>.</summary>
    public static long EffectiveNodeMaxBytes => NodeMaxBytes is <= 0 or > MaxNodeBytes ? MaxNodeBytes : NodeMaxBytes;

    /// <summary>Redis's cap on the entries one approximate trim removes without LIMIT: 100 blocks' worth, at most 10,000.</summary>
    public static long DefaultApproximateLimit
    {
        get
        {
            long limit = 100L * NodeMaxEntries;
            return limit is <= 0 or > 10_000 ? 10_000 : limit;
        }
    }
}
