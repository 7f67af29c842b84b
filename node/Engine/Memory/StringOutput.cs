using FASTER.core;

namespace Istore.Node.Engine.Memory;

/// <summary>
/// FASTER operation output: a read copies the record's value into the session's reusable buffer;
/// a write reports whether it created the key (for the exact key count). An RMW also takes its
/// orders here (<see cref="Update"/>), since FASTER hands the output to every updater callback.
/// </summary>
internal struct StringOutput
{
    public ValueBuffer Value;
    public bool PeekOnly;
    public bool Created;

    /// <summary>What an RMW does: store its input as the value, or change the live record in place (else cancel).</summary>
    public StringUpdate Update;

    /// <summary>The edit of a <see cref="StringUpdate.Edit"/>.</summary>
    public IStringEdit? Edit;

    /// <summary>The increment, or the new expiry, of an in-place update; an increment's result (an edit's 1 = changed) comes back here.</summary>
    public long Operand;

    /// <summary>An in-place update leaves a record alone that expires at or before this time (Unix ms).</summary>
    public long ExpiredBy;

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

internal enum StringUpdate : byte
{
    /// <summary>The RMW's input is the whole new value (with its expiry).</summary>
    Replace,

    /// <summary>Add <see cref="StringOutput.Operand"/> to the integer the record holds, keeping its expiry.</summary>
    Increment,

    /// <summary>Replace the record's expiry with <see cref="StringOutput.Operand"/> (records that have one).</summary>
    Expiry,

    /// <summary>Apply <see cref="StringOutput.Edit"/> to the value, keeping its length and expiry.</summary>
    Edit,
}
