namespace Istore.Net.Resp;

/// <summary>
/// Materialises one reply into a <see cref="RespValue"/>. The frame is validated by
/// <see cref="RespFrameScanner"/> first, so reading it needs no error handling, and its nesting
/// (at most <see cref="RespFrameScanner.MaxDepth"/>) keeps the recursion shallow.
/// </summary>
public static class RespValueReader
{
    /// <summary>
    /// Reads one value from the start of <paramref name="buffer"/>, like <see cref="RespFrameScanner.TryScan(ReadOnlySpan{byte}, out int, out string?)"/>;
    /// with <paramref name="partial"/>, a value still arriving is not rescanned from its start on every call.
    /// </summary>
    public static ParseResult TryRead(ReadOnlySpan<byte> buffer, out RespValue? value, out int consumed, out string? error,
        PartialReply? partial = null)
    {
        value = null;
        var result = partial is null
            ? RespFrameScanner.TryScan(buffer, out consumed, out error)
            : RespFrameScanner.TryScan(buffer, partial, out consumed, out error);
        if (result != ParseResult.Complete)
            return result;
        int pos = 0;
        value = Read(buffer[..consumed], ref pos);
        return result;
    }

    private static RespValue Read(ReadOnlySpan<byte> frame, ref int pos)
    {
        byte type = frame[pos];
        int lineLength = frame[(pos + 1)..].IndexOf((byte)'\r');
        var line = frame.Slice(pos + 1, lineLength);
        pos += lineLength + 3;
        switch (type)
        {
            case (byte)'+': return RespValue.String(RespType.SimpleString, line.ToArray());
            case (byte)'-': return RespValue.String(RespType.Error, line.ToArray());
            case (byte)'(': return RespValue.String(RespType.BigNumber, line.ToArray());
            case (byte)':': return RespValue.Integer(Number(line));
            case (byte)'_': return RespValue.Null();
            case (byte)'#': return RespValue.Boolean(line[0] == (byte)'t');
            case (byte)',':
                RespFrameScanner.TryParseDouble(line, out double d);
                return RespValue.Double(line.ToArray(), d);
            case (byte)'$' or (byte)'!' or (byte)'=':
            {
                long length = Number(line);
                if (length < 0)
                    return RespValue.Null();
                var bytes = frame.Slice(pos, (int)length).ToArray();
                pos += (int)length + 2;
                var kind = type switch { (byte)'$' => RespType.BulkString, (byte)'!' => RespType.BlobError, _ => RespType.Verbatim };
                return RespValue.String(kind, bytes);
            }
            case (byte)'|':
            {
                var attributes = RespValue.Aggregate(RespType.Attribute, ReadItems(frame, ref pos, Number(line) * 2));
                var value = Read(frame, ref pos);
                value.Attributes = attributes;
                return value;
            }
            default:
            {
                long count = Number(line);
                if (count < 0)
                    return RespValue.Null();
                var kind = type switch
                {
                    (byte)'%' => RespType.Map,
                    (byte)'~' => RespType.Set,
                    (byte)'>' => RespType.Push,
                    _ => RespType.Array,
                };
                return RespValue.Aggregate(kind, ReadItems(frame, ref pos, kind == RespType.Map ? count * 2 : count));
            }
        }
    }

    private static RespValue[] ReadItems(ReadOnlySpan<byte> frame, ref int pos, long count)
    {
        var items = new RespValue[count];
        for (int i = 0; i < items.Length; i++)
            items[i] = Read(frame, ref pos);
        return items;
    }

    private static long Number(ReadOnlySpan<byte> line)
    {
        RespFrameScanner.TryParseInteger(line, out long value);
        return value;
    }
}
