using FASTER.core;

namespace Istore.Node.Engine.Memory;

/// <summary>
/// FASTER operation output: a read copies the record's value into the session's reusable buffer;
/// a write reports whether it created the key (for the exact key count).
/// </summary>
internal struct StringOutput
{
    public ValueBuffer Value;
    public bool PeekOnly;
    public bool Created;

    /// <summary>How the write changed the number of keys with an expiry: -1, 0 or +1.</summary>
    public int VolatileDelta;

    /// <summary>The value bytes (expiry included) of the record read, or replaced by a write that did not create the key.</summary>
    public int RecordLength;

    public void CopyFrom(ref SpanByte record)
    {
        long expireAt = record.MetadataSize > 0 ? record.ExtraMetadata : 0;
        RecordLength = record.Length;
        if (PeekOnly)
            Value.ExpireAt = expireAt;
        else
            Value.Set(record.AsReadOnlySpan(), expireAt);
    }
}
