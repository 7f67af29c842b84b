using Istore.Node.Objects.Streams;

namespace Istore.Node.Commands;

/// <summary>Stream IDs as stream commands take them, with Redis's parsing rules and error replies.</summary>
public static class StreamArguments
{
    public const string InvalidId = "ERR Invalid stream ID specified as stream command argument";

    /// <summary>
    /// Redis's streamGenericParseIDOrReply: "-" (0-0) and "+" (max) unless <paramref name="strict"/>,
    /// "ms" (seq = <paramref name="missingSeq"/>) or "ms-seq". No reply is written.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> text, bool strict, ulong missingSeq, out StreamId id)
    {
        id = default;
        if (text.Length > 127)
            return false;
        if (text.Length == 1 && text[0] is (byte)'-' or (byte)'+')
        {
            if (strict)
                return false;
            id = text[0] == (byte)'-' ? StreamId.Zero : StreamId.Max;
            return true;
        }
        int dash = text.IndexOf((byte)'-');
        if (!StreamId.TryParsePart(dash < 0 ? text : text[..dash], out ulong ms))
            return false;
        ulong seq = missingSeq;
        if (dash >= 0 && !StreamId.TryParsePart(text[(dash + 1)..], out seq))
            return false;
        id = new StreamId(ms, seq);
        return true;
    }

    /// <summary>A strict ID (no "-" or "+"), or false after Redis's error reply.</summary>
    public static bool TryStrictId(CommandContext c, int index, out StreamId id) => Reply(c, TryParse(c.Arg(index), true, 0, out id));

    /// <summary>
    /// A range bound for XRANGE, XPENDING, XAUTOCLAIM: "(" makes it exclusive (then strict), which
    /// moves a start up or an end down by one ID; false after Redis's error reply.
    /// </summary>
    public static bool TryIntervalBound(CommandContext c, int index, bool isEnd, out StreamId id)
    {
        var text = c.Arg(index);
        bool exclusive = text.Length > 1 && text[0] == (byte)'(';
        ulong missingSeq = isEnd ? ulong.MaxValue : 0;
        if (!Reply(c, exclusive ? TryParse(text[1..], true, missingSeq, out id) : TryParse(text, false, missingSeq, out id)))
            return false;
        if (!exclusive)
            return true;
        if (isEnd ? id.TryDecrement(out id) : id.TryIncrement(out id))
            return true;
        c.Output.WriteError(isEnd ? "ERR invalid end ID for the interval" : "ERR invalid start ID for the interval");
        return false;
    }

    /// <summary>IDs at arguments first.. to the end, all checked before any is used (XDEL, XACK are all or nothing).</summary>
    public static bool TryIds(CommandContext c, int first, out StreamId[] ids)
    {
        ids = new StreamId[c.Count - first];
        for (int i = first; i < c.Count; i++)
            if (!TryStrictId(c, i, out ids[i - first]))
                return false;
        return true;
    }

    private static bool Reply(CommandContext c, bool parsed)
    {
        if (!parsed)
            c.Output.WriteError(InvalidId);
        return parsed;
    }

    /// <summary>-NOGROUP for a missing key or group, as XREADGROUP's neighbours word it.</summary>
    public static string NoGroup(CommandContext c, int keyIndex, int groupIndex) =>
        $"NOGROUP No such key '{c.ArgString(keyIndex)}' or consumer group '{c.ArgString(groupIndex)}'";
}
