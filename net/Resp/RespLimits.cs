namespace Istore.Net.Resp;

/// <summary>Protocol limits a server enforces on every connection (Redis's names in brackets).</summary>
public sealed record RespLimits
{
    /// <summary>Largest bulk string accepted [proto-max-bulk-len].</summary>
    public long MaxBulkLength { get; init; } = 512L * 1024 * 1024;

    /// <summary>Most arguments in one command.</summary>
    public int MaxArguments { get; init; } = 1024 * 1024;

    /// <summary>Largest unparsed input a client may have buffered [client-query-buffer-limit].</summary>
    public long MaxQueryBuffer { get; init; } = 1024L * 1024 * 1024;

    /// <summary>Longest inline command line (Redis: PROTO_INLINE_MAX_SIZE).</summary>
    public int MaxInlineLength { get; init; } = 64 * 1024;

    public static RespLimits Default { get; } = new();
}
