using System.Buffers.Text;
using System.Runtime.InteropServices;
using FASTER.core;
using Istore.Net.Commands;

namespace Istore.Node.Engine.Memory;

/// <summary>
/// FASTER callbacks for the string store. Values are SpanBytes whose optional 8-byte metadata
/// holds the absolute expiry. Writes are RMWs whose input is the new value: one index lookup
/// both stores it and tells whether the key is new (InitialUpdater) or existed (the updaters).
/// A record is only rewritten in place at its exact size, so record sizes never change and the
/// log stays scannable; any other size gets a fresh record (FASTER's copy-update).
/// The in-place updates (<see cref="StringUpdate"/>: INCR, a new TTL, an edit) only ever change a live
/// record in the mutable region at its size; anything else cancels, and the caller reads and writes.
/// </summary>
internal sealed class StringStoreFunctions : SpanByteFunctions<SpanByte, StringOutput, Empty>
{
    public override bool NeedInitialUpdate(ref SpanByte key, ref SpanByte input, ref StringOutput output, ref RMWInfo rmwInfo)
        => output.Update == StringUpdate.Replace || Cancel(ref rmwInfo);

    public override bool NeedCopyUpdate(ref SpanByte key, ref SpanByte input, ref SpanByte oldValue, ref StringOutput output, ref RMWInfo rmwInfo)
        => output.Update == StringUpdate.Replace || Cancel(ref rmwInfo);

    public override bool InitialUpdater(ref SpanByte key, ref SpanByte input, ref SpanByte value, ref StringOutput output, ref RMWInfo rmwInfo)
    {
        CopyExact(ref input, ref value);
        output.Created = true;
        output.VolatileDelta = HasExpiry(ref input);
        return true;
    }

    public override bool InPlaceUpdater(ref SpanByte key, ref SpanByte input, ref SpanByte value, ref StringOutput output, ref RMWInfo rmwInfo)
    {
        if (output.Update != StringUpdate.Replace)
        {
            long expireAt = value.MetadataSize > 0 ? value.ExtraMetadata : 0;
            bool expired = expireAt != 0 && expireAt <= output.ExpiredBy;
            bool done = !expired && output.Update switch
            {
                StringUpdate.Increment => TryIncrement(ref value, ref output),
                StringUpdate.Expiry => TrySetExpiry(ref value, output.Operand),
                _ => TryEdit(ref value, ref output),
            };
            output.Value.ExpireAt = expireAt;
            return done || Cancel(ref rmwInfo);
        }
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

    private static bool Cancel(ref RMWInfo rmwInfo)
    {
        rmwInfo.Action = RMWAction.CancelOperation;
        return false;
    }

    /// <summary>INCRBY at the record's size: an integer whose sum neither overflows nor changes its number of digits.</summary>
    private static bool TryIncrement(ref SpanByte value, ref StringOutput output)
    {
        var digits = value.AsSpan();
        long by = output.Operand;
        if (!RedisNumber.TryParseInt64(digits, out long current)
            || (by > 0 && current > long.MaxValue - by) || (by < 0 && current < long.MinValue - by))
            return false;
        Span<byte> text = stackalloc byte[20];
        Utf8Formatter.TryFormat(current + by, text, out int length);
        if (length != digits.Length)
            return false;
        text[..length].CopyTo(digits);
        output.Operand = current + by;
        return true;
    }

    /// <summary>A new expiry over the old one; a record without one has no room for it (nor does removing it keep the size).</summary>
    private static bool TrySetExpiry(ref SpanByte value, long expireAt)
    {
        if (value.MetadataSize == 0 || expireAt == 0)
            return false;
        MemoryMarshal.Write(value.AsSpanWithMetadata(), in expireAt);
        return true;
    }

    private static bool TryEdit(ref SpanByte value, ref StringOutput output)
    {
        if (!output.Edit!.TryEdit(value.AsSpan(), out bool changed))
            return false;
        output.Operand = changed ? 1 : 0;
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
