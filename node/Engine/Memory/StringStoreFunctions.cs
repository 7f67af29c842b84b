using FASTER.core;

namespace Istore.Node.Engine.Memory;

/// <summary>
/// FASTER callbacks for the string store. Values are SpanBytes whose optional 8-byte metadata
/// holds the absolute expiry; writers are FASTER's own SpanByte copies.
/// </summary>
internal sealed class StringStoreFunctions : SpanByteFunctions<SpanByte, StringOutput, Empty>
{
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
