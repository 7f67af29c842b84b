using FASTER.core;

namespace Istore.Node.Engine.Memory;

/// <summary>FASTER read output: copies the record's value into the session's reusable buffer.</summary>
internal struct StringOutput
{
    public ValueBuffer Value;
    public bool PeekOnly;

    public void CopyFrom(ref SpanByte record)
    {
        long expireAt = record.MetadataSize > 0 ? record.ExtraMetadata : 0;
        if (PeekOnly)
            Value.ExpireAt = expireAt;
        else
            Value.Set(record.AsReadOnlySpan(), expireAt);
    }
}
