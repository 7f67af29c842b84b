using FASTER.core;

namespace Istore.Node.Engine.Memory;

/// <summary>
/// FASTER callbacks for the string store. Values are SpanBytes whose optional 8-byte metadata
/// holds the absolute expiry. Writes are RMWs whose input is the new value: one index lookup
/// both stores it and tells whether the key is new (InitialUpdater) or existed (the updaters).
/// A record is only rewritten in place at its exact size, so record sizes never change and the
/// log stays scannable; any other size gets a fresh record (FASTER's copy-update).
/// </summary>
internal sealed class StringStoreFunctions : SpanByteFunctions<SpanByte, StringOutput, Empty>
{
    public override bool InitialUpdater(ref SpanByte key, ref SpanByte input, ref SpanByte value, ref StringOutput output, ref RMWInfo rmwInfo)
    {
        CopyExact(ref input, ref value);
        output.Created = true;
        output.VolatileDelta = HasExpiry(ref input);
        return true;
    }

    public override bool InPlaceUpdater(ref SpanByte key, ref SpanByte input, ref SpanByte value, ref StringOutput output, ref RMWInfo rmwInfo)
    {
        if (value.TotalSize != input.TotalSize)
            return false;
        output.VolatileDelta = HasExpiry(ref input) - HasExpiry(ref value);
        output.RecordLength = value.Length;
        CopyExact(ref input, ref value);
        return true;
    }

    public override bool CopyUpdater(ref SpanByte key, ref SpanByte input, ref SpanByte oldValue, ref SpanByte newValue, ref StringOutput output, ref RMWInfo rmwInfo)
    {
        CopyExact(ref input, ref newValue);
        output.VolatileDelta = HasExpiry(ref input) - HasExpiry(ref oldValue);
        output.RecordLength = oldValue.Length;
        return true;
    }

    private static int HasExpiry(ref SpanByte value) => value.MetadataSize > 0 ? 1 : 0;

    /// <summary>
    /// FASTER sized the destination from the input (rounded up to the record alignment) and filled
    /// that space: set the exact length and metadata flag, then copy. The record's aligned size
    /// is unchanged, so the log stays scannable.
    /// </summary>
    private static void CopyExact(ref SpanByte input, ref SpanByte value)
    {
        value.ShrinkSerializedLength(input.Length);
        if (input.MetadataSize > 0) value.MarkExtraMetadata();
        else value.UnmarkExtraMetadata();
        input.AsReadOnlySpanWithMetadata().CopyTo(value.AsSpanWithMetadata());
    }

    public override bool SingleReader(ref SpanByte key, ref SpanByte input, ref SpanByte value, ref StringOutput dst, ref ReadInfo readInfo)
    {
        dst.CopyFrom(ref value);
        return true;
    }

    public override bool ConcurrentReader(ref SpanByte key, ref SpanByte input, ref SpanByte value, ref StringOutput dst, ref ReadInfo readInfo)
    {
        dst.CopyFrom(ref value);
        return true;
    }
}
